"""Regression tests for issue 9 (a new user's walk-through and an API probe), one per item."""

import json

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


def test_the_page_offers_a_recorded_year_as_a_correction(
    client, households, cadre_a, this_years_line
):
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


# --- 2. an income year needs its poverty line ---------------------------------------------------


@pytest.mark.parametrize("year", [2030, 1990])
def test_an_income_year_without_a_line_is_refused(api, households, cadre_a, year):
    with pytest.raises(ValidationError) as error:
        services.income_record(actor=cadre_a, household=households["A"], year=year, data={})
    assert f"{year} 年度还没有扶贫标准" in error.value.message_dict["year"][0]
    response = api(cadre_a).post(
        "/api/incomes/", {"household": households["A"].pk, "year": year, "wage_income": "100"}
    )
    assert response.status_code == 400 and "还没有扶贫标准" in response.json()["year"][0]
    assert not households["A"].incomes.exists()


def test_a_line_whose_year_has_incomes_cannot_be_deleted(client, households, superuser):
    from registry.models import PovertyLine

    services.income_record(actor=superuser, household=households["A"], year=2016, data={})
    client.force_login(superuser)
    used, unused = PovertyLine.objects.get(year=2016), PovertyLine.objects.get(year=2015)
    assert client.get(f"/admin/registry/povertyline/{used.pk}/delete/").status_code == 403
    assert client.get(f"/admin/registry/povertyline/{unused.pk}/delete/").status_code == 200


def test_the_home_page_follows_this_year_and_says_when_its_line_is_missing(
    client, households, cadre_a, superuser
):
    from django.utils import timezone

    from registry.models import PovertyLine

    year = timezone.localdate().year
    client.force_login(cadre_a)
    home = client.get("/").text
    assert f"缺 {year} 年度收入" in home
    assert f"{year} 年度还没有扶贫标准" in home and "录入扶贫标准" not in home
    client.force_login(superuser)
    assert f"/admin/registry/povertyline/add/?year={year}" in client.get("/").text
    PovertyLine.objects.create(year=year, amount=4000, basis="provincial")
    assert "还没有扶贫标准" not in client.get("/").text


def test_an_import_says_which_income_years_lack_a_line(tmp_path, superuser):
    from registry.forms import LedgerOptionsForm
    from registry.imports.households import import_ledger

    from ..factories import id_number
    from .test_import import family, workbook

    rows = family("L001", ("甲", id_number(), "户主"))
    rows[0].update({"年度": 2030, "工资性收入": 5000})
    report = import_ledger(workbook(tmp_path / "a.xlsx", rows), actor=superuser)
    assert [(i.column, i.row) for i in report.errors if "还没有扶贫标准" in i.message] == [
        ("年度", 4)  # below the title, the 填报单位 line and the header
    ]
    # The year chosen at upload: refused by the form, and said once by the import itself.
    form = LedgerOptionsForm({"year": 2030})
    assert not form.is_valid() and "还没有扶贫标准" in form.errors["year"][0]
    rows = family("L002", ("乙", id_number(), "户主"), ("丙", id_number(), "之子"), 年度="")
    report = import_ledger(workbook(tmp_path / "b.xlsx", rows), actor=superuser, year=2030)
    assert sum("还没有扶贫标准" in i.message for i in report.errors) == 1


# --- 3. dates in the future -------------------------------------------------------------------


def test_a_birth_date_in_the_future_is_refused_for_any_document(households, cadre_a):
    import datetime as dt

    from ..factories import member_data

    future = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cadre_a,
            household=households["A"],
            data=member_data(
                "son", id_type="other", id_number="P1234567", birth_date=future, sex="male"
            ),
        )
    assert "不能晚于今天" in error.value.message_dict["birth_date"][0]


def test_a_leave_in_the_future_is_refused(api, households, cadre_a):
    daughter = households["A"].members.get(relation="daughter")
    response = api(cadre_a).post(
        f"/api/members/{daughter.pk}/leave/",
        {"reason": "death", "left_on": "2999-01-01", "version": daughter.version},
    )
    assert response.status_code == 400 and "left_on" in response.json()
    daughter.refresh_from_db()
    assert daughter.is_live


# --- 4. events before the data was entered -------------------------------------------------


def test_a_member_present_at_registration_may_leave_on_an_earlier_date(households, cadre_a):
    import datetime as dt

    daughter = households["A"].members.get(relation="daughter")
    assert daughter.joined_on is None  # present before the registry: the date is unknown
    services.member_leave(
        actor=cadre_a,
        member=daughter,
        version=daughter.version,
        reason="death",
        left_on=dt.date(2012, 5, 1),
    )
    daughter.refresh_from_db()
    assert daughter.left_on == dt.date(2012, 5, 1)


def test_a_leave_before_joining_names_the_join_date(households, cadre_a):
    import datetime as dt

    from ..factories import member_data

    joined = services.member_add(
        actor=cadre_a,
        household=households["A"],
        data={**member_data("daughter_in_law", male=False), "joined_on": dt.date(2020, 3, 8)},
    )
    with pytest.raises(ValidationError) as error:
        services.member_leave(
            actor=cadre_a,
            member=joined,
            version=joined.version,
            reason="married_out",
            left_on=dt.date(2019, 1, 1),
        )
    assert "2020-03-08" in error.value.message_dict["left_on"][0]


# --- 5. NUL characters, deep JSON, a body over the limit: 400s in JSON ------------------------


@pytest.mark.parametrize("key", ["village", "attribute", "main_cause", "other_causes"])
def test_a_nul_in_a_key_is_a_400(api, areas, cadre_a, key):
    value = ["\x00"] if key == "other_causes" else "\x00"
    response = api(cadre_a).post(
        "/api/households/", {"number": "N1", "village": "620623100200", key: value}
    )
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_a_nul_in_a_url_is_a_400(api, client, areas, cadre_a):
    response = api(cadre_a).get("/api/areas/%00/")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    # On the pages a filter with a NUL does not validate, so it matches nothing (never a 500).
    page = client.get("/households/", {"village": "\x00"})
    assert page.status_code == 200 and not page.context["page"].object_list
    # Where one reaches the database (an area's code in the admin), the page says so: a 400.
    client.force_login(cadre_a)
    assert client.get("/admin/core/area/%00/change/").status_code == 400


def test_deep_json_is_a_400(client, areas, cadre_a):
    client.force_login(cadre_a)
    body = "[" * 1000 + "]" * 1000
    response = client.post("/api/households/", body, content_type="application/json")
    assert response.status_code == 400 and "嵌套过深" in response.json()["detail"]


def test_a_body_over_the_limit_is_a_413_in_json(client, areas, cadre_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(cadre_a)
    body = '{"number": "' + "1" * 4096 + '"}'
    response = client.post("/api/households/", body, content_type="application/json")
    assert response.status_code == 413 and "过大" in response.json()["detail"]


def test_a_body_of_no_readable_type_is_a_415_in_json_as_the_schema_says(client, areas, cadre_a):
    from drf_spectacular.generators import SchemaGenerator

    client.force_login(cadre_a)
    response = client.post("/api/households/", b"number=1", content_type="")
    assert response.status_code == 415 and "媒体类型" in response.json()["detail"]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "415" in schema["paths"]["/api/households/"]["post"]["responses"]


def test_an_api_address_that_names_nothing_is_a_404_in_json(client, areas, cadre_a):
    client.force_login(cadre_a)
    response = client.get("/api/households/1/-2.5e-8/")
    assert response.status_code == 404 and response.json()["detail"] == "接口地址不存在。"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


# --- 6. a limit on members -----------------------------------------------------------------------


def test_a_household_has_at_most_the_limit_of_members(areas, households, cadre_a, settings):
    from core.models import Area

    from ..factories import member_data

    settings.HOUSEHOLD_MAX_MEMBERS = 4
    members = [member_data()] + [member_data("son") for _ in range(4)]
    with pytest.raises(ValidationError) as error:
        services.household_register(
            actor=cadre_a,
            village=Area.objects.get(code="620623100200"),
            members=members,
            number="BIG1",
        )
    assert "最多登记 4 名" in error.value.message_dict["members"][0]
    household = households["A"]  # three members
    services.member_add(actor=cadre_a, household=household, data=member_data("son"))
    with pytest.raises(ValidationError):
        services.member_add(actor=cadre_a, household=household, data=member_data("son"))
    assert household.members.live().count() == 4


def test_an_imported_family_over_the_limit_is_an_error_at_its_cell(tmp_path, superuser, settings):
    from registry.imports.households import import_ledger

    from ..factories import id_number
    from .test_import import family, workbook

    settings.HOUSEHOLD_MAX_MEMBERS = 2
    rows = family(
        "L001",
        ("甲", id_number(), "户主"),
        ("乙", id_number(), "之子"),
        ("丙", id_number(), "之女"),
    )
    report = import_ledger(workbook(tmp_path / "l.xlsx", rows), actor=superuser)
    assert any(
        issue.column == "户编号" and "最多登记 2 名" in issue.message for issue in report.errors
    )


# --- 14, 16: the pages ------------------------------------------------------------------------


def test_the_leave_reason_has_no_default(client, households, cadre_a):
    daughter = households["A"].members.get(relation="daughter")
    client.force_login(cadre_a)
    url = reverse("member-leave", args=[daughter.pk])
    page = client.get(url)
    assert page.context["form"]["reason"].value() in (None, "")
    careless = client.post(url, {"version": daughter.version, "note": "x"})
    assert careless.status_code == 200 and "reason" in careless.context["form"].errors
    daughter.refresh_from_db()
    assert daughter.is_live


def test_a_cadre_of_one_village_does_not_pick_it(client, areas, cadre_a, township_office):
    from registry.forms import HouseholdForm

    assert HouseholdForm(user=cadre_a).fields["village"].initial == "620623100200"
    from core.models import RoleAction

    RoleAction.objects.create(role_id="township_office", action="edit")
    assert HouseholdForm(user=township_office).fields["village"].initial is None  # two villages


# --- 21: the recent imports say "no change" as the job page does ------------------------------


def test_a_job_that_changes_nothing_reads_so_in_the_list(client, cadre_a):
    from core.models import ImportJob

    report = {"households": {"created": 0, "updated": 0, "unchanged": 2}, "errors": []}
    job = ImportJob.objects.create(
        kind="registry.households",
        user=cadre_a,
        original_name="a.xlsx",
        status="ready",
        report=report,
    )
    assert job.changes_nothing and job.outcome == "无变化"
    client.force_login(cadre_a)
    assert 'a.xlsx</a> <span class="muted">' in client.get("/imports/new/").text
    assert "无变化" in client.get("/imports/new/").text


# --- 25: a command run by hand does not warn about SECRET_KEY; a server does -----------------


def test_only_a_server_warns_about_a_missing_secret_key(monkeypatch):
    import os
    import subprocess
    import sys
    import warnings

    from config.production import warn_about_missing_settings

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0 and "SECRET_KEY" not in result.stderr
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_about_missing_settings()
    assert any("SECRET_KEY" in str(warning.message) for warning in caught)


# --- 17: household numbers are found by any prefix of six digits or more ----------------------


@pytest.mark.parametrize("digits", [6, 15, 17, 18, 19])
def test_a_household_number_is_found_by_its_prefix(api, areas, cadre_a, digits):
    from ..factories import make_household

    number = "6206231002000012345"  # 19 digits, not an ID number
    household = make_household(village="620623100200", actor=cadre_a, number=number)
    make_household(village="620623100200", actor=cadre_a, number="6206231002009999999")
    found = api(cadre_a).get("/api/households/", q=number[:digits]).json()["results"]
    assert household.pk in [row["id"] for row in found]
    if digits >= 15:
        assert len(found) == 1


def test_a_whole_id_number_still_finds_its_household(api, households, cadre_a):
    head = households["A"].members.get(relation="head")
    found = api(cadre_a).get("/api/households/", q=head.id_number).json()["results"]
    assert [row["id"] for row in found] == [households["A"].pk]


# --- 19, 20, 22: the import's messages --------------------------------------------------------


def test_a_repeated_id_is_reported_with_its_other_faults(tmp_path, superuser):
    from registry.imports.households import import_ledger

    from ..factories import id_number
    from .test_import import family, workbook

    number = id_number(male=True)
    rows = family("R001", ("甲", number, "户主")) + family(
        "R002", ("乙", id_number(), "户主"), ("丙", number, "之女"), village="南泥沟村"
    )
    rows[-1]["性别"] = "女"  # disagrees with the number, and the number repeats row 4's
    report = import_ledger(workbook(tmp_path / "r.xlsx", rows), actor=superuser)
    at_row = [issue.message for issue in report.errors if issue.row == 6]
    assert any("与第 4 行重复" in message for message in at_row), at_row
    assert any("性别" in message for message in at_row), at_row


def test_two_heads_mark_both_cells(tmp_path, superuser):
    from registry.imports.households import import_ledger

    from ..factories import id_number
    from .test_import import family, workbook

    rows = family("T001", ("甲", id_number(), "户主"), ("乙", id_number(), "户主"))
    report = import_ledger(workbook(tmp_path / "t.xlsx", rows), actor=superuser)
    marked = {(issue.row, issue.column) for issue in report.errors}
    assert marked == {(4, "与户主关系"), (5, "与户主关系")}


def test_the_export_carries_status_and_years_and_reimports_without_changing_them(
    client, households, cadre_a, tmp_path
):
    from openpyxl import load_workbook

    from registry.imports.households import import_ledger

    client.force_login(cadre_a)
    response = client.get(reverse("household-export"))
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path).active
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    assert (row["户状态"], row["识别年度"], row["脱贫年度"]) == ("贫困户", 2015, None)
    report = import_ledger(path, actor=cadre_a)
    assert report.errors == [] and vars(report.households)["updated"] == 0
    households["A"].refresh_from_db()
    assert households["A"].status == "registered"


# --- 24: plain Chinese ------------------------------------------------------------------------


def test_messages_read_as_plain_chinese(client, households, cadre_a):
    from django.core.exceptions import ValidationError as Invalid

    from registry.models import Household

    with pytest.raises(Invalid) as error:
        Household(number=households["B"].number).validate_unique()
    assert error.value.message_dict["number"] == ["户编号已存在。"]
    income = Income(
        household=households["A"], year=2016, household_size=1, wage_income="123456789012.5"
    )
    with pytest.raises(Invalid) as error:
        income.full_clean()
    assert error.value.message_dict["wage_income"][0] in (
        "最多 12 位数字。",
        "整数部分最多 10 位。",
    )
    client.force_login(cadre_a)
    page = client.get("/").text
    assert ">English</option>" in page and "英语" not in page


# --- 12: a failed save says at the top what to fix ---------------------------------------------


def test_a_failed_save_lists_its_errors_at_the_top(client, areas, cadre_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("household-create"),
        {
            "number": "",
            "village": "620623100200",
            "standard": "national",
            "monitoring_category": "none",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "张三",
            "members-0-id_number": "123",
            "members-0-relation": "head",
            "members-0-ethnicity": "汉族",
            "members-0-school_status": "none",
            "members-0-migrant_work": "none",
            "members-0-migrant_months": "0",
            "members-0-join_reason": "original",
        },
    )
    assert response.status_code == 200
    summary = response.context["error_summary"]
    anchors = {row["anchor"] for row in summary}
    assert "id_number" in anchors and "id_members-0-id_number" in anchors
    assert (
        'id="error-summary"' in response.text and 'href="#id_members-0-id_number"' in response.text
    )
    assert any(row["label"] == "成员 1 · 证件号码" for row in summary)


# --- 9: a client's own X-Forwarded-For is not believed -----------------------------------------


def test_a_forged_forwarded_address_does_not_escape_the_throttle(client, areas):
    from django.core.cache import cache

    cache.clear()
    codes = [
        client.post(
            "/api/auth/token/",
            {"username": "nobody", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(40)
    ]
    assert 429 in codes
    cache.clear()


def test_behind_one_proxy_its_forwarded_client_is_used(rf, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    request = rf.post("/", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    assert SimpleRateThrottle.get_ident(None, request) == "10.0.0.1"  # no proxy trusted
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        assert SimpleRateThrottle.get_ident(None, request) == "10.0.0.2"
    finally:
        api_settings.reload()


def test_the_login_lockout_ignores_a_forged_forwarded_address(rf):
    from axes.helpers import get_client_ip_address

    request = rf.post("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    assert get_client_ip_address(request) == "10.0.0.1"


# --- 10: tokens expire and are revoked; admin rights follow the posts --------------------------


def _token(client, username="cadre_a", password="pw-12345"):
    from django.core.cache import cache

    cache.clear()  # the token endpoint's throttle
    response = client.post("/api/auth/token/", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_expires(client, households, cadre_a, settings):
    import datetime as dt

    from rest_framework.authtoken.models import Token

    key = _token(client)
    assert client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    Token.objects.filter(key=key).update(created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    response = client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and "过期" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
    fresh = _token(client)
    assert fresh != key
    assert client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200


def test_a_password_change_or_deactivation_revokes_tokens(client, households, cadre_a):
    from rest_framework.authtoken.models import Token

    _token(client)
    cadre_a.set_password("new-password-2026")
    cadre_a.save()
    assert not Token.objects.filter(user=cadre_a).exists()
    _token(client, password="new-password-2026")
    cadre_a.is_active = False
    cadre_a.save()
    assert not Token.objects.filter(user=cadre_a).exists()


def test_staff_rights_follow_the_posts(areas, cadre_a, superuser, client):
    from core.models import Post

    assert cadre_a.is_staff
    post = Post.objects.get(user=cadre_a)
    client.force_login(superuser)
    response = client.post(f"/admin/core/post/{post.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert not cadre_a.is_staff and not cadre_a.groups.exists()


def test_no_credentials_is_a_401_naming_the_scheme(client, areas):
    response = client.get("/api/households/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


# --- 18: a missing year is said once; identical messages are grouped on the page --------------


def test_a_missing_income_year_is_said_once_for_the_file(tmp_path, superuser):
    from registry.imports.households import import_ledger

    from ..factories import id_number
    from .test_import import HEADER, family, workbook

    header = [name for name in HEADER if name != "年度"]
    rows = []
    for n in range(5):
        rows += family(f"Y{n:03d}", (f"户{n}", id_number(), "户主"), village="岔口驿村")
    report = import_ledger(workbook(tmp_path / "y.xlsx", rows, header=header), actor=superuser)
    year_errors = [issue for issue in report.errors if "年度" in issue.message]
    assert len(year_errors) == 1 and year_errors[0].row is None
    assert "请选择收入年度" in year_errors[0].message and report.options_asked == ["year"]
    assert (
        import_ledger(
            workbook(tmp_path / "y2.xlsx", rows, header=header), actor=superuser, year=2016
        ).errors
        == []
    )


def test_the_job_page_asks_for_the_year_and_checks_the_same_file_again(
    client, cadre_a, cadre_b, tmp_path, eager_tasks
):
    from core.models import ImportJob

    from ..factories import id_number
    from .test_import import HEADER, _upload, family, workbook

    header = [name for name in HEADER if name != "年度"]
    rows = family("Y100", ("甲", id_number(), "户主"), village="岔口驿村")
    client.force_login(cadre_a)
    _upload(client, workbook(tmp_path / "y.xlsx", rows, header=header), eager_tasks)
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.report["options_asked"] == ["year"]
    page = client.get(f"/imports/{job.pk}/").text
    assert "不必重新上传" in page and 'name="year"' in page
    # A year without a line is refused at the field; another user's job is not theirs to change.
    refused = client.post(f"/imports/{job.pk}/recheck/", {"year": 2030})
    assert refused.status_code == 200 and "2030 年度还没有扶贫标准" in refused.text
    job.refresh_from_db()
    assert job.status == "invalid" and "year" not in job.options
    client.force_login(cadre_b)
    assert client.post(f"/imports/{job.pk}/recheck/", {"year": 2016}).status_code == 404
    client.force_login(cadre_a)
    with eager_tasks():
        client.post(f"/imports/{job.pk}/recheck/", {"year": 2016})
    job.refresh_from_db()
    assert job.options == {"year": 2016} and job.status == "ready", job.report
    assert job.report["incomes"]["created"] == 1
    assert "没有填写年度的收入记入 2016 年度" in client.get(f"/imports/{job.pk}/").text


def test_identical_messages_are_one_line_with_their_rows():
    from core.imports.issues import grouped

    issues = [
        {"sheet": "台账", "row": row, "column": "性别", "message": "不对"} for row in range(5, 481)
    ]
    issues += [{"sheet": "台账", "row": 3, "column": "姓名", "message": "请填写姓名。"}]
    issues += [{"sheet": "台账", "row": 500, "column": "性别", "message": "不对"}]
    lines = grouped(issues)
    assert [line["column"] for line in lines] == ["姓名", "性别"]
    assert lines[1]["rows"] == "5–480、500" and lines[1]["count"] == 477


def test_no_english_in_the_admin_index_or_the_templates_options(client, superuser, tmp_path):
    from openpyxl import load_workbook

    client.force_login(superuser)
    index = client.get("/admin/").text
    assert "登录锁定" in index and "登录尝试" in index and "Access attempts" not in index
    path = tmp_path / "t.xlsx"
    path.write_bytes(client.get("/households/import/template.xlsx").content)
    options = load_workbook(path)["选项"]
    headers = [cell.value for cell in options[1]]
    assert "性别" in headers and "sex" not in headers


def test_the_api_documentation_groups_operations_under_chinese_names(client, superuser):
    client.force_login(superuser)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    tags = {
        tag
        for operation in schema["paths"].values()
        for op in operation.values()
        for tag in op.get("tags", [])
    }
    assert {"贫困户", "家庭成员", "年度收入", "行政区划", "扶贫标准", "登录"} <= tags
    assert "households" not in tags
    # Developers' docstrings are not the readers' documentation.
    assert "core.scope" not in json.dumps(schema)
    assert "标识此贫困户的唯一整数值。" in json.dumps(schema, ensure_ascii=False)
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert token["name"] == "Authorization" and "令牌认证" in token["description"]
    # Swagger UI's own labels ("Authorize", "Try it out") are put into Chinese as it draws them.
    docs = client.get("/api/docs/").text
    assert "js/swagger-zh.js" in docs
    assert "js/swagger-zh.js" not in client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en").text
