"""What the registry's services share: saving with constraint errors at their field, refusing
fields a use case may not change, and an edit recorded in the history."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import history
from core.choices import ChangeAction

from ..models import HOUSEHOLD_STATUS_FIELDS, Household

CONSTRAINT_FIELDS = {
    "member_one_live_record_per_person": "id_number",
    "member_one_head_per_household": "relation",
    "income_one_per_household_year": "year",
}
STATUS_MESSAGE = gettext_lazy(
    "户的状态只能通过识别程序（“12345”）或脱贫验收（“4342”）变更，不能在此修改。"
)


def save(instance, **kwargs) -> None:
    """Save, turning a constraint that the database caught in a race into a field error."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as error:
        for constraint in type(instance)._meta.constraints:
            if _names(constraint, instance, str(error)):
                field_name = CONSTRAINT_FIELDS.get(constraint.name, "__all__")
                raise ValidationError(
                    {field_name: str(constraint.violation_error_message)}
                ) from error
        if isinstance(instance, Household) and "_number_" in str(error):
            raise ValidationError({"number": _("该户编号已被使用。")}) from error
        raise


def _names(constraint, instance, message: str) -> bool:
    """Does the database's message name this constraint? PostgreSQL gives its name; SQLite
    gives the columns of a unique one ("UNIQUE constraint failed: registry_income.household_id,
    registry_income.year")."""
    if constraint.name in message:
        return True
    fields = getattr(constraint, "fields", ())
    if not fields or "UNIQUE constraint failed" not in message:
        return False
    meta = instance._meta
    columns = ", ".join(f"{meta.db_table}.{meta.get_field(name).column}" for name in fields)
    return message.rstrip().endswith(columns)


def status_refused(data) -> dict:
    """Errors for status fields in data: they belong to the procedures (services.status)."""
    return {name: [str(STATUS_MESSAGE)] for name in HOUSEHOLD_STATUS_FIELDS if name in data}


def reject_unknown(data: dict, allowed: frozenset) -> None:
    errors = status_refused(data)
    for name in sorted(set(data) - allowed - set(errors)):
        errors[name] = [_("该字段不能在此修改。")]
    if errors:
        raise ValidationError(errors)


def prefixed(error: ValidationError, prefix: str) -> dict:
    return {f"{prefix}{name}": messages for name, messages in error.message_dict.items()}


def edit(current, *, actor, data: dict, prepare: Callable[[Any], None]) -> dict:
    """Apply data to a locked row; `prepare` validates it (and may set related rows). When
    anything changed, save it with the next version and record the change. Returns the changes."""
    before = history.snapshot(current)
    for name, value in data.items():
        setattr(current, name, value)
    prepare(current)
    changes = history.diff(before, history.snapshot(current))
    if changes:
        current.version += 1
        save(current)
        history.record(current, action=ChangeAction.UPDATE, changes=changes, actor=actor)
    return changes
