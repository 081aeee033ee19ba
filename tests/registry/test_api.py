import pytest

from core.models import ChangeRecord
from registry import services
from registry.choices import Relation
from registry.models import Household, Member

from ..conftest import VILLAGE_A
from ..factories import id_number


def test_token_auth_returns_a_token_that_authenticates(client, cadre_a, households):
    response = client.post("/api/auth/token/", {"username": "cadre_a", "password": "pw-12345"})
    assert response.status_code == 200
    token = response.json()["token"]
    listed = client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    refused = client.post("/api/auth/token/", {"username": "cadre_a", "password": "wrong"})
    assert refused.status_code == 400


def test_schema_and_docs_are_served(client, cadre_a):
    client.force_login(cadre_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/households/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_register_a_household_with_members(api, areas, cadre_a):
    response = api(cadre_a).post(
        "/api/households/",
        {
            "number": "6206231002000001",
            "village": VILLAGE_A,
            "main_cause": "illness",
            "other_causes": ["lack_skills"],
            "members": [
                {
                    "name": "张三",
                    "id_number": "11010519491231002x",
                    "relation": "head",
                    "sex": "female",
                },
                {"name": "李四", "id_number": "440524188001010014", "relation": "spouse"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["head_name"] == "张三" and body["size"] == 2 and body["version"] == 1
    assert body["members"][0]["id_number"] == "11010519491231002X"
    assert body["members"][1]["birth_date"] == "1880-01-01"
    assert body["other_causes"] == ["lack_skills"]


def test_validation_errors_come_back_per_field_in_chinese(api, areas, cadre_a):
    response = api(cadre_a).post(
        "/api/households/",
        {
            "village": VILLAGE_A,
            "phone": "abc",
            "members": [
                {"name": "张三", "id_number": "110105194912310021", "relation": "head"},
                {"id_number": "440524188001010014", "relation": "spouse"},
            ],
        },
    )
    assert response.status_code == 400
    errors = response.json()
    assert "number" in errors
    assert "members.1.name" in errors
    assert "电话" in errors["phone"][0]
    # Service-level checks run once the request is well-formed.
    response = api(cadre_a).post(
        "/api/households/",
        {
            "number": "N2",
            "village": VILLAGE_A,
            "members": [{"name": "张三", "id_number": "110105194912310021", "relation": "head"}],
        },
    )
    assert response.json() == {
        "members.0.id_number": ["证件号码校验位错误：最后一位应为 X，请核对号码。"]
    }


def test_a_stale_update_gets_409_with_the_newer_data(api, households, cadre_a):
    household = households["A"]
    url = f"/api/households/{household.pk}/"
    opened = household.version
    first = api(cadre_a).patch(url, {"phone": "13900000001", "version": opened})
    assert first.status_code == 200 and first.json()["version"] == opened + 1
    stale = api(cadre_a).patch(url, {"phone": "13900000002", "version": opened})
    assert stale.status_code == 409
    assert stale.json()["current"]["phone"] == "13900000001"
    household.refresh_from_db()
    assert household.phone == "13900000001"


def test_an_update_without_a_version_is_refused(api, households, cadre_a):
    response = api(cadre_a).patch(
        f"/api/households/{households['A'].pk}/", {"phone": "13900000001"}
    )
    assert response.status_code == 400 and "version" in response.json()


def test_member_leave_change_head_and_no_delete(api, households, cadre_a):
    household = households["A"]
    head = household.members.get(relation=Relation.HEAD)
    spouse = household.members.get(relation=Relation.SPOUSE)
    client = api(cadre_a)
    assert client.delete(f"/api/members/{spouse.pk}/").status_code == 405
    response = client.post(f"/api/members/{head.pk}/leave/", {"reason": "death", "version": 1})
    assert response.status_code == 400 and "relation" in response.json()
    response = client.post(
        f"/api/households/{household.pk}/change-head/",
        {"new_head": spouse.pk, "previous_head_relation": "spouse"},
    )
    assert response.status_code == 400 and "version" in response.json()
    response = client.post(
        f"/api/households/{household.pk}/change-head/",
        {"new_head": spouse.pk, "previous_head_relation": "spouse", "version": household.version},
    )
    assert response.status_code == 200 and response.json()["head_name"] == "李秀英"
    assert response.json()["version"] == household.version + 1
    head.refresh_from_db()
    response = client.post(
        f"/api/members/{head.pk}/leave/",
        {"reason": "death", "note": "病故", "version": head.version},
    )
    assert response.status_code == 200 and response.json()["leave_reason"] == "death"
    assert Member.objects.filter(pk=head.pk).exists()
    listed = client.get(f"/api/households/{household.pk}/").json()
    assert [m["name"] for m in listed["members"]] == ["李秀英", "张玉兰"]


def test_member_create_and_update_through_the_api(api, households, cadre_a):
    household = households["A"]
    client = api(cadre_a)
    response = client.post(
        "/api/members/",
        {
            "household": household.pk,
            "name": "张小宝",
            "id_number": "440524188001010014",
            "relation": "son",
            "join_reason": "newborn",
        },
    )
    assert response.status_code == 201, response.json()
    member = response.json()
    response = client.patch(f"/api/members/{member['id']}/", {"education": "primary", "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2
    response = client.patch(
        f"/api/members/{member['id']}/", {"household": households["A"].pk + 999, "version": 2}
    )
    assert response.status_code == 400


def test_incomes_show_the_per_capita_figure_against_the_line(
    api, households, cadre_a, county_office
):
    household = households["A"]
    response = api(cadre_a).post(
        "/api/incomes/",
        {
            "household": household.pk,
            "year": 2016,
            "wage_income": "6000",
            "transfer_income": "1500.50",
            "production_cost": "300",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["net_income"] == "7200.50"
    assert body["per_capita_net_income"] == "2400.17"
    assert body["poverty_line"] == "2952.00" and body["below_line"] is True
    url = f"/api/incomes/{body['id']}/"
    response = api(cadre_a).patch(url, {"wage_income": "9000", "version": 1})
    assert response.status_code == 200 and response.json()["below_line"] is False
    assert api(county_office).get("/api/incomes/", year=2016).json()["count"] == 1
    assert api(cadre_a).delete(url).status_code == 405


def test_only_applicants_may_be_deleted_and_the_record_stays_in_history(api, households, cadre_a):
    client = api(cadre_a)
    registered = households["A"]
    assert client.delete(f"/api/households/{registered.pk}/").status_code == 400
    from ..factories import make_household

    applicant = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    from registry import services

    services.income_record(actor=cadre_a, household=applicant, year=2016, data={})
    assert client.delete(f"/api/households/{applicant.pk}/").status_code == 204
    assert not Household.objects.filter(pk=applicant.pk).exists()
    deleted = ChangeRecord.objects.filter(household_id=applicant.pk, action="delete")
    assert sorted(deleted.values_list("model", flat=True)) == [
        "registry.household",
        "registry.income",
        "registry.member",
        "registry.member",
        "registry.member",
    ]


@pytest.fixture
def varied(households, superuser):
    """Households that differ: A has cause 因病 and attribute 一般; B has exited and is watched;
    C is an applicant headed by 王五."""
    from registry.models import HouseholdAttribute, PovertyCause

    services.household_update(
        actor=superuser,
        household=households["A"],
        version=households["A"].version,
        data={
            "main_cause": PovertyCause.objects.get(code="illness"),
            "attribute": HouseholdAttribute.objects.get(code="general"),
            "planned_exit_year": 2018,
        },
    )
    services.household_status_set(
        actor=superuser, household=households["B"], to="exited", year=2019, source="测试"
    )
    households["B"].refresh_from_db()
    services.household_update(
        actor=superuser,
        household=households["B"],
        version=households["B"].version,
        data={
            "monitoring_category": "unstable",
            "other_causes": [PovertyCause.objects.get(code="illness")],
        },
    )
    services.member_update(
        actor=superuser,
        member=households["C"].members.get(relation=Relation.HEAD),
        version=1,
        data={"name": "王五"},
    )
    return households


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "620623"}, {"A", "B", "C"}),
        ({"area": "620623100"}, {"A", "B"}),
        ({"area": "620623100000"}, {"A", "B"}),
        ({"area": "6206"}, {"A", "B", "C"}),
        ({"area": "620622"}, set()),
        ({"area": "12"}, set()),
        ({"village": VILLAGE_A}, {"A"}),
        ({"status": "registered"}, {"A", "C"}),
        ({"status": "exited"}, {"B"}),
        ({"q": "张建"}, {"A", "B"}),
        ({"q": "王"}, {"C"}),
        ({"q": "李秀英"}, {"A", "B", "C"}),
        ({"monitoring_category": "unstable"}, {"B"}),
        ({"cause": "illness"}, {"A", "B"}),
        ({"main_cause": "illness"}, {"A"}),
        ({"attribute": "general"}, {"A"}),
        ({"planned_exit_year": 2018}, {"A"}),
        ({"exit_year": 2019}, {"B"}),
    ],
)
def test_household_filters(api, varied, county_office, params, expected):
    response = api(county_office).get("/api/households/", **params)
    assert response.status_code == 200
    found = {row["id"] for row in response.json()["results"]}
    assert found == {varied[letter].pk for letter in expected}


def test_search_by_id_number_prefix(api, households, county_office):
    number = households["B"].members.get(relation=Relation.SPOUSE).id_number
    results = api(county_office).get("/api/households/", q=number.lower()).json()["results"]
    assert [r["id"] for r in results] == [households["B"].pk]


def test_list_queries_do_not_grow_with_the_page(
    api, households, county_office, superuser, django_assert_max_num_queries
):
    from ..factories import make_household

    for _ in range(10):
        make_household(village=VILLAGE_A, actor=superuser)
    client = api(county_office)
    with django_assert_max_num_queries(8):
        response = client.get("/api/households/")
    assert response.json()["count"] == 13


def test_areas_and_lines(api, areas, cadre_a, superuser):
    areas_listed = api(cadre_a).get("/api/areas/").json()["results"]
    assert [a["code"] for a in areas_listed] == [VILLAGE_A]
    lines = api(cadre_a).get("/api/poverty-lines/", year=2016).json()["results"]
    assert lines[0]["amount"] == "2952.00"
    assert (
        api(cadre_a)
        .post("/api/poverty-lines/", {"year": 2030, "amount": "5000", "basis": "national"})
        .status_code
        == 403
    )
    assert (
        api(superuser)
        .post("/api/poverty-lines/", {"year": 2030, "amount": "5000", "basis": "national"})
        .status_code
        == 201
    )


def test_errors_speak_english_when_asked(client, areas, cadre_a):
    client.force_login(cadre_a)
    response = client.post(
        "/api/households/",
        {
            "number": "N3",
            "village": VILLAGE_A,
            "members": [{"name": "张三", "id_number": "110105194912310021", "relation": "head"}],
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["members.0.id_number"][0].startswith("Wrong check character")


def test_lists_carry_members_in_summary_and_the_detail_in_full(api, households, cadre_a):
    listed = api(cadre_a).get("/api/households/").json()["results"][0]["members"]
    detail = api(cadre_a).get(f"/api/households/{households['A'].pk}/").json()["members"]
    assert (
        [m["name"] for m in listed] == [m["name"] for m in detail] == ["张建国", "李秀英", "张玉兰"]
    )
    assert "education" not in listed[0] and "education" in detail[0]
    assert listed[0]["id_number"] == detail[0]["id_number"]


def test_a_household_and_its_members_change_in_one_edit(api, households, cadre_a):
    """The edit page's service, shared: the household's fields, a member's change and a new
    member in one request, all or nothing."""
    household = households["A"]
    spouse = household.members.get(relation=Relation.SPOUSE)
    url = f"/api/households/{household.pk}/"
    newborn = {"name": "张小宝", "id_number": id_number(), "relation": "grandson"}
    response = api(cadre_a).patch(
        url,
        {
            "phone": "13900000001",
            "version": household.version,
            "members": [{"id": spouse.pk, "version": spouse.version, "dibao": True}, newborn],
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["phone"] == "13900000001" and body["size"] == 4
    spouse.refresh_from_db()
    assert spouse.dibao is True and spouse.version == 2
    # A bad member keeps everything back, and says where.
    household.refresh_from_db()
    response = api(cadre_a).patch(
        url,
        {
            "phone": "13900000002",
            "version": household.version,
            "members": [{"id": spouse.pk, "version": spouse.version, "migrant_months": 13}],
        },
    )
    assert response.status_code == 400 and "members.0.migrant_months" in response.json()
    household.refresh_from_db()
    assert household.phone == "13900000001"
    # A stale member version is a 409, with the member as it is now.
    response = api(cadre_a).patch(
        url,
        {
            "version": household.version,
            "members": [{"id": spouse.pk, "version": 1, "dibao": False}],
        },
    )
    assert response.status_code == 409 and response.json()["current"]["id"] == spouse.pk
    # Another household's member cannot be named.
    other = households["B"].members.first()
    response = api(cadre_a).patch(
        url,
        {"version": household.version, "members": [{"id": other.pk, "version": 1, "dibao": True}]},
    )
    assert response.status_code == 400 and "members.0.id" in response.json()
