"""Incomes (年度收入): a household's income for a year, recorded once and then corrected."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import history, locking, scope
from core.choices import Action, ChangeAction

from ..models import INCOME_AMOUNT_FIELDS, Household, Income
from ._common import edit, reject_unknown, save

INCOME_FIELDS = frozenset({*INCOME_AMOUNT_FIELDS, "household_size"})


@transaction.atomic
def income_record(*, actor, household: Household, year: int, data: dict) -> Income:
    """Record a household's income for a year; the household size defaults to its live members."""
    scope.ensure(actor, Action.EDIT, household.village_id)
    reject_unknown(data, INCOME_FIELDS)
    if Income.objects.filter(household=household, year=year).exists():
        raise ValidationError(
            {"year": _("该户 %(year)s 年度的收入已登记，请修改原记录。") % {"year": year}}
        )
    income = Income(household=household, year=year, **data)
    if income.household_size is None:
        income.household_size = household.size or None
    income.full_clean(exclude=["household"])
    save(income)
    history.record(
        income, action=ChangeAction.CREATE, changes=history.snapshot(income), actor=actor
    )
    return income


@transaction.atomic
def income_update(*, actor, income: Income, version: int, data: dict, opened=None) -> Income:
    scope.ensure(actor, Action.EDIT, income.household.village_id)
    reject_unknown(data, INCOME_FIELDS)
    current = locking.lock(income, version, changes=data, opened=opened)
    edit(current, actor=actor, data=data, prepare=lambda row: row.full_clean(exclude=["household"]))
    return current
