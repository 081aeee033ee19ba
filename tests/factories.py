"""Test data: valid ID numbers on demand, and households registered through the services."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from core import idnumbers
from core.models import Area
from registry import services
from registry.choices import Relation

_sequence = itertools.count(1)


def id_number(
    *, male: bool = True, birth: dt.date = dt.date(1980, 1, 1), address: str = "620623"
) -> str:
    """A fresh, valid 18-digit number: the sequence digits differ on every call."""
    while True:
        n = next(_sequence)
        seq = (n * 2 + (1 if male else 0)) % 1000
        day = birth + dt.timedelta(days=(n * 2) // 1000)
        first17 = f"{address}{day:%Y%m%d}{seq:03d}"
        return first17 + idnumbers.check_character(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")


def member_data(relation=Relation.HEAD, *, male=True, name=None, **fields):
    return {
        "name": name or ("户主" if relation == Relation.HEAD else "成员"),
        "id_number": id_number(male=male),
        "relation": relation,
        **fields,
    }


def procedure_officer():
    """Who decides statuses in test data: a superuser standing in for the procedures (the
    identification and verification apps) that will call the status service."""
    user, _created = get_user_model().objects.get_or_create(
        username="procedure", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def make_household(
    *,
    village: str,
    actor,
    members=None,
    status="registered",
    identified=2015,
    exited=2020,
    **fields,
):
    """A household with a head, a spouse and a daughter unless told otherwise, registered by
    `actor` and then given `status` through the status service (as a procedure would)."""
    members = members or [
        member_data(Relation.HEAD, name="张建国"),
        member_data(Relation.SPOUSE, male=False, name="李秀英"),
        member_data(Relation.DAUGHTER, male=False, name="张玉兰", birth_date=None),
    ]
    fields.setdefault("number", f"{village}{next(_sequence):06d}")
    household = services.household_register(
        actor=actor, village=Area.objects.get(code=village), members=members, **fields
    )
    # As the procedures would: identified first, then (for "exited") verified out in `exited`.
    steps = {"applicant": [], "exited": [("registered", identified), ("exited", exited)]}
    for to, year in steps.get(status, [(status, identified)]):
        services.household_status_set(
            actor=procedure_officer(), household=household, to=to, year=year, source="测试数据"
        )
        household.refresh_from_db()
    return household
