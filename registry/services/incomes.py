"""Incomes (年度收入): a household's income for a year, recorded once and then corrected."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import history, locking, scope
from core.choices import Action, ChangeAction

from ..models import INCOME_AMOUNT_FIELDS, Household, Income, PovertyLine
from ._common import edit, reject_unknown, save

INCOME_FIELDS = frozenset({*INCOME_AMOUNT_FIELDS, "household_size"})


def income_year_refused(year: int, line_years=None) -> str | None:
    """An income is judged against its year's line: a year without one (a typing slip, or a
    year whose standard the province has not yet set) cannot take incomes until an
    administrator enters the line. `line_years`, the years with a line, spares an importer a
    query per row."""
    if line_years is None:
        line_years = PovertyLine.objects.filter(year=year).values_list("year", flat=True)
    if year in line_years:
        return None
    return _(
        "%(year)s 年度还没有扶贫标准，收入无从对照：请系统管理员先在“扶贫标准”中录入该年度的"
        "标准（及防返贫监测标准），再登记收入。"
    ) % {"year": year}


@transaction.atomic
def income_record(*, actor, household: Household, year: int, data: dict) -> Income:
    """Record a household's income for a year; the household size defaults to its live members."""
    scope.ensure(actor, Action.EDIT, household.village_id)
    reject_unknown(data, INCOME_FIELDS)
    refused = income_year_refused(year)
    if refused:
        raise ValidationError({"year": refused})
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
