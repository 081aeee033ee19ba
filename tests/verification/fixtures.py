"""Fixtures of exit verification, loaded by tests/conftest.py for every test folder: the
signers of the "4342" chain in village A, and a registered household of village A that meets
the exit standard."""

from decimal import Decimal

import pytest

from core.posts import post_grant
from registry import services

from ..conftest import VILLAGE_A
from ..factories import make_household, member_data


def signer(username: str, role: str, area_code: str):
    return post_grant(username=username, role=role, area_code=area_code, password="pw-12345").user


@pytest.fixture
def exit_reference(areas):
    """The standards and the chain the migration loads (a transactional test empties them)."""
    from django.apps import apps

    from verification.reference import load_exit_standards

    load_exit_standards(apps.get_model)


@pytest.fixture
def household_signers(exit_reference):
    """The four who sign a household's exit in village A, in the chain's order."""
    return [
        signer("helper_a", "helper", VILLAGE_A),
        signer("secretary_a", "village_secretary", VILLAGE_A),
        signer("team_leader_a", "work_team_leader", VILLAGE_A),
        signer("liaison_a", "township_liaison", VILLAGE_A),
    ]


@pytest.fixture
def ready_household(cadre_a, this_years_line):
    """Registered poor since 2016, this year's income above the line (8,000 for 2 people),
    insured, in a safe house with safe water: it meets Gansu's six indicators but one, 不愁吃穿,
    which is entered."""
    from identification.demo import photo  # noqa: F401  (the evidence tests attach)

    household = make_household(
        village=VILLAGE_A,
        actor=cadre_a,
        identified=2016,
        members=[
            member_data("head", name="马福贵", medical_insurance=True),
            member_data("spouse", male=False, name="韩秀兰", medical_insurance=True),
        ],
        housing_safety="safe",
        safe_drinking_water=True,
        planned_exit_year=this_years_line.year,
    )
    services.income_record(
        actor=cadre_a,
        household=household,
        year=this_years_line.year,
        data={"wage_income": Decimal("10000")},
    )
    return household
