"""Read-only roles see ID numbers masked, and nothing that would give the hidden digits back."""

import pytest
from django.core.exceptions import ValidationError

from registry import services
from registry.choices import Relation


@pytest.fixture
def disabled_head(households, superuser):
    head = households["A"].members.get(relation=Relation.HEAD)
    return services.member_update(
        actor=superuser,
        member=head,
        version=head.version,
        data={"disabled": True, "disability_certificate": head.id_number + "42"},
    )


def _hidden(text: str, member) -> bool:
    return member.id_number not in text and member.birth_date.isoformat() not in text


def test_api_masks_id_birth_date_and_certificate_for_read_only_roles(
    api, disabled_head, county_office
):
    client = api(county_office)
    household_id = disabled_head.household_id
    for url in (
        f"/api/households/{household_id}/",
        "/api/households/",
        f"/api/members/{disabled_head.pk}/",
        "/api/members/",
        f"/api/households/{household_id}/history/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert _hidden(response.content.decode(), disabled_head), url
    member = client.get(f"/api/members/{disabled_head.pk}/").json()
    assert member["birth_date"] == "****-**-**"
    assert member["disability_certificate"].startswith("620623********")


def test_api_shows_editors_everything(api, disabled_head, cadre_a):
    member = api(cadre_a).get(f"/api/members/{disabled_head.pk}/").json()
    assert member["id_number"] == disabled_head.id_number
    assert member["birth_date"] == disabled_head.birth_date.isoformat()


def test_id_search_needs_the_whole_number(api, households, county_office):
    number = households["A"].members.get(relation=Relation.HEAD).id_number
    client = api(county_office)
    assert client.get("/api/households/", q=number[:10]).json()["count"] == 0
    assert client.get("/api/members/", q=number[:10]).json()["count"] == 0
    assert client.get("/api/households/", q=number).json()["count"] == 1
    assert client.get("/api/members/", q=number).json()["count"] == 1


def test_a_fifteen_digit_search_finds_the_eighteen_digit_number(
    api, areas, superuser, county_office
):
    from ..factories import make_household, member_data

    make_household(
        village="620623100200",
        actor=superuser,
        members=[member_data(Relation.HEAD, id_number="110105491231002")],
    )
    found = api(county_office).get("/api/members/", q="110105491231002").json()["results"]
    assert [m["name"] for m in found] == ["户主"]


@pytest.mark.parametrize(
    "query", ["id_number__startswith=620623", "bank_account__startswith=6", "birth_date__year=1980"]
)
def test_admin_url_filters_cannot_probe_masked_fields(client, households, county_office, query):
    model = "household" if "bank" in query else "member"
    client.force_login(county_office)
    response = client.get(f"/admin/registry/{model}/?{query}")
    assert response.status_code == 400


def test_admin_member_pages_hide_birth_dates_and_certificates(client, disabled_head, county_office):
    client.force_login(county_office)
    for url in (
        f"/admin/registry/member/{disabled_head.pk}/change/",
        "/admin/registry/member/",
        f"/admin/registry/household/{disabled_head.household_id}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert _hidden(response.text, disabled_head), url


def test_a_duplicate_id_elsewhere_does_not_say_where(households, cadre_a, superuser):
    taken = households["D"].members.get(relation=Relation.HEAD).id_number  # another county
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=cadre_a,
            household=households["A"],
            data={"name": "某人", "id_number": taken, "relation": Relation.SON},
        )
    message = error.value.message_dict["id_number"][0]
    assert "其他地区" in message
    assert households["D"].number not in message and "城关村" not in message
