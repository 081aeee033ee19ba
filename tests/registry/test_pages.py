"""The registry pages, through the client: the right user gets the page, a user of another area
gets a 404, a read-only role cannot change, and errors are shown at the field."""

import io

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from openpyxl import load_workbook

from core.models import ChangeRecord
from core.posts import post_grant
from registry import services
from registry.choices import Relation
from registry.models import HOUSEHOLD_EDITABLE_FIELDS, Household, Income, Member

from ..conftest import VILLAGE_A
from ..factories import id_number


@pytest.fixture
def logged_in(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _form_value(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return [item.pk for item in value]
    return value


def household_post(household=None, members=(), **fields):
    """The POST data of the household page: its fields (a new household's, or what the page
    shows for `household`) and the member formset."""
    if household is None:
        current = {
            "number": "6206231002009999",
            "village": VILLAGE_A,
            "group": "一组",
            "standard": "national",
            "monitoring_category": "none",
        }
    else:
        current = {
            name: _form_value(value)
            for name, value in model_to_dict(household, fields=HOUSEHOLD_EDITABLE_FIELDS).items()
        }
    data = {name: value for name, value in current.items() if value is not False}
    for name in ("safe_drinking_water", "electricity", "broadcast_tv", "sanitary_toilet"):
        data[name] = {True: "true", False: "false"}.get(current.get(name), "unknown")
    data.update({name: "on" for name, value in current.items() if value is True})
    if household is not None:
        # The page carries what it showed when opened, so that only real changes are saved.
        data.update({f"initial-{name}": value for name, value in data.items()})
    data.update(version=household.version if household else "", **fields)
    initial = 0
    for index, member in enumerate(members):
        prefix = f"members-{index}-"
        if member.get("id"):
            initial += 1
        defaults = {
            "id_type": "resident_id",
            "ethnicity": "汉族",
            "school_status": "none",
            "migrant_work": "none",
            "migrant_months": "0",
            "join_reason": "original",
        }
        member = dict(member)
        opened = member.pop("_opened", None)
        data.update({prefix + k: v for k, v in {**defaults, **member}.items()})
        if opened:
            data.update({f"initial-{prefix}{k}": v for k, v in {**defaults, **opened}.items()})
    data.update(
        {
            "members-TOTAL_FORMS": str(len(members)),
            "members-INITIAL_FORMS": str(initial),
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def member_post(member: Member) -> dict:
    """A member row as the page shows it, with the values it was opened with."""
    shown = {
        "name": member.name,
        "id_number": member.id_number,
        "sex": member.sex,
        "birth_date": member.birth_date.isoformat(),
        "relation": member.relation,
    }
    return {"id": member.pk, "version": member.version, **shown, "_opened": dict(shown)}


# --- login and home ----------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, households):
    response = client.get(reverse("household-list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def test_login_and_lockout_after_repeated_failures(client, cadre_a, settings):
    response = client.post("/accounts/login/", {"username": "cadre_a", "password": "pw-12345"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/accounts/logout/")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": "cadre_a", "password": "wrong"})
    assert response.status_code in (403, 429)
    assert "账号已暂时锁定" in response.text
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "cadre_a", "password": "pw-12345"})
    assert "账号已暂时锁定" in response.text


def test_a_wrong_password_is_explained_in_chinese(client, cadre_a):
    response = client.post("/accounts/login/", {"username": "cadre_a", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text


def test_home_shows_the_users_households_and_gaps(logged_in, households, cadre_a, county_office):
    page = logged_in(cadre_a).get("/")
    assert page.status_code == 200
    assert [(v, c) for v, _label, c in page.context["statuses"] if c] == [("registered", 1)]
    assert page.context["summary"].missing == {"phone": 1, "bank": 1, "income": 1}
    assert households["A"] in page.context["summary"].recent
    county = logged_in(county_office).get("/")
    assert county.context["total"] == 3


# --- list and export ---------------------------------------------------------------------------


def test_list_is_scoped_filtered_sorted_and_paged(logged_in, households, cadre_a, county_office):
    assert list(logged_in(cadre_a).get("/households/").context["page"]) == [households["A"]]
    client = logged_in(county_office)
    page = client.get("/households/", {"area": "620623100", "ordering": "-number"})
    assert list(page.context["page"]) == sorted(
        [households["A"], households["B"]], key=lambda h: h.number, reverse=True
    )
    partial = client.get("/households/", {"q": "张建国"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.text
    assert partial.context["page"].paginator.count == 3


def test_list_reports_bad_filters_at_the_field(logged_in, households, county_office):
    page = logged_in(county_office).get("/households/", {"status": "nonsense"})
    assert page.status_code == 200
    assert "status" in page.context["filterset"].form.errors


def _sheet(response):
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_export_is_exactly_the_filtered_scope_with_masking(
    logged_in, households, superuser, county_office, cadre_a
):
    services.household_update(
        actor=superuser,
        household=households["A"],
        version=households["A"].version,
        data={"group": "=HYPERLINK(1)"},
    )
    header, rows = _sheet(
        logged_in(county_office).get("/households/export.xlsx", {"area": "620623100"})
    )
    assert header[:3] == ("县", "乡镇", "行政村") and "证件号码" in header
    id_column = header.index("证件号码")
    assert len(rows) == 6  # two households of three
    assert all("********" in row[id_column] for row in rows)
    group_column = header.index("村民小组")
    assert "'=HYPERLINK(1)" in {row[group_column] for row in rows}
    header, rows = _sheet(logged_in(cadre_a).get("/households/export.xlsx"))
    head = households["A"].members.get(relation=Relation.HEAD)
    assert head.id_number in {row[id_column] for row in rows}
    assert {row[header.index("户编号")] for row in rows} == {households["A"].number}


# --- the household page and card ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["household-detail", "household-card"])
def test_household_pages_for_the_right_user_and_404_for_another_area(
    logged_in, households, cadre_a, name
):
    client = logged_in(cadre_a)
    assert client.get(reverse(name, args=[households["A"].pk])).status_code == 200
    assert client.get(reverse(name, args=[households["B"].pk])).status_code == 404


def test_household_page_shows_income_against_the_line_and_history(
    logged_in, households, superuser, cadre_a
):
    services.income_record(
        actor=superuser, household=households["A"], year=2016, data={"wage_income": "6000"}
    )
    page = logged_in(cadre_a).get(reverse("household-detail", args=[households["A"].pk]))
    assert page.context["incomes"][0]["below"] is True
    assert "低于标准" in page.text and "2000.00" in page.text
    assert any(row["record"].model == "registry.income" for row in page.context["history"])
    assert "新增 2016 年度收入" in page.text


def test_the_household_page_names_its_terms_from_the_kept_names(
    logged_in, households, superuser, cadre_a, django_assert_num_queries
):
    """Attribute and causes by name from the shared cache, which a renamed term leaves."""
    from registry import selectors
    from registry.models import PovertyCause

    household = households["A"]
    services.household_update(
        actor=superuser,
        household=household,
        version=household.version,
        data={"main_cause": PovertyCause.objects.get(code="illness"),
              "other_causes": ["lack_skills", "disability"]},
    )  # fmt: skip
    with django_assert_num_queries(2):
        selectors.term_names()
    with django_assert_num_queries(0):
        selectors.term_names()
    client = logged_in(cadre_a)
    url = reverse("household-detail", args=[household.pk])
    terms = client.get(url).context["terms"]
    assert (terms["main_cause"], terms["other_causes"]) == (
        "因病",
        ["因残", "缺技术"],
    )  # the causes' own order
    cause = PovertyCause.objects.get(code="illness")
    cause.name = "因病（含慢性病）"
    cause.save()
    page = client.get(url)
    assert page.context["terms"]["main_cause"] == "因病（含慢性病）"
    assert "因病（含慢性病）" in page.text


def test_household_page_reads_in_a_fixed_number_of_queries(
    logged_in, households, superuser, cadre_a, this_years_line, django_assert_num_queries
):
    """The user, the household with its village, attribute and main cause and whether the
    panels of the apps above have anything to show (findings, applications, exit
    assessments: none here), its other causes, members and incomes, the access log and the
    history's newest page: seven, however many members, incomes and changes; a history longer
    than a page adds its count. The user's posts come from the shared cache."""
    from registry.selectors import HISTORY_PAGE

    household = households["A"]
    for year in (2016, 2017):
        services.income_record(
            actor=superuser, household=household, year=year, data={"wage_income": "6000"}
        )
    client = logged_in(cadre_a)
    url = reverse("household-detail", args=[household.pk])
    client.get(url)  # the session and the poverty lines cached, as for every later page
    with django_assert_num_queries(7):
        page = client.get(url)
    assert len(page.context["members"]) == household.members.count()
    assert not page.context["history_start"].more

    ChangeRecord.objects.bulk_create(
        ChangeRecord(
            model="registry.household",
            object_id=household.pk,
            object_repr=household.number,
            area_code=household.village_id,
            household_id=household.pk,
            action="update",
            changes={"group": [str(turn), str(turn + 1)]},
            actor=superuser,
        )
        for turn in range(HISTORY_PAGE)
    )
    with django_assert_num_queries(8):
        page = client.get(url)
    start = page.context["history_start"]
    assert start.more and len(start.rows) == HISTORY_PAGE
    assert start.total == ChangeRecord.objects.filter(household_id=household.pk).count()
    assert f"共 {start.total} 条" in page.text


def test_household_page_masks_numbers_for_read_only_roles(logged_in, households, county_office):
    head = households["A"].members.get(relation=Relation.HEAD)
    page = logged_in(county_office).get(reverse("household-detail", args=[households["A"].pk]))
    assert head.id_number not in page.text
    assert "修改" not in [a for a in page.text.split('"') if a == "修改"]
    assert not page.context["can_edit"]


# --- registering and editing -------------------------------------------------------------------


def test_register_a_household_with_members(logged_in, areas, cadre_a):
    client = logged_in(cadre_a)
    assert client.get(reverse("household-create")).status_code == 200
    members = [
        {"name": "张三", "id_number": id_number(), "relation": "head"},
        {"name": "李四", "id_number": id_number(male=False), "relation": "spouse"},
        {"name": "张小", "id_number": id_number(), "relation": "son"},
    ]
    response = client.post(reverse("household-create"), household_post(members=members))
    household = Household.objects.get(number="6206231002009999")
    assert response.status_code == 302 and response["Location"] == reverse(
        "household-detail", args=[household.pk]
    )
    assert household.size == 3 and household.head_name == "张三"


def test_register_shows_errors_at_the_member_field(logged_in, areas, cadre_a):
    members = [
        {"name": "张三", "id_number": "110105194912310021", "relation": "head"},
        {"name": "李四", "id_number": id_number(male=False), "relation": "spouse", "sex": "male"},
    ]
    response = logged_in(cadre_a).post(reverse("household-create"), household_post(members=members))
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert "校验位" in forms[0].errors["id_number"][0]
    assert "号码显示为女" in forms[1].errors["sex"][0]
    assert not Household.objects.exists()


def test_register_without_a_head_says_so(logged_in, areas, cadre_a):
    members = [{"name": "李四", "id_number": id_number(), "relation": "spouse"}]
    response = logged_in(cadre_a).post(reverse("household-create"), household_post(members=members))
    assert "户主" in str(response.context["form"].non_field_errors())


def test_read_only_roles_cannot_open_the_edit_pages(logged_in, households, county_office, cadre_a):
    household = households["A"]
    client = logged_in(county_office)
    for url in (
        reverse("household-edit", args=[household.pk]),
        reverse("income-create", args=[household.pk]),
        reverse("household-change-head", args=[household.pk]),
        reverse("member-leave", args=[household.members.get(relation=Relation.SPOUSE).pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("household-create")).status_code == 403
    other = households["B"]
    client = logged_in(cadre_a)
    assert client.get(reverse("household-edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("income-create", args=[other.pk])).status_code == 404


def test_edit_a_household_and_add_a_member(logged_in, households, cadre_a):
    household = households["A"]
    members = [member_post(m) for m in household.members.live().order_by("id")]
    members.append(
        {
            "name": "张小宝",
            "id_number": id_number(),
            "relation": "grandson",
            "join_reason": "newborn",
        }
    )
    members[1]["dibao"] = "on"
    opened = household.version
    response = logged_in(cadre_a).post(
        reverse("household-edit", args=[household.pk]),
        household_post(household, members, phone="13800000000"),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    household.refresh_from_db()
    assert household.phone == "13800000000" and household.size == 4
    assert household.version == opened + 1
    assert household.members.get(relation=Relation.SPOUSE).dibao is True
    assert household.members.get(name="张小宝").join_reason == "newborn"


def test_a_stale_edit_shows_the_newer_values_and_keeps_them(
    logged_in, households, cadre_a, superuser
):
    household = households["A"]
    opened = household_post(
        household,
        [member_post(m) for m in household.members.live().order_by("id")],
        phone="13800000001",
    )
    services.household_update(
        actor=superuser,
        household=household,
        version=household.version,
        data={"phone": "13900000009"},
    )
    response = logged_in(cadre_a).post(reverse("household-edit", args=[household.pk]), opened)
    assert response.status_code == 200
    assert response.context["conflict"]["rows"] == [
        {"label": "联系电话", "yours": "13800000001", "theirs": "13900000009"}
    ]
    assert "刚被他人修改过" in response.text
    household.refresh_from_db()
    assert household.phone == "13900000009"
    # The form now names the current version: saving again is a deliberate overwrite.
    again = logged_in(cadre_a).post(
        reverse("household-edit", args=[household.pk]), {**opened, "version": household.version}
    )
    assert again.status_code == 302
    household.refresh_from_db()
    assert household.phone == "13800000001"


def test_an_edit_that_breaks_a_rule_keeps_nothing(logged_in, households, cadre_a):
    household = households["A"]
    opened = household.version
    members = [member_post(m) for m in household.members.live().order_by("id")]
    for field in ("id_number", "sex", "birth_date"):
        members[2][field] = members[0][field]
    response = logged_in(cadre_a).post(
        reverse("household-edit", args=[household.pk]),
        household_post(household, members, phone="13800000000"),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[2].errors["id_number"]
    household.refresh_from_db()
    assert household.phone == "" and household.version == opened


# --- incomes, ID checks, member changes --------------------------------------------------------


def test_record_an_income_and_preview_the_per_capita_figure(logged_in, households, cadre_a):
    household = households["A"]
    client = logged_in(cadre_a)
    preview = client.post(
        reverse("income-preview", args=[household.pk]),
        {"year": "2016", "wage_income": "9,000", "production_cost": "300"},
    )
    assert preview.context["preview"]["per_capita"] == pytest.approx(2900)
    assert "低于 2016 年扶贫标准 2952.00 元" in preview.text
    response = client.post(
        reverse("income-create", args=[household.pk]),
        {
            "year": "2016",
            "wage_income": "9000",
            "production_income": "0",
            "property_income": "0",
            "transfer_income": "0",
            "production_cost": "300",
        },
    )
    assert response.status_code == 302
    income = Income.objects.get(household=household, year=2016)
    assert income.household_size == 3 and income.per_capita_net_income == 2900
    edit = client.get(reverse("income-edit", args=[household.pk, 2016]))
    assert edit.status_code == 200 and edit.context["form"].fields["year"].disabled


def test_income_errors_are_at_the_field(logged_in, households, cadre_a):
    response = logged_in(cadre_a).post(
        reverse("income-create", args=[households["A"].pk]),
        {
            "year": "2016",
            "wage_income": "-5",
            "production_income": "0",
            "property_income": "0",
            "transfer_income": "0",
            "production_cost": "0",
        },
    )
    assert response.status_code == 200 and "wage_income" in response.context["form"].errors


def test_id_check_explains_and_fills_in(logged_in, households, cadre_a):
    client = logged_in(cadre_a)
    bad = client.post(
        reverse("member-check-id"),
        {"prefix": "members-0", "members-0-id_number": "110105194912310021"},
    )
    assert "最后一位应为 X" in bad.text
    good = client.post(
        reverse("member-check-id"),
        {"prefix": "members-1", "members-1-id_number": "11010519491231002x"},
    )
    assert "11010519491231002X" in good.text
    assert 'id="id_members-1-sex"' in good.text and 'hx-swap-oob="true"' in good.text
    assert 'value="1949-12-31"' in good.text


def test_a_member_leaves_with_a_reason(logged_in, households, cadre_a):
    daughter = households["A"].members.get(relation=Relation.DAUGHTER)
    client = logged_in(cadre_a)
    url = reverse("member-leave", args=[daughter.pk])
    missing = client.post(url, {"note": "x"})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    left = client.post(url, {"reason": "married_out", "note": "嫁到外村", "version": 1})
    assert left.status_code == 302
    daughter.refresh_from_db()
    assert daughter.leave_reason == "married_out" and daughter.left_on
    page = client.get(reverse("household-detail", args=[households["A"].pk]))
    assert "嫁出" in page.text
    assert ChangeRecord.objects.filter(object_id=daughter.pk, action="leave").exists()
    assert client.get(url).status_code == 404  # no longer a live member


def test_the_head_changes_on_its_own_page(logged_in, households, cadre_a):
    household = households["A"]
    spouse = household.members.get(relation=Relation.SPOUSE)
    response = logged_in(cadre_a).post(
        reverse("household-change-head", args=[household.pk]),
        {"new_head": spouse.pk, "previous_head_relation": "spouse", "version": household.version},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "李秀英"


def test_card_shows_the_family_income_and_the_cadre(logged_in, households, superuser, cadre_a):
    post_grant(username="cadre_a", role="village_cadre", area_code=VILLAGE_A, phone="13809350001")
    services.income_record(
        actor=superuser, household=households["A"], year=2016, data={"wage_income": "9000"}
    )
    page = logged_in(cadre_a).get(reverse("household-card", args=[households["A"].pk]))
    assert "张建国" in page.text and "李秀英" in page.text
    assert "3000.00" in page.text and "高于标准" in page.text
    assert "13809350001" in page.text


def test_empty_amounts_count_as_zero(logged_in, households, cadre_a):
    response = logged_in(cadre_a).post(
        reverse("income-create", args=[households["A"].pk]), {"year": "2016", "wage_income": "3000"}
    )
    assert response.status_code == 302
    income = Income.objects.get(household=households["A"], year=2016)
    assert (income.production_income, income.production_cost, income.net_income) == (0, 0, 3000)


def test_list_queries_do_not_grow_with_the_page(
    logged_in, households, superuser, county_office, django_assert_max_num_queries
):
    from ..factories import make_household

    for _ in range(12):
        make_household(village=VILLAGE_A, actor=superuser)
    client = logged_in(county_office)
    # Session, user, posts, count, page, and the filter form's choices (areas, causes, attributes,
    # main causes): none of them per row.
    with django_assert_max_num_queries(9):
        response = client.get("/households/")
    assert response.context["page"].paginator.count == 15


def test_the_language_switch_turns_the_pages_english(logged_in, households, cadre_a):
    client = logged_in(cadre_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert "My work" in page.text and "我的工作" not in page.text
    detail = client.get(reverse("household-detail", args=[households["A"].pk]))
    assert "Household members" in detail.text


def test_a_concurrent_edit_of_other_fields_is_merged_not_overwritten(
    logged_in, households, cadre_a, superuser
):
    household = households["A"]
    opened = household_post(
        household, [member_post(m) for m in household.members.live().order_by("id")], group="三组"
    )
    opened_version = household.version
    services.household_update(
        actor=superuser,
        household=household,
        version=household.version,
        data={"phone": "13900000009"},
    )
    response = logged_in(cadre_a).post(reverse("household-edit", args=[household.pk]), opened)
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.group, household.phone) == ("三组", "13900000009")
    assert household.version == opened_version + 2


def test_a_member_who_left_meanwhile_does_not_come_back(logged_in, households, cadre_a, superuser):
    household = households["A"]
    rows = [member_post(m) for m in household.members.live().order_by("id")]
    daughter = household.members.get(relation=Relation.DAUGHTER)
    services.member_leave(
        actor=superuser, member=daughter, version=daughter.version, reason="death"
    )
    response = logged_in(cadre_a).post(
        reverse("household-edit", args=[household.pk]), household_post(household, rows)
    )
    assert response.status_code == 302, (
        response.context["form"].errors,
        [f.errors for f in response.context["formset"].forms],
        response.context["formset"].non_form_errors(),
    )  # unchanged rows are simply not saved
    rows[2]["name"] = "改名"
    response = logged_in(cadre_a).post(
        reverse("household-edit", args=[household.pk]), household_post(household, rows)
    )
    assert response.status_code == 200
    assert "已减员" in str(response.context["formset"].forms[2].errors)
    assert Member.objects.filter(id_number=daughter.id_number).count() == 1
    assert not Member.objects.get(pk=daughter.pk).is_live


def test_pages_card_and_export_hide_birth_dates_from_read_only_roles(
    logged_in, households, county_office
):
    head = households["A"].members.get(relation=Relation.HEAD)
    client = logged_in(county_office)
    for url in (
        reverse("household-detail", args=[households["A"].pk]),
        reverse("household-card", args=[households["A"].pk]),
    ):
        text = client.get(url).text
        assert head.birth_date.isoformat() not in text and head.id_number not in text, url
        assert "****-**-**" in text
    header, rows = _sheet(client.get("/households/export.xlsx", {"village": VILLAGE_A}))
    births = {row[header.index("出生日期")] for row in rows}
    assert births == {"****-**-**"}


def test_an_invalid_filter_lists_and_exports_nothing(logged_in, households, county_office):
    client = logged_in(county_office)
    page = client.get("/households/", {"attribute": "no-such-attribute"})
    assert page.context["page"].paginator.count == 0
    assert "attribute" in page.context["filterset"].form.errors
    assert client.get("/households/export.xlsx", {"status": "bogus"}).status_code == 400


def test_the_missing_data_filters_match_the_home_counts(
    logged_in, households, superuser, county_office
):
    services.household_update(
        actor=superuser,
        household=households["A"],
        version=households["A"].version,
        data={"phone": "13900000001"},
    )
    client = logged_in(county_office)
    missing = client.get("/").context["summary"].missing
    for kind in ("phone", "bank", "income"):
        listed = client.get("/households/", {"missing": kind}).context["page"].paginator.count
        assert listed == missing[kind], kind
    assert missing["phone"] == 2


@pytest.mark.parametrize(
    ("method", "name", "target"),
    [
        ("post", "income-preview", "household"),
        ("get", "income-edit", "income"),
        ("get", "member-leave", "member"),
        ("post", "household-change-head", "household"),
        ("get", "household-export", None),
    ],
)
def test_another_villages_records_are_404_on_every_change_page(
    logged_in, households, superuser, cadre_a, method, name, target
):
    other = households["B"]
    services.income_record(actor=superuser, household=other, year=2016, data={})
    args = {
        "household": [other.pk],
        "income": [other.pk, 2016],
        "member": [other.members.get(relation=Relation.SPOUSE).pk],
        None: [],
    }[target]
    response = getattr(logged_in(cadre_a), method)(reverse(name, args=args))
    if target is None:
        # The export of a cadre holds only their own village, whatever the filter asks.
        _header, rows = _sheet(logged_in(cadre_a).get(reverse(name), {"area": "620623100201"}))
        assert rows == []
    else:
        assert response.status_code == 404


def test_editing_an_earlier_years_income_previews_against_that_years_line(
    logged_in, households, superuser, cadre_a
):
    household = households["A"]
    services.income_record(
        actor=superuser,
        household=household,
        year=2016,
        data={"wage_income": "6000", "household_size": 2},
    )
    client = logged_in(cadre_a)
    page = client.get(reverse("income-edit", args=[household.pk, 2016]))
    assert page.context["preview"]["line"].year == 2016
    preview = client.post(
        reverse("income-preview", args=[household.pk]),
        {"preview_year": "2016", "preview_size": "2", "wage_income": "6000"},
    )
    assert preview.context["preview"]["line"].year == 2016
    assert preview.context["preview"]["per_capita"] == 3000


def test_offices_see_their_areas_one_level_down(
    logged_in, households, county_office, township_office, cadre_a
):
    county = logged_in(county_office).get("/").context["summary"].breakdown
    assert [(row["code"], row["total"]) for row in county] == [("620623100", 2), ("620623101", 1)]
    assert county[0]["name"] == "华藏寺镇" and county[0]["counts"] == {"registered": 2}
    township = logged_in(township_office).get("/").context["summary"].breakdown
    assert [row["code"] for row in township] == ["620623100200", "620623100201"]
    assert logged_in(cadre_a).get("/").context["summary"].breakdown == []
