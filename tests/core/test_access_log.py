"""Every view, search by ID number and export of personal data is in the access log: who,
when, what, how many records, from where (issue 9 item 7)."""

import json

from django.core.management import call_command
from django.urls import reverse

from core.models import AccessLog


def test_viewing_searching_and_exporting_are_logged(client, households, county_office):
    household = households["A"]
    head = household.members.get(relation="head")
    client.force_login(county_office)
    client.get(reverse("household-detail", args=[household.pk]), REMOTE_ADDR="10.1.2.3")
    client.get(reverse("household-card", args=[household.pk]))
    client.get("/api/households/", {"q": head.id_number})
    client.get(f"/api/members/{head.pk}/")
    client.get(reverse("household-export"), {"area": "620623"})
    entries = list(AccessLog.objects.order_by("id"))
    assert [entry.kind for entry in entries] == ["view", "view", "search", "view", "export"]
    assert entries[0].username == "county" and entries[0].address == "10.1.2.3"
    assert household.number in entries[0].what
    assert head.id_number not in entries[2].what and entries[2].count == 1
    assert entries[4].count == 3  # the county's three households
    client.get(reverse("household-history", args=[household.pk]))
    client.get(f"/api/households/{household.pk}/history/")
    assert AccessLog.objects.filter(kind="view", what__contains="history").count() == 1
    assert AccessLog.objects.filter(kind="view", what__startswith="变更记录").count() == 1
    # A name search reads no ID number: nothing to log.
    client.get("/api/households/", {"q": "张"})
    assert AccessLog.objects.count() == 7


def test_the_log_is_printed_for_auditors(client, households, county_office, cadre_a, capsys):
    client.force_login(county_office)
    client.get(reverse("household-detail", args=[households["A"].pk]))
    client.force_login(cadre_a)
    client.get(reverse("household-detail", args=[households["A"].pk]))
    call_command("access_log", "--user", "county", "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["user"] for line in lines] == ["county"] and lines[0]["kind"] == "view"
    call_command("access_log", "--since", "2000-01-01")
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_only_superusers_read_the_log_in_the_admin(client, households, superuser, county_office):
    client.force_login(county_office)
    client.get(reverse("household-detail", args=[households["A"].pk]))
    assert client.get("/admin/core/accesslog/").status_code == 403
    client.force_login(superuser)
    page = client.get("/admin/core/accesslog/", {"kind": "view"})
    assert page.status_code == 200 and "county" in page.text


def test_a_reader_of_masked_numbers_searches_by_id_a_limited_number_of_times(
    client, households, county_office, cadre_a, settings
):
    settings.ID_SEARCHES_PER_HOUR = 2
    head = households["A"].members.get(relation="head")
    client.force_login(county_office)
    codes = [client.get("/api/households/", {"q": head.id_number}).status_code for _ in range(3)]
    assert codes == [200, 200, 403]
    assert "过于频繁" in client.get("/households/", {"q": head.id_number}).text
    client.force_login(cadre_a)  # keeps the area and sees the numbers in full: no such limit
    codes = [client.get("/api/households/", {"q": head.id_number}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]


def test_registrations_are_limited_per_user_and_hour(areas, cadre_a, settings):
    import pytest
    from django.core.cache import cache
    from django.core.exceptions import PermissionDenied

    from ..factories import make_household

    cache.clear()
    settings.REGISTRATIONS_PER_HOUR = 2
    for _ in range(2):
        make_household(village="620623100200", actor=cadre_a, status="applicant")
    with pytest.raises(PermissionDenied):
        make_household(village="620623100200", actor=cadre_a, status="applicant")
    cache.clear()


def test_a_registration_refused_for_numbers_registered_elsewhere_is_logged(
    api, households, cadre_a
):
    """The refusal tells the user a number is on the registry; the request rolls back, and the
    log of who asked survives it (issue 9 item 8)."""
    from registry.models import Household

    from ..conftest import VILLAGE_A
    from ..factories import member_data

    elsewhere = [m.id_number for m in households["D"].members.all()[:2]]  # another county
    response = api(cadre_a).post(
        "/api/households/",
        {
            "number": "PROBE1",
            "village": VILLAGE_A,
            "members": [
                member_data("head", id_number=elsewhere[0]),
                member_data("son", id_number=elsewhere[1]),
            ],
        },
    )
    assert response.status_code == 400 and "其他地区" in response.json()["members.0.id_number"][0]
    assert not Household.objects.filter(number="PROBE1").exists()
    entry = AccessLog.objects.get(user=cadre_a, kind=AccessLog.Kind.SEARCH)
    assert entry.count == 2 and "已在其他地区登记" in entry.what
    assert elsewhere[0][:6] + "********" + elsewhere[0][-4:] in entry.what
    assert elsewhere[0] not in entry.what
