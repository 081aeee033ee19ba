"""Lean list pages (core.api.lean) give exactly what the full serializers gave for the same
rows, masked the same way for a read-only role, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework import serializers

from core.api.lean import LeanRows
from core.presenter import Presenter
from registry import selectors, services
from registry.api.serializers import (
    HouseholdListSerializer,
    MemberDetailSerializer,
    household_list_data,
    household_list_keys,
    member_list_data,
    member_list_keys,
)
from registry.choices import Relation
from registry.models import Member

from ..conftest import VILLAGE_A, VILLAGE_B
from ..factories import make_household, member_data


@pytest.fixture
def varied(households, superuser):
    """Households with what a list must show: other causes, a bank account, decimals, a
    member who left, a disabled member with a certificate, a head without a birth date."""
    a = households["A"]
    services.household_update(
        actor=superuser,
        household=a,
        version=a.version,
        data={
            "bank_account": "6228480402564890018",
            "cultivated_land_area": Decimal("3.50"),
            "road_distance_km": Decimal("12.4"),
            "other_causes": ["illness", "lack_skills"],
            "relocated": True,
        },
    )
    daughter = a.members.get(name="张玉兰")
    services.member_leave(
        actor=superuser, member=daughter, version=daughter.version, reason="death"
    )
    spouse = a.members.get(relation=Relation.SPOUSE)
    services.member_update(
        actor=superuser,
        member=spouse,
        version=spouse.version,
        data={"disabled": True, "disability_certificate": spouse.id_number + "42"},
    )
    make_household(
        village=VILLAGE_B,
        actor=superuser,
        status="exited",
        members=[member_data(Relation.HEAD, name="王有福"), member_data(Relation.SON)],
        phone="",
    )
    return households


def full_households(user):
    households = selectors.households_for(user).order_by("id")
    context = {"presenter": Presenter(user)}
    return HouseholdListSerializer(households, many=True, context=context).data


def lean_households(user):
    rows = list(selectors.households_seen(user).order_by("id").values(*household_list_keys()))
    return household_list_data(rows, presenter=Presenter(user))


@pytest.mark.parametrize("who", ["superuser", "county_office", "township_office", "cadre_a"])
def test_the_lean_household_list_equals_the_serializer(varied, who, request):
    user = request.getfixturevalue(who)
    lean = lean_households(user)
    assert lean == full_households(user)
    assert lean  # every persona sees some households
    if who == "township_office":  # reads without keeping the area: masked
        head = lean[0]["members"][0]
        assert head["id_number"].startswith("620623********")
        assert lean[0]["bank_account"] == "622848*********0018"


@pytest.mark.parametrize("who", ["superuser", "township_office"])
def test_the_lean_member_list_equals_the_serializer(varied, who, request):
    user = request.getfixturevalue(who)
    members = Member.objects.restrict(user).select_related("household").order_by("id")
    presenter = Presenter(user)
    full = MemberDetailSerializer(members, many=True, context={"presenter": presenter}).data
    lean = member_list_data(list(members.values(*member_list_keys())), presenter=presenter)
    assert lean == full
    disabled = next(member for member in lean if member["disability_certificate"])
    assert disabled["health"] == ["残疾"]
    if who == "township_office":
        assert "*" in disabled["disability_certificate"]
        assert disabled["birth_date"] == "****-**-**"


def test_the_api_lists_what_the_serializer_gives(api, varied, township_office):
    response = api(township_office).get("/api/households/")
    assert response.status_code == 200
    assert response.json()["results"] == full_households(township_office)
    members = api(township_office).get("/api/members/", household=varied["A"].pk).json()
    assert [m["name"] for m in members["results"]] == ["张建国", "李秀英", "张玉兰"]
    assert all("*" in m["id_number"] for m in members["results"])


def test_another_area_lists_nothing(api, varied, other_county_office):
    assert [
        h["id"] for h in api(other_county_office).get("/api/households/").json()["results"]
    ] == [varied["D"].pk]
    members = api(other_county_office).get("/api/members/", household=varied["A"].pk).json()
    assert members["results"] == []


def test_a_field_that_reads_no_column_must_be_given():
    class WithAProperty(serializers.ModelSerializer):
        health = serializers.ListField(source="health_labels")

        class Meta:
            model = Member
            fields = ["id", "health"]

    with pytest.raises(TypeError, match="health reads no column"):
        LeanRows(WithAProperty())
    assert LeanRows(WithAProperty(), given={"health": lambda row: []}).keys == ["id"]


def test_the_list_reads_in_a_fixed_number_of_queries(
    api, households, county_office, superuser, django_assert_num_queries
):
    client = api(county_office)
    client.get("/api/households/")  # the session's first read
    # user, count, page, members, other causes (the session and posts come from the cache)
    with django_assert_num_queries(5):
        client.get("/api/households/")
    for _ in range(6):
        make_household(village=VILLAGE_A, actor=superuser)
    with django_assert_num_queries(5):
        response = client.get("/api/households/", page_size=5)
    assert response.json()["count"] == 9 and len(response.json()["results"]) == 5


def test_birth_dates_and_decimals_are_written_as_the_serializer_writes_them(varied, superuser):
    head = varied["A"].members.get(relation=Relation.HEAD)
    lean = lean_households(superuser)
    assert lean[0]["members"][0]["birth_date"] == head.birth_date.isoformat()
    assert isinstance(head.birth_date, dt.date)
    assert lean[0]["cultivated_land_area"] == "3.50"


def test_a_large_count_is_kept_for_a_minute_and_a_small_one_is_not(
    api, households, county_office, cadre_a, superuser, monkeypatch
):
    from core import paging

    monkeypatch.setattr(paging, "LARGE_COUNT", 3)
    county = api(county_office)
    assert county.get("/api/households/").json()["count"] == 3
    make_household(village=VILLAGE_A, actor=superuser)
    assert county.get("/api/households/").json()["count"] == 3  # kept
    assert county.get("/api/households/", status="registered").json()["count"] == 4  # its own
    village = api(cadre_a)
    assert village.get("/api/households/").json()["count"] == 2  # below the bound: exact
    make_household(village=VILLAGE_A, actor=superuser)
    assert village.get("/api/households/").json()["count"] == 3


def test_the_schema_says_when_a_count_is_kept(api, superuser):
    schema = api(superuser).get("/api/schema/", format="json").json()
    page = schema["components"]["schemas"]["PaginatedHouseholdListList"]
    assert "10,000" in page["properties"]["count"]["description"]
