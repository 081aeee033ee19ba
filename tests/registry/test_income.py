from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from registry import selectors, services
from registry.models import Income, PovertyLine, net_income, per_capita


def test_net_income_formula():
    # 人均纯收入 = (工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出) ÷ 家庭人口数
    net = net_income(wage=6000, production=3000, property_=500, transfer=2500, cost=1000)
    assert net == Decimal("11000")
    assert per_capita(net, 3) == Decimal("3666.67")
    assert per_capita(net, 0) is None


def test_income_uses_the_live_household_size_by_default(households, superuser):
    income = services.income_record(
        actor=superuser,
        household=households["A"],
        year=2016,
        data={"wage_income": Decimal("6000"), "production_cost": Decimal("300")},
    )
    assert income.household_size == 3
    assert income.net_income == Decimal("5700")
    assert income.per_capita_net_income == Decimal("1900.00")


def test_per_capita_income_is_compared_with_that_years_line(households, superuser):
    assert PovertyLine.objects.get(year=2016).amount == Decimal("2952")  # loaded from fixtures
    lines = selectors.poverty_lines()
    below = services.income_record(
        actor=superuser, household=households["A"], year=2016, data={"wage_income": Decimal("8855")}
    )
    above = services.income_record(
        actor=superuser, household=households["B"], year=2016, data={"wage_income": Decimal("8856")}
    )
    assert below.per_capita_net_income == Decimal("2951.67")
    assert selectors.below_line(below.net_income, 3, lines[2016]) is True
    assert selectors.below_line(above.net_income, 3, lines[2016]) is False
    assert selectors.below_line(above.net_income, 3, lines.get(1999)) is None


def test_the_line_is_compared_before_rounding():
    # 8855.99 / 3 = 2951.996..., which rounds to 2952.00 but is still below the 2952 line.
    line = PovertyLine(year=2016, amount=Decimal("2952"))
    assert per_capita(Decimal("8855.99"), 3) == Decimal("2952.00")
    assert selectors.below_line(Decimal("8855.99"), 3, line) is True


def test_amounts_cannot_be_negative(households, superuser):
    with pytest.raises(ValidationError) as error:
        services.income_record(
            actor=superuser,
            household=households["A"],
            year=2016,
            data={"wage_income": Decimal("-1")},
        )
    assert "wage_income" in error.value.message_dict


def test_one_income_per_household_and_year(households, superuser):
    services.income_record(actor=superuser, household=households["A"], year=2016, data={})
    with pytest.raises(ValidationError):
        services.income_record(actor=superuser, household=households["A"], year=2016, data={})
    assert Income.objects.filter(household=households["A"]).count() == 1


def test_poverty_lines_are_read_once_and_forgotten_when_one_changes(
    areas, django_assert_num_queries
):
    from registry import selectors
    from registry.models import PovertyLine

    with django_assert_num_queries(1):
        known = selectors.poverty_lines()
    with django_assert_num_queries(0):
        assert selectors.poverty_lines() == known
    line = PovertyLine.objects.create(year=2031, amount="5000", basis="provincial", note="测试")
    assert selectors.poverty_lines()[2031].amount == 5000
    line.amount = "5200"
    line.save()
    assert selectors.poverty_lines()[2031].amount == 5200
    line.delete()
    assert 2031 not in selectors.poverty_lines()
