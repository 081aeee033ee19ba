import pytest
from django.core.exceptions import PermissionDenied

from core.choices import ChangeAction
from core.errors import ConflictError
from core.models import ChangeRecord
from registry import services
from registry.choices import MonitoringCategory
from registry.models import Household


def test_a_stale_update_raises_conflict_and_the_newer_data_survives(households, superuser, cadre_a):
    household = households["A"]
    opened = household.version
    services.household_update(
        actor=cadre_a, household=household, version=opened, data={"phone": "13900000001"}
    )
    with pytest.raises(ConflictError) as error:
        services.household_update(
            actor=superuser, household=household, version=opened, data={"phone": "13900000002"}
        )
    assert error.value.current.phone == "13900000001"
    household.refresh_from_db()
    assert household.phone == "13900000001"
    assert household.version == opened + 1


def test_an_update_records_who_what_and_when(households, cadre_a):
    household = households["A"]
    services.household_update(
        actor=cadre_a, household=household, version=household.version, data={"group": "三组"}
    )
    record = ChangeRecord.objects.filter(
        household_id=household.pk, action=ChangeAction.UPDATE
    ).get()
    assert record.changes == {"group": ["", "三组"]}
    assert record.actor == cadre_a and record.actor_name == "cadre_a"
    assert record.version == household.version + 1
    assert record.area_code == household.village_id and record.object_repr == "张建国"


def test_an_update_that_changes_nothing_records_nothing(households, cadre_a):
    household = households["A"]
    opened = household.version
    services.household_update(
        actor=cadre_a, household=household, version=household.version, data={"group": ""}
    )
    assert not ChangeRecord.objects.filter(action=ChangeAction.UPDATE).exists()
    household.refresh_from_db()
    assert household.version == opened


def test_registration_records_the_household_and_each_member(households):
    household = households["A"]
    records = ChangeRecord.objects.filter(household_id=household.pk, action=ChangeAction.CREATE)
    assert sorted(records.values_list("model", flat=True)) == [
        "registry.household",
        "registry.member",
        "registry.member",
        "registry.member",
    ]


def test_a_bulk_change_records_each_household_in_one_batch(households, superuser):
    touched = Household.objects.filter(pk__in=[households["A"].pk, households["B"].pk])
    count = services.households_bulk_update(
        actor=superuser,
        households=touched,
        data={"monitoring_category": MonitoringCategory.MARGINAL},
    )
    assert count == 2
    records = ChangeRecord.objects.filter(action=ChangeAction.UPDATE)
    assert {r.household_id for r in records} == {households["A"].pk, households["B"].pk}
    assert len({r.batch for r in records}) == 1 and records[0].batch
    assert records[0].changes == {"monitoring_category": ["none", "marginal"]}
    assert set(touched.values_list("version", flat=True)) == {
        households["A"].version + 1,
        households["B"].version + 1,
    }


def test_a_bulk_change_outside_the_editors_area_is_refused(households, cadre_a):
    with pytest.raises(PermissionDenied):
        services.households_bulk_update(
            actor=cadre_a,
            households=Household.objects.filter(pk=households["B"].pk),
            data={"monitoring_category": MonitoringCategory.MARGINAL},
        )
    assert not ChangeRecord.objects.filter(action=ChangeAction.UPDATE).exists()


def test_member_and_income_changes_are_recorded(households, superuser):
    household = households["A"]
    member = household.members.first()
    services.member_update(actor=superuser, member=member, version=1, data={"dibao": True})
    income = services.income_record(actor=superuser, household=household, year=2017, data={})
    services.income_update(
        actor=superuser, income=income, version=1, data={"transfer_income": "1200.00"}
    )
    changes = dict(
        ChangeRecord.objects.filter(action=ChangeAction.UPDATE).values_list("model", "changes")
    )
    assert changes["registry.member"] == {"dibao": [False, True]}
    assert changes["registry.income"] == {"transfer_income": ["0.00", "1200.00"]}
