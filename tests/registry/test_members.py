import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.models import Area
from registry import services
from registry.choices import Relation
from registry.models import Member

from ..conftest import VILLAGE_A, VILLAGE_B
from ..factories import id_number, make_household, member_data


def test_register_fills_sex_and_birth_date_from_the_id_number(households):
    head = households["A"].members.get(relation=Relation.HEAD)
    assert head.sex == "male"
    assert head.birth_date is not None
    assert households["A"].head_name == "张建国"
    assert households["A"].size == 3


def test_sex_that_contradicts_the_id_number_is_an_error_at_the_field(areas, superuser):
    with pytest.raises(ValidationError) as error:
        make_household(
            village=VILLAGE_A,
            actor=superuser,
            members=[member_data(Relation.HEAD, male=True, sex="female")],
        )
    assert "members.0.sex" in error.value.message_dict
    assert "号码显示为男" in error.value.message_dict["members.0.sex"][0]


def test_birth_date_that_contradicts_the_id_number_is_an_error(areas, superuser):
    with pytest.raises(ValidationError) as error:
        make_household(
            village=VILLAGE_A,
            actor=superuser,
            members=[member_data(Relation.HEAD, birth_date=dt.date(1990, 5, 5))],
        )
    assert "members.0.birth_date" in error.value.message_dict


@pytest.mark.parametrize(
    ("relations", "message"),
    [
        ((Relation.SPOUSE, Relation.SON), "必须有且只有一位户主"),
        ((Relation.HEAD, Relation.HEAD), "只能有一位户主"),
    ],
)
def test_a_household_has_exactly_one_head(areas, superuser, relations, message):
    with pytest.raises(ValidationError) as error:
        make_household(
            village=VILLAGE_A,
            actor=superuser,
            members=[member_data(relation) for relation in relations],
        )
    assert message in error.value.message_dict["members"][0]


def test_adding_a_second_head_is_refused(households, superuser):
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=superuser, household=households["A"], data=member_data(Relation.HEAD)
        )
    assert "relation" in error.value.message_dict


def test_the_database_allows_only_one_live_head(households):
    household = households["A"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(household=household, relation=Relation.SPOUSE).update(
            relation=Relation.HEAD
        )


def test_one_person_one_live_record_across_households(households, superuser):
    taken = households["A"].members.get(relation=Relation.HEAD).id_number
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=superuser,
            household=households["B"],
            data={"name": "张建国", "id_number": taken, "relation": Relation.SON},
        )
    assert "岔口驿村" in error.value.message_dict["id_number"][0]


def test_one_person_one_live_record_within_the_form(areas, superuser):
    number = id_number()
    with pytest.raises(ValidationError) as error:
        make_household(
            village=VILLAGE_A,
            actor=superuser,
            members=[
                member_data(Relation.HEAD, id_number=number),
                member_data(Relation.SON, id_number=number),
            ],
        )
    assert "members.1.id_number" in error.value.message_dict


def test_one_person_one_live_record_is_a_database_constraint(households):
    head = households["A"].members.get(relation=Relation.HEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(
            household=households["B"], name="x", id_number=head.id_number, relation=Relation.SON
        )


def test_a_person_who_left_may_be_registered_again_elsewhere(households, superuser):
    daughter = households["A"].members.get(relation=Relation.DAUGHTER)
    services.member_leave(
        actor=superuser, member=daughter, version=daughter.version, reason="married_out"
    )
    moved = services.member_add(
        actor=superuser,
        household=households["B"],
        data={
            "name": daughter.name,
            "id_number": daughter.id_number,
            "relation": Relation.DAUGHTER_IN_LAW,
            "join_reason": "married_in",
        },
    )
    assert moved.household == households["B"]
    assert Member.objects.filter(id_number=daughter.id_number).count() == 2


def test_leaving_keeps_the_record_with_reason_and_updates_the_household(households, superuser):
    household = households["A"]
    daughter = household.members.get(relation=Relation.DAUGHTER)
    services.member_leave(
        actor=superuser, member=daughter, version=daughter.version, reason="death", note="病故"
    )
    daughter.refresh_from_db()
    household.refresh_from_db()
    assert daughter.left_on is not None and daughter.leave_reason == "death"
    assert household.size == 2
    with pytest.raises(ValidationError):
        services.member_leave(
            actor=superuser, member=daughter, version=daughter.version, reason="death"
        )


def test_the_head_leaves_only_after_the_head_is_changed(households, superuser):
    household = households["A"]
    head = household.members.get(relation=Relation.HEAD)
    spouse = household.members.get(relation=Relation.SPOUSE)
    with pytest.raises(ValidationError):
        services.member_leave(actor=superuser, member=head, version=head.version, reason="death")
    services.household_change_head(
        actor=superuser,
        household=household,
        version=household.version,
        new_head=spouse,
        previous_head_relation=Relation.SPOUSE,
    )
    head = Member.objects.get(pk=head.pk)
    services.member_leave(actor=superuser, member=head, version=head.version, reason="death")
    household.refresh_from_db()
    assert household.head_name == "李秀英"
    assert household.members.live().filter(relation=Relation.HEAD).get() == spouse


def test_changing_the_relation_to_head_needs_the_change_head_use_case(households, superuser):
    spouse = households["A"].members.get(relation=Relation.SPOUSE)
    with pytest.raises(ValidationError):
        services.member_update(
            actor=superuser, member=spouse, version=spouse.version, data={"relation": Relation.HEAD}
        )


def test_a_cadre_cannot_register_in_another_village(households, cadre_a):
    with pytest.raises(PermissionDenied):
        make_household(village=VILLAGE_B, actor=cadre_a)
    assert make_household(village=VILLAGE_A, actor=cadre_a).village == Area.objects.get(
        code=VILLAGE_A
    )


def test_read_only_roles_cannot_change_their_own_area(households, township_office):
    with pytest.raises(PermissionDenied):
        services.household_update(
            actor=township_office,
            household=households["A"],
            version=1,
            data={"phone": "13800000000"},
        )


def test_a_sole_head_cannot_leave_either(areas, superuser):
    household = make_household(village=VILLAGE_A, actor=superuser, members=[member_data()])
    head = household.members.get()
    with pytest.raises(ValidationError) as error:
        services.member_leave(actor=superuser, member=head, version=head.version, reason="death")
    assert "清退或自然减少" in error.value.message_dict["relation"][0]
    assert household.members.live().count() == 1


def test_changing_another_kind_of_id_keeps_sex_and_birth_date(households, superuser):
    member = services.member_add(
        actor=superuser,
        household=households["A"],
        data={
            "name": "外籍",
            "id_type": "other",
            "id_number": "E1234567",
            "sex": "female",
            "birth_date": dt.date(1990, 5, 5),
            "relation": Relation.DAUGHTER_IN_LAW,
        },
    )
    updated = services.member_update(
        actor=superuser, member=member, version=member.version, data={"id_number": "E7654321"}
    )
    assert (updated.sex, updated.birth_date) == ("female", dt.date(1990, 5, 5))
