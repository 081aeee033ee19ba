"""Test data: valid ID numbers on demand, and households registered through the services."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from registry import idnumbers, services
from registry.choices import Relation
from registry.models import Area

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


def make_household(*, village: str, actor, members=None, **fields):
    """A registered household with a head, a spouse and a daughter unless told otherwise."""
    members = members or [
        member_data(Relation.HEAD, name="张建国"),
        member_data(Relation.SPOUSE, male=False, name="李秀英"),
        member_data(Relation.DAUGHTER, male=False, name="张玉兰", birth_date=None),
    ]
    fields.setdefault("number", f"{village}{next(_sequence):06d}")
    fields.setdefault("status", "registered")
    fields.setdefault("first_identified_year", 2015)
    return services.household_register(
        actor=actor, village=Area.objects.get(code=village), members=members, **fields
    )
