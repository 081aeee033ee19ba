"""Everything that changes the registry, one module per aggregate. One function per use case,
each in one transaction; the browser, the API, the admin, the importer and Celery all call
these, so they all obey the same rules: area scope, validation in Chinese at the field,
optimistic locking and history. Other apps call them too, never the models directly."""

from .households import (
    household_delete,
    household_register,
    household_save_with_members,
    household_update,
    households_bulk_update,
)
from .incomes import income_record, income_update, income_year_refused
from .members import household_change_head, member_add, member_leave, member_update
from .status import household_monitoring_set, household_status_set

__all__ = [
    "household_change_head",
    "household_delete",
    "household_monitoring_set",
    "household_register",
    "household_save_with_members",
    "household_status_set",
    "household_update",
    "households_bulk_update",
    "income_record",
    "income_update",
    "income_year_refused",
    "member_add",
    "member_leave",
    "member_update",
]
