"""The API of exit verification: the same services as the pages, so the same rules, with their
refusals as the API gives them (400 at the field, 403 for the wrong signer, 404 for another
area, 409 for a stale version)."""

import datetime as dt

from identification.demo import photo
from identification.services import notices as board

from ..conftest import VILLAGE_A


def test_a_household_exit_through_the_api(
    api, client, cadre_a, cadre_b, county_office, household_signers, ready_household,
    this_years_line,
):  # fmt: skip
    year = this_years_line.year
    planned = api(cadre_a).get("/api/exits/planned/", village=VILLAGE_A, year=year).json()
    assert planned["households"][0]["head_name"] == "马福贵" and planned["planned"] == 1
    started = api(cadre_a).post(
        "/api/exit-assessments/", {"household": ready_household.pk, "year": year}
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    pk = body["id"]
    assert body["actions"] == {"enter": True, "submit": True, "sign": False, "revoke": False}
    assert {i["code"]: i["passed"] for i in body["items"]}["food_clothing"] is None
    assert api(cadre_b).get(f"/api/exit-assessments/{pk}/").status_code == 404
    no_evidence = api(cadre_a).post(
        f"/api/exit-assessments/{pk}/items/food_clothing/",
        {"version": body["version"], "passed": True},
    )
    assert no_evidence.status_code == 400 and "files" in no_evidence.json()
    entered = client.post(  # the evidence comes as multipart
        f"/api/exit-assessments/{pk}/items/food_clothing/",
        {"version": body["version"], "passed": "true", "note": "存粮充足", "files": [photo()]},
    )
    assert entered.status_code == 200, entered.json()
    body = entered.json()
    stale = api(cadre_a).post(f"/api/exit-assessments/{pk}/submit/", {"version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["id"] == pk
    submitted = api(cadre_a).post(
        f"/api/exit-assessments/{pk}/submit/", {"version": body["version"]}
    )
    body = submitted.json()
    assert body["state"] == "signing" and body["snapshot"]["round"] == 1
    assert body["waiting_for"] == "helper"
    helper, secretary, leader, liaison = household_signers
    wrong = api(secretary).post(
        f"/api/exit-assessments/{pk}/sign/", {"version": body["version"], "affirmed": True}
    )
    assert wrong.status_code == 403 and "帮扶责任人" in wrong.json()["detail"]
    assert [a["id"] for a in api(helper).get("/api/exit-assessments/awaiting/").json()] == [pk]
    for user in (helper, secretary, leader):
        body = (
            api(user)
            .post(
                f"/api/exit-assessments/{pk}/sign/", {"version": body["version"], "affirmed": True}
            )
            .json()
        )
    early = api(liaison).post(
        f"/api/exit-assessments/{pk}/sign/", {"version": body["version"], "affirmed": True}
    )
    assert early.status_code == 400 and "公示" in early.json()["state"][0]
    notice = api(cadre_a).post(
        "/api/exits/notice/",
        {"village": VILLAGE_A, "year": year, "assessments": [pk], "where_to_object": "村委会"},
    )
    assert notice.status_code == 201 and notice.json()["purpose"] == "exit"
    board.notices_close_ended(
        today=dt.date.fromisoformat(notice.json()["ends_on"]) + dt.timedelta(days=1)
    )
    done = api(liaison).post(
        f"/api/exit-assessments/{pk}/sign/", {"version": body["version"], "affirmed": True}
    )
    assert done.status_code == 200 and done.json()["state"] == "approved"
    assert [s["position"] for s in done.json()["signatures"]] == [1, 2, 3, 4]
    ready_household.refresh_from_db()
    assert ready_household.status == "exited"
    refused = api(cadre_a).post(
        f"/api/exit-assessments/{pk}/revoke/", {"version": done.json()["version"], "reason": "x"}
    )
    assert refused.status_code == 403
    revoked = api(county_office).post(
        f"/api/exit-assessments/{pk}/revoke/",
        {"version": done.json()["version"], "reason": "信访举报核实，收入未如实登记。"},
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    chains = api(county_office).get("/api/exits/chains/").json()
    assert chains == {"assessments": 1, "signatures": 4, "broken": []}
    assert api(cadre_a).get("/api/exits/chains/").status_code == 403


def test_the_incidence_and_the_standards_through_the_api(
    api, county_office, cadre_a, exit_reference
):
    body = api(county_office).get("/api/exits/incidence/", area="620623000000", year=2020).json()
    assert body["area"]["area"] == "620623000000" and len(body["below"]) == 2
    assert body["area"]["threshold"] == "3.0000"
    assert api(cadre_a).get("/api/exits/incidence/", area="620623000000").status_code == 404
    bad = api(county_office).get("/api/exits/incidence/", area="620623000000", year="x")
    assert bad.status_code == 400 and "year" in bad.json()
    standards = api(cadre_a).get("/api/exit-standards/", level="household", area_prefix="62")
    assert standards.json()["results"][0]["code"] == "household-62"


def test_a_form_with_too_many_fields_is_refused_not_a_500(client, cadre_a):
    client.force_login(cadre_a)
    crowded = "&".join(f"f{n}=1" for n in range(1100))
    answer = client.post(
        "/api/exits/notice/", crowded, content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 400 and "字段或文件过多" in answer.json()["detail"]


def test_an_area_is_started_only_with_its_level(api, county_office, exit_reference):
    body = {"area": "620623000000", "year": 2020}
    missing = api(county_office).post("/api/exit-assessments/", body)
    assert missing.status_code == 400 and "level" in missing.json()
    started = api(county_office).post("/api/exit-assessments/", body | {"level": "county"})
    assert started.status_code == 201 and started.json()["level"] == "county"
    wrong = api(county_office).post(
        "/api/exit-assessments/", {"area": "620623100200", "year": 2020, "level": "township"}
    )
    assert wrong.status_code == 400 and "不是" in wrong.json()["area"][0]
