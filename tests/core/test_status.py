"""A household's status belongs to the procedures: one service writes it, and no form, API
field, admin page or cadre's import can (the guard against "数字脱贫", DOMAIN.md §6)."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.choices import ChangeAction
from core.models import ChangeRecord
from registry import services
from registry.models import HOUSEHOLD_STATUS_FIELDS, Household

from ..conftest import VILLAGE_A
from ..factories import make_household

ROOT = Path(__file__).resolve().parents[2]
# The one writer, the migration import (which computes through the writer's status_values),
# and the synthetic demo county.
ALLOWED_WRITERS = {
    "registry/services/status.py",
    "registry/imports/households.py",
    "registry/demo.py",
}


# Calls that write rows: a status keyword passed to one of them sets the field.
WRITING_CALLS = {
    "Household",
    "create",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "update",
    "make",
    "household_register",
}


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _writes_status(tree) -> list[int]:
    """Lines that set a status field: x.status = …, setattr(x, "status", …), and a status
    keyword to a call that writes rows (Household(…), .create(…), .update(…) …)."""
    fields = set(HOUSEHOLD_STATUS_FIELDS)
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [
                t.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr in fields
            ]
        elif isinstance(node, ast.Call):
            name = _called(node)
            if name == "setattr" and len(node.args) > 1:
                target = node.args[1]
                if isinstance(target, ast.Constant) and target.value in fields:
                    lines.append(node.lineno)
            elif name in WRITING_CALLS:
                lines += [node.lineno for k in node.keywords if k.arg in fields]
    return lines


def test_nothing_but_the_status_service_writes_status_fields():
    """Every app but core (which knows no household) is read for assignments to the status
    fields; only the allowed writers may have them."""
    offenders = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        top = relative.split("/")[0]
        if top in {"tests", "bench", "core", ".venv"} or "/migrations/" in relative:
            continue
        if relative in ALLOWED_WRITERS:
            continue
        lines = _writes_status(ast.parse(path.read_text("utf-8")))
        offenders += [f"{relative}:{line}" for line in lines]
    assert offenders == []


def test_the_scan_finds_a_write():
    """The scan is not blind: it sees each of the three shapes, and not a response's status."""
    tree = ast.parse(
        "h.status = 'exited'\n"
        "Household.objects.filter(pk=1).update(exit_year=2020)\n"
        "setattr(h, 'removal_reason', 'x')\n"
        "Response(status=201)\n"
    )
    assert _writes_status(tree) == [1, 2, 3]


# --- the service ----------------------------------------------------------------------------


def test_the_service_moves_status_and_records_its_source(households, county_office):
    household = households["A"]
    services.household_status_set(
        actor=county_office,
        household=household,
        to="exited",
        year=2019,
        source="脱贫验收：户签字第 4 人",
        action="sign",
    )
    household.refresh_from_db()
    assert (household.status, household.exit_year) == ("exited", 2019)
    record = ChangeRecord.objects.filter(
        household_id=household.pk, action=ChangeAction.STATUS
    ).latest("id")
    assert record.source == "脱贫验收：户签字第 4 人" and record.actor == county_office
    assert record.changes["status"] == ["registered", "exited"]
    assert record.changes["exit_year"] == [None, 2019]


def test_a_return_records_the_return_year(households, superuser):
    household = households["A"]
    services.household_status_set(
        actor=superuser, household=household, to="exited", year=2019, source="验收"
    )
    services.household_status_set(
        actor=superuser, household=household, to="registered", year=2021, source="返贫纳入"
    )
    household.refresh_from_db()
    assert (household.status, household.exit_year, household.return_year) == (
        "registered",
        2019,
        2021,
    )
    assert household.first_identified_year == 2015  # entry year kept


@pytest.mark.parametrize(
    ("to", "year", "reason", "field"),
    [
        ("applicant", None, "", "status"),  # no way back to applicant
        ("exited", None, "", "year"),  # an exit has a year
        ("removed", None, "", "reason"),  # a removal has a reason
        ("nonsense", 2020, "", "status"),
    ],
)
def test_the_service_refuses_moves_the_table_does_not_allow(
    households, superuser, to, year, reason, field
):
    household = households["A"]
    with pytest.raises(ValidationError) as error:
        services.household_status_set(
            actor=superuser, household=household, to=to, year=year, reason=reason, source="x"
        )
    assert field in error.value.message_dict
    household.refresh_from_db()
    assert household.status == "registered"


def test_the_service_needs_the_callers_action_over_the_area(households, cadre_a, township_office):
    with pytest.raises(PermissionDenied):
        services.household_status_set(
            actor=cadre_a, household=households["A"], to="exited", year=2020, source="x"
        )
    with pytest.raises(PermissionDenied):  # a township office does not approve
        services.household_status_set(
            actor=township_office, household=households["A"], to="exited", year=2020, source="x"
        )
    with pytest.raises(ValueError):
        services.household_status_set(
            actor=cadre_a, household=households["A"], to="exited", year=2020, source=""
        )


# --- every other way in is refused -----------------------------------------------------------


def test_services_refuse_status_in_their_data(households, superuser):
    household = households["A"]
    with pytest.raises(ValidationError) as error:
        services.household_update(
            actor=superuser,
            household=household,
            version=household.version,
            data={"status": "exited"},
        )
    assert "识别程序" in error.value.message_dict["status"][0]
    with pytest.raises(ValidationError):
        services.households_bulk_update(
            actor=superuser,
            households=Household.objects.filter(pk=household.pk),
            data={"exit_year": 2020},
        )
    with pytest.raises(ValidationError):
        make_household(village=VILLAGE_A, actor=superuser, status="applicant", exit_year=2020)


def test_a_registration_is_an_applicant(areas, cadre_a):
    household = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    assert household.status == "applicant" and household.first_identified_year is None


def test_the_api_refuses_a_status_change_and_says_why(api, households, cadre_a, superuser):
    household = households["A"]
    url = f"/api/households/{household.pk}/"
    for user in (cadre_a, superuser):
        response = api(user).patch(url, {"status": "exited", "version": household.version})
        assert response.status_code == 400
        assert "识别程序" in response.json()["status"][0]
        response = api(user).patch(url, {"exit_year": 2020, "version": household.version})
        assert response.status_code == 400 and "exit_year" in response.json()
    # A PUT may repeat the status as it is.
    body = api(cadre_a).get(url).json()
    body.pop("members")
    assert api(cadre_a).put(url, body).status_code == 200
    household.refresh_from_db()
    assert household.status == "registered" and household.exit_year is None


def test_the_form_refuses_a_status_change(client, households, cadre_a):
    from ..registry.test_pages import household_post, member_post

    household = households["A"]
    client.force_login(cadre_a)
    data = household_post(household, [member_post(m) for m in household.members.live()])
    data.update(status="exited", exit_year="2020")
    response = client.post(reverse("household-edit", args=[household.pk]), data)
    assert response.status_code == 200
    assert "识别程序" in str(response.context["form"].non_field_errors())
    household.refresh_from_db()
    assert household.status == "registered" and household.exit_year is None


def admin_post(page) -> dict:
    """What the admin change page would post back unchanged: its form and inline formsets."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += list(inline.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [getattr(v, "pk", v) for v in value]
            else:
                data[key] = getattr(value, "pk", value)
    return data


def test_the_admin_shows_status_read_only(client, households, superuser):
    household = households["A"]
    client.force_login(superuser)
    url = f"/admin/registry/household/{household.pk}/change/"
    page = client.get(url)
    assert "status" not in page.context["adminform"].form.fields
    response = client.post(url, {**admin_post(page), "status": "exited", "exit_year": "2020"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == "registered" and household.exit_year is None


# --- the ledger import: a migration sets status, a cadre's import never does ----------------


def _ledger(tmp_path, name, rows, header):
    from ..registry.test_import import workbook

    return workbook(tmp_path / name, rows, header=header)


@pytest.fixture
def county_admin(areas):
    from core.posts import post_grant

    return post_grant(username="county_admin", role="admin", area_code="620623").user


def test_a_county_admins_migration_import_brings_the_ledgers_status(
    tmp_path, county_admin, cadre_a
):
    from registry.imports.households import import_ledger

    from ..registry.test_import import HEADER, family, sample_people

    people = sample_people()
    header = [*HEADER, "户状态", "识别年度", "脱贫年度"]
    rows = family(
        "M001", people["head"], people["wife"], 户状态="已脱贫", 识别年度=2014, 脱贫年度=2018
    )
    rows += family("M002", people["head2"], 户状态="贫困户", 识别年度=2016, village="南泥沟村")
    report = import_ledger(_ledger(tmp_path, "m.xlsx", rows, header), actor=county_admin)
    assert report.errors == [], report.errors
    exited = Household.objects.get(number="M001")
    assert (exited.status, exited.first_identified_year, exited.exit_year) == ("exited", 2014, 2018)
    assert Household.objects.get(number="M002").status == "registered"
    record = ChangeRecord.objects.get(object_id=exited.pk, model="registry.household")
    assert record.source == "导入：m.xlsx" and record.changes["status"] == "exited"

    # A cadre re-imports the same households with other statuses: their status stays.
    rows = family("M001", people["head"], people["wife"], 户状态="贫困户", 联系电话="13900000000")
    report = import_ledger(_ledger(tmp_path, "c.xlsx", rows, header), actor=cadre_a)
    assert report.errors == []
    assert any("迁移导入" in warning.message for warning in report.warnings)
    exited.refresh_from_db()
    assert (exited.status, exited.exit_year, exited.phone) == ("exited", 2018, "13900000000")

    # The county admin's next ledger moves it: recorded as imported from that file.
    rows = family(
        "M001", people["head"], people["wife"], 户状态="贫困户", 识别年度=2014, 脱贫年度=""
    )
    report = import_ledger(_ledger(tmp_path, "back.xlsx", rows, header), actor=county_admin)
    exited.refresh_from_db()
    assert (exited.status, exited.exit_year) == ("registered", None)
    update = ChangeRecord.objects.filter(object_id=exited.pk, action="update").latest("id")
    assert update.source == "导入：back.xlsx" and update.changes["status"] == [
        "exited",
        "registered",
    ]


def test_a_cadres_import_creates_applicants(tmp_path, cadre_a):
    from registry.imports.households import import_ledger

    from ..registry.test_import import HEADER, family, sample_people

    people = sample_people()
    rows = family("N001", people["head"], people["wife"])
    report = import_ledger(_ledger(tmp_path, "n.xlsx", rows, HEADER), actor=cadre_a)
    assert report.errors == []
    assert not any("迁移导入" in warning.message for warning in report.warnings)
    assert Household.objects.get(number="N001").status == "applicant"


def test_a_migration_with_a_bad_status_is_an_error_at_its_cell(tmp_path, county_admin):
    from registry.imports.households import import_ledger

    from ..registry.test_import import HEADER, family, sample_people

    people = sample_people()
    header = [*HEADER, "户状态", "清退原因"]
    rows = family("B001", people["head"], 户状态="已清退/减少")  # no reason
    rows += family("B002", people["head2"], 户状态="已脱贫", village="南泥沟村")  # no exit year
    report = import_ledger(_ledger(tmp_path, "b.xlsx", rows, header), actor=county_admin)
    columns = {(issue.row, issue.column) for issue in report.errors}
    assert (4, "清退/减少原因") in columns, report.errors
    assert any("脱贫年度" in issue.message for issue in report.errors)
    assert not Household.objects.exists()


def test_the_import_computes_status_as_the_service_does(households, superuser):
    """Parity: the migration import and the service share status_values; for each move the
    service makes, the same call gives the fields the service stored."""
    from registry.services.status import TRANSITIONS, status_values

    household = households["A"]
    for to, year, reason in [
        ("exited", 2018, ""),
        ("registered", 2020, ""),
        ("removed", None, "death"),
    ]:
        assert to in TRANSITIONS[household.status]
        before = {name: getattr(household, name) for name in HOUSEHOLD_STATUS_FIELDS}
        services.household_status_set(
            actor=superuser, household=household, to=to, year=year, reason=reason, source="t"
        )
        household.refresh_from_db()
        after = {name: getattr(household, name) for name in HOUSEHOLD_STATUS_FIELDS}
        assert status_values(current=before, to=to, year=year, reason=reason) == after
