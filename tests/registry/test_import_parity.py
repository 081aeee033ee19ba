"""The ledger import applies the registry's rules in bulk, for speed; each rule it carries out
itself is held equal here to the service that owns it (one live record per person, one head,
the household's summary columns, the version bump and its change record)."""

from django.core.exceptions import ValidationError

from core.models import ChangeRecord
from registry import services
from registry.imports.households import import_ledger
from registry.models import Household, Member
from registry.services.members import household_summary

from ..conftest import VILLAGE_A
from ..factories import make_household, member_data
from .test_import import family, sample_people, workbook


def _import(tmp_path, name, rows, actor):
    return import_ledger(workbook(tmp_path / name, rows), actor=actor)


def test_summaries_equal_the_services(tmp_path, superuser):
    """size and head_name from the importer's SQL aggregate = household_summary (the services')."""
    people = sample_people()
    _import(
        tmp_path,
        "a.xlsx",
        family("P001", people["head"], people["wife"], people["son"])
        + family("P002", people["head2"], people["daughter2"], village="南泥沟村"),
        superuser,
    )
    # A re-import that leaves a member out: the importer recomputes from what is stored.
    _import(tmp_path, "b.xlsx", family("P001", people["head"], people["wife"]), superuser)
    for household in Household.objects.all():
        live = list(household.members.live().values_list("relation", "name"))
        assert (household.size, household.head_name) == household_summary(live)


def test_one_live_record_per_person_in_both(tmp_path, superuser):
    taken = make_household(village=VILLAGE_A, actor=superuser, members=[member_data()])
    number = taken.members.get().id_number
    try:
        services.household_register(
            actor=superuser,
            village=taken.village,
            members=[member_data(id_number=number)],
            number="S001",
        )
    except ValidationError as error:
        service_refused = "members.0.id_number" in error.message_dict
    else:
        service_refused = False
    report = _import(tmp_path, "p.xlsx", family("P009", ("某人", number, "户主")), superuser)
    import_refused = any(issue.column == "证件号码" for issue in report.errors)
    assert service_refused and import_refused
    assert Member.objects.live().filter(id_number=number).count() == 1


def test_one_head_in_both(tmp_path, superuser):
    people = sample_people()
    two_heads = [member_data(name="甲"), member_data(name="乙")]
    for members in (two_heads, [member_data("spouse")]):
        try:
            services.household_register(
                actor=superuser,
                village=make_household(village=VILLAGE_A, actor=superuser).village,
                members=members,
                number=f"H{len(members)}X",
            )
        except ValidationError as error:
            assert "members" in error.message_dict
        else:
            raise AssertionError("the service accepted a household without exactly one head")
    for rows in (
        family("Q001", people["head"], (people["wife"][0], people["wife"][1], "户主")),
        family("Q002", (people["son"][0], people["son"][1], "之子")),
    ):
        report = _import(tmp_path, "h.xlsx", rows, superuser)
        assert any(issue.column == "与户主关系" for issue in report.errors), report.errors
    assert not Household.objects.filter(number__in=["Q001", "Q002"]).exists()


def test_a_change_bumps_the_version_and_is_recorded_once_in_both(tmp_path, superuser):
    people = sample_people()
    rows = family("V001", people["head"], people["wife"])
    _import(tmp_path, "v1.xlsx", rows, superuser)
    household = Household.objects.get(number="V001")
    opened = household.version
    # Unchanged: neither path bumps the version or records anything.
    _import(tmp_path, "v2.xlsx", rows, superuser)
    services.household_update(
        actor=superuser, household=household, version=opened, data={"phone": household.phone}
    )
    household.refresh_from_db()
    assert household.version == opened
    assert not ChangeRecord.objects.filter(object_id=household.pk, action="update").exists()
    # Changed through the import, then through the service: one bump and one record each.
    changed = family("V001", people["head"], people["wife"], 联系电话="13900000000")
    _import(tmp_path, "v3.xlsx", changed, superuser)
    household.refresh_from_db()
    assert household.version == opened + 1
    services.household_update(
        actor=superuser, household=household, version=household.version, data={"group": "二组"}
    )
    household.refresh_from_db()
    assert household.version == opened + 2
    records = ChangeRecord.objects.filter(
        object_id=household.pk, model="registry.household", action="update"
    ).order_by("id")
    assert [list(record.changes) for record in records] == [["phone"], ["group"]]
    assert [record.version for record in records] == [opened + 1, opened + 2]
