"""Regression tests for issue 9 (a new user's walk-through and an API probe), one per item."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry import services
from registry.models import Income
from registry.services._common import _names

# --- 1. a second income for a recorded year -------------------------------------------------


def test_a_recorded_income_year_is_refused_at_the_year(households, cadre_a):
    household = households["A"]
    services.income_record(actor=cadre_a, household=household, year=2016, data={})
    with pytest.raises(ValidationError) as error:
        services.income_record(actor=cadre_a, household=household, year=2016, data={})
    assert "2016 年度的收入已登记" in error.value.message_dict["year"][0]


def test_sqlites_unique_message_is_read_as_the_constraint():
    """SQLite names the columns, not the constraint: still an error at the field, never a 500."""
    constraint = next(
        c for c in Income._meta.constraints if c.name == "income_one_per_household_year"
    )
    message = "UNIQUE constraint failed: registry_income.household_id, registry_income.year"
    assert _names(constraint, Income(), message)
    assert not _names(constraint, Income(), "UNIQUE constraint failed: registry_income.id")


def test_the_page_offers_a_recorded_year_as_a_correction(client, households, cadre_a):
    from registry import selectors

    household = households["A"]
    year = selectors.current_income_year()
    client.force_login(cadre_a)
    detail = reverse("household-detail", args=[household.pk])
    assert f"登记 {year} 年度收入" in client.get(detail).text
    services.income_record(actor=cadre_a, household=household, year=year, data={})
    page = client.get(detail).text
    assert f"修改 {year} 年度收入" in page and f"登记 {year} 年度收入" not in page
    again = client.post(
        reverse("income-create", args=[household.pk]), {"year": year, "wage_income": "100"}
    )
    assert again.status_code == 200
    assert reverse("income-edit", args=[household.pk, year]) in again.text
    assert household.incomes.filter(year=year).count() == 1
