"""The scope matrix: a cadre of village A can never read or change village B, by any path."""

import pytest

from core import scope
from core.choices import Action
from core.models import ChangeRecord
from registry.choices import Relation
from registry.models import Household

from ..conftest import VILLAGE_A, VILLAGE_B


def _numbers(response):
    assert response.status_code == 200, response.content
    return {row["village"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("persona", "villages"),
    [
        ("cadre_a", {VILLAGE_A}),
        ("cadre_b", {VILLAGE_B}),
        ("township_office", {VILLAGE_A, VILLAGE_B}),
        ("county_office", {VILLAGE_A, VILLAGE_B, "620623101200"}),
        ("other_county_office", {"620622100200"}),
        ("superuser", {VILLAGE_A, VILLAGE_B, "620623101200", "620622100200"}),
    ],
)
def test_each_persona_lists_exactly_its_subtree(request, api, households, persona, villages):
    user = request.getfixturevalue(persona)
    assert _numbers(api(user).get("/api/households/")) == villages
    members = api(user).get("/api/members/").json()["results"]
    assert {Household.objects.get(pk=m["household"]).village_id for m in members} == villages


def test_a_cadre_cannot_read_change_or_delete_another_villages_records(api, households, cadre_a):
    other = households["B"]
    opened = other.version
    member = other.members.get(relation=Relation.SPOUSE)
    client = api(cadre_a)
    response = client.get(f"/api/households/{other.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "记录不存在，或不在您负责的地区内。"}
    assert (
        client.patch(f"/api/households/{other.pk}/", {"phone": "1", "version": 1}).status_code
        == 404
    )
    assert client.delete(f"/api/households/{other.pk}/").status_code == 404
    assert client.get(f"/api/households/{other.pk}/history/").status_code == 404
    assert client.get(f"/api/members/{member.pk}/").status_code == 404
    assert (
        client.patch(f"/api/members/{member.pk}/", {"name": "x", "version": 1}).status_code == 404
    )
    left = client.post(f"/api/members/{member.pk}/leave/", {"reason": "death", "version": 1})
    assert left.status_code == 404
    response = client.post(
        "/api/members/",
        {"household": other.pk, "name": "x", "id_number": "11010519491231002X", "relation": "son"},
    )
    assert response.status_code == 400 and "household" in response.json()
    response = client.post("/api/incomes/", {"household": other.pk, "year": 2016})
    assert response.status_code == 400 and "household" in response.json()
    other.refresh_from_db()
    assert other.version == opened and other.members.live().count() == 3


def test_a_cadre_cannot_register_a_household_in_another_village(api, households, cadre_a):
    response = api(cadre_a).post(
        "/api/households/",
        {
            "number": "N1",
            "village": VILLAGE_B,
            "members": [{"name": "王五", "id_number": "440524188001010014", "relation": "head"}],
        },
    )
    assert response.status_code == 400
    assert "village" in response.json()


def test_read_only_roles_get_403_on_their_own_area(api, households, township_office):
    household = households["A"]
    response = api(township_office).patch(
        f"/api/households/{household.pk}/", {"phone": "13800000000", "version": household.version}
    )
    assert response.status_code == 403


def test_id_and_bank_numbers_are_masked_for_read_only_roles(
    api, households, superuser, cadre_a, county_office
):
    from registry import services

    household = households["A"]
    services.household_update(
        actor=superuser,
        household=household,
        version=household.version,
        data={"bank_account": "6228480012345678"},
    )
    head = household.members.get(relation=Relation.HEAD)
    full = api(cadre_a).get(f"/api/households/{household.pk}/").json()
    assert full["bank_account"] == "6228480012345678"
    assert full["members"][0]["id_number"] == head.id_number
    masked = api(county_office).get(f"/api/households/{household.pk}/").json()
    assert masked["bank_account"] == "622848******5678"
    assert (
        masked["members"][0]["id_number"] == head.id_number[:6] + "********" + head.id_number[-4:]
    )
    history = api(county_office).get(f"/api/households/{household.pk}/history/").json()["results"]
    assert all("6228480012345678" not in str(record["changes"]) for record in history)


def test_prefixes_merge_nested_posts(areas, cadre_a):
    from core.posts import post_grant

    post_grant(username="cadre_a", role="township_office", area_code="620623100")
    fresh = type(cadre_a).objects.get(pk=cadre_a.pk)
    assert scope.reach(fresh, Action.VIEW).prefixes == ("620623100",)


def test_anonymous_requests_are_refused(client, households):
    assert client.get("/api/households/").status_code in (401, 403)


# --- the admin -------------------------------------------------------------------------------


def test_admin_lists_only_the_users_households(client, households, cadre_a):
    client.force_login(cadre_a)
    response = client.get("/admin/registry/household/")
    assert response.status_code == 200
    assert households["A"].number in response.text
    assert households["B"].number not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "registry/household/{h}/change/",
        "registry/household/{h}/delete/",
        "registry/member/{m}/change/",
        "core/changerecord/?household_id={h}",
    ],
)
def test_admin_refuses_another_villages_records(client, households, cadre_a, path):
    other = households["B"]
    member = other.members.first()
    client.force_login(cadre_a)
    response = client.get("/admin/" + path.format(h=other.pk, m=member.pk))
    if "?" in path:
        assert response.status_code == 200 and other.number not in response.text
    else:
        assert response.status_code == 404


def test_admin_saves_through_services_with_history_and_version(client, households, cadre_a):
    from core.models import ChangeRecord

    member = households["A"].members.get(relation=Relation.SPOUSE)
    client.force_login(cadre_a)
    url = f"/admin/registry/member/{member.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"dibao": "on", "opened_version": "1"})
    for name, value in list(data.items()):
        if value is False:
            data.pop(name)
        elif value is True:
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.dibao is True and member.version == 2
    assert ChangeRecord.objects.filter(
        model="registry.member", object_id=member.pk, action="update"
    ).exists()
    stale = client.post(url, {**data, "dibao": ""})
    assert stale.status_code == 200
    assert "已被他人修改" in stale.text
    member.refresh_from_db()
    assert member.dibao is True


def test_admin_shows_read_only_roles_masked_numbers(client, households, county_office):
    member = households["A"].members.get(relation=Relation.HEAD)
    client.force_login(county_office)
    response = client.get(f"/admin/registry/member/{member.pk}/change/")
    assert response.status_code == 200
    assert member.id_number not in response.text
    assert member.id_number[:6] + "********" in response.text


def test_admin_history_shows_the_households_change_records(client, households, cadre_a):
    household = households["A"]
    client.force_login(cadre_a)
    response = client.get(f"/admin/registry/household/{household.pk}/history/", follow=True)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(
        ChangeRecord.objects.filter(household_id=household.pk)
    )
    other = households["B"]
    assert client.get(f"/admin/registry/household/{other.pk}/history/").status_code == 404


def test_a_cadre_cannot_touch_another_villages_incomes_or_head(api, households, cadre_a, superuser):
    from registry import services

    other = households["B"]
    income = services.income_record(actor=superuser, household=other, year=2016, data={})
    spouse = other.members.get(relation=Relation.SPOUSE)
    client = api(cadre_a)
    assert client.get(f"/api/incomes/{income.pk}/").status_code == 404
    assert (
        client.patch(f"/api/incomes/{income.pk}/", {"wage_income": "1", "version": 1}).status_code
        == 404
    )
    assert (
        client.put(
            f"/api/households/{other.pk}/", {"number": "x", "village": VILLAGE_B, "version": 1}
        ).status_code
        == 404
    )
    response = client.post(
        f"/api/households/{other.pk}/change-head/",
        {"new_head": spouse.pk, "previous_head_relation": "spouse"},
    )
    assert response.status_code == 404
    assert api(cadre_a).get("/api/incomes/").json()["count"] == 0
    other.refresh_from_db()
    assert other.head_name == "张建国"


def test_admin_refuses_a_post_against_another_village(client, households, cadre_a):
    other = households["B"]
    client.force_login(cadre_a)
    response = client.post(
        f"/admin/registry/household/{other.pk}/change/", {"phone": "13800000000"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.phone == ""


@pytest.mark.parametrize(
    ("persona", "letters"),
    [("township_office", "AB"), ("county_office", "ABC"), ("other_county_office", "D")],
)
def test_admin_lists_each_office_its_subtree(request, client, households, persona, letters):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/registry/household/")
    assert response.status_code == 200
    shown = {
        letter for letter, household in households.items() if household.number in response.text
    }
    assert shown == set(letters)


def test_admin_offers_a_cadre_only_their_villages(client, households, cadre_a):
    client.force_login(cadre_a)
    response = client.get(f"/admin/registry/household/{households['A'].pk}/change/")
    choices = list(response.context["adminform"].form.fields["village"].queryset)
    assert [area.code for area in choices] == [VILLAGE_A]


def test_admin_deletes_an_applicant_through_the_service(client, areas, cadre_a, django_user_model):
    from core.choices import RoleCode as Role
    from core.posts import post_grant

    from ..factories import make_household

    admin_user = post_grant(username="county_admin", role=Role.ADMIN, area_code="620623").user
    applicant = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    client.force_login(admin_user)
    page = client.get(f"/admin/registry/household/{applicant.pk}/delete/")
    assert page.status_code == 200 and not page.context["protected"]
    response = client.post(f"/admin/registry/household/{applicant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Household.objects.filter(pk=applicant.pk).exists()
    assert ChangeRecord.objects.filter(
        household_id=applicant.pk, action="delete", model="registry.household"
    ).exists()


def test_an_area_admin_manages_posts_inside_its_area_only(client, areas):
    from core.choices import RoleCode as Role
    from core.models import Post
    from core.posts import post_grant

    admin_user = post_grant(username="county_admin", role=Role.ADMIN, area_code="620623").user
    worker = post_grant(username="worker", role=Role.VILLAGE_CADRE, area_code=VILLAGE_A).user
    client.force_login(admin_user)
    response = client.post(
        "/admin/core/post/add/",
        {"user": worker.pk, "role": "township_office", "area": "620623100000"},
    )
    assert response.status_code == 302
    assert Post.objects.filter(user=worker, role="township_office").exists()
    response = client.post(
        "/admin/core/post/add/",
        {"user": worker.pk, "role": "county_office", "area": "620622000000"},
    )
    assert response.status_code == 200 and "area" in response.context["adminform"].form.errors
    response = client.post(
        "/admin/core/post/add/",
        {"user": worker.pk, "role": "village_cadre", "area": "620623000000"},
    )
    assert "一级" in str(response.context["adminform"].form.errors)


def test_the_schema_is_not_public(client):
    assert client.get("/api/schema/").status_code in (401, 403)
