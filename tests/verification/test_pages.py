"""The pages of exit verification, each through the client: the planned-exit list, starting and
preparing an assessment, signing and refusing, the exit notice, the sign-off sheet, the
incidence table, the chains' check; and a user of another area refused."""

import datetime as dt

from core.models import Area
from identification.demo import photo
from identification.models import Notice
from identification.services import notices as board
from identification.services.complaints import complaint_record
from verification.models import Assessment, Evidence
from verification.services.notices import exit_notice_publish

from ..conftest import VILLAGE_A
from .fixtures import signer

WHERE = "岔口驿村村委会 0935-3120001"


def _prepared(client, cadre, household, year) -> Assessment:
    client.force_login(cadre)
    started = client.post("/exits/start/", {"household": household.pk, "year": year})
    assessment = Assessment.objects.get()
    assert started.status_code == 302 and started.url == f"/exits/{assessment.pk}/"
    food = assessment.items.get(code="food_clothing")
    missing = client.post(
        f"/exits/{assessment.pk}/items/{food.pk}/",
        {f"item{food.pk}-version": assessment.version, f"item{food.pk}-passed": "1"},
    )
    assert missing.status_code == 400 and "须附佐证材料" in missing.text
    saved = client.post(
        f"/exits/{assessment.pk}/items/{food.pk}/",
        {
            f"item{food.pk}-version": assessment.version,
            f"item{food.pk}-passed": "1",
            f"item{food.pk}-note": "存粮充足",
            f"item{food.pk}-files": [photo()],
        },
    )
    assert saved.status_code == 302
    assessment.refresh_from_db()
    client.post(f"/exits/{assessment.pk}/submit/", {"version": assessment.version})
    assessment.refresh_from_db()
    assert assessment.state == "signing"
    return assessment


def test_a_cadre_prepares_and_four_signers_sign_through_the_pages(
    client, cadre_a, county_office, household_signers, ready_household, this_years_line
):
    year = this_years_line.year
    client.force_login(cadre_a)
    planned = client.get("/exits/planned/", {"village": VILLAGE_A, "year": year})
    assert planned.status_code == 200 and "马福贵" in planned.text and "开始验收" in planned.text
    assessment = _prepared(client, cadre_a, ready_household, year)
    evidence = Evidence.objects.get()
    assert client.get(f"/exits/evidence/{evidence.pk}/").status_code == 200
    detail = client.get(f"/exits/{assessment.pk}/")
    assert "人均纯收入 5000.00 元" in detail.text and "待签字" in detail.text
    helper, secretary, leader, liaison = household_signers
    for user in (helper, secretary, leader):
        client.force_login(user)
        home = client.get("/")
        assert "待您签字" in home.text
        unsworn = client.post(f"/exits/{assessment.pk}/sign/", {"version": assessment.version})
        assert unsworn.status_code == 400 and "承诺" in unsworn.text
        signed = client.post(
            f"/exits/{assessment.pk}/sign/", {"version": assessment.version, "affirmed": "on"}
        )
        assert signed.status_code == 302
        assessment.refresh_from_db()
    client.force_login(cadre_a)
    form = client.get("/exits/notice/", {"village": VILLAGE_A, "year": year})
    assert "马福贵" in form.text
    posted = client.post(
        f"/exits/notice/?village={VILLAGE_A}&year={year}",
        {
            "assessments": [assessment.pk],
            "starts_on": dt.date.today().isoformat(),
            "where_to_object": WHERE,
        },
    )
    notice = Notice.objects.get()
    assert posted.status_code == 302 and posted.url == f"/notices/{notice.pk}/"
    printed = client.get(f"/notices/{notice.pk}/print/")
    assert "达到脱贫标准，拟退出" in printed.text and "逐级签字确认" in printed.text
    board.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    client.force_login(liaison)
    client.post(f"/exits/{assessment.pk}/sign/", {"version": assessment.version, "affirmed": "on"})
    assessment.refresh_from_db()
    assert assessment.state == "approved"
    sheet = client.get(f"/exits/{assessment.pk}/sheet/")
    assert sheet.status_code == 200 and "贫困户脱贫退出验收表" in sheet.text
    for name in ("helper_a", "secretary_a", "team_leader_a", "liaison_a", "乡镇包村领导"):
        assert name in sheet.text
    complaint = complaint_record(
        actor=cadre_a,
        channel="visit",
        received_on=dt.date.today(),
        concern="wrong_exit",
        household=ready_household,
        content="该户收入未如实登记。",
    )
    client.force_login(county_office)
    detail = client.get(f"/exits/{assessment.pk}/")
    assert "撤销退出" in detail.text and f'value="{complaint.finding_id}"' in detail.text
    client.post(
        f"/exits/{assessment.pk}/revoke/",
        {"version": assessment.version, "finding": complaint.finding_id, "reason": "核实属实。"},
    )
    assessment.refresh_from_db()
    assert assessment.state == "revoked" and assessment.revoke_finding_id == complaint.finding_id
    assert "查看问题" in client.get(f"/exits/{assessment.pk}/").text


def test_a_refusal_and_a_revocation_through_the_pages(
    client, cadre_a, county_office, household_signers, ready_household, this_years_line
):
    assessment = _prepared(client, cadre_a, ready_household, this_years_line.year)
    client.force_login(household_signers[0])
    no_reason = client.post(f"/exits/{assessment.pk}/refuse/", {"version": assessment.version})
    assert no_reason.status_code == 400 and "拒签须写明原因" in no_reason.text
    client.post(
        f"/exits/{assessment.pk}/refuse/",
        {"version": assessment.version, "reason": "住房为借住，须核实。"},
    )
    assessment.refresh_from_db()
    assert assessment.state == "returned"
    client.force_login(county_office)
    refused = client.post(
        f"/exits/{assessment.pk}/revoke/", {"version": assessment.version, "reason": "x"}
    )
    assert refused.status_code == 400 and "只有已退出的验收可以撤销" in refused.text
    assessment.refresh_from_db()
    assert assessment.state == "returned"


def test_another_villages_user_is_refused(
    client, cadre_a, cadre_b, household_signers, ready_household, this_years_line
):
    assessment = _prepared(client, cadre_a, ready_household, this_years_line.year)
    client.force_login(cadre_b)
    assert client.get(f"/exits/{assessment.pk}/").status_code == 404
    assert client.get(f"/exits/{assessment.pk}/sheet/").status_code == 404
    assert client.get("/exits/planned/", {"village": VILLAGE_A}).status_code == 404
    assert client.post(f"/exits/{assessment.pk}/sign/", {"version": 1}).status_code == 404
    assert client.get("/exits/notice/", {"village": VILLAGE_A}).status_code == 404
    assert client.get(f"/exits/evidence/{Evidence.objects.get().pk}/").status_code == 404
    stranger = signer("helper_b", "helper", "620623100201")
    client.force_login(stranger)
    assert client.get(f"/exits/{assessment.pk}/").status_code == 404


def test_the_incidence_table_drills_down_and_the_county_checks_the_chains(
    client, county_office, cadre_a, superuser, exit_reference
):
    from ..factories import make_household

    Area.objects.filter(code=VILLAGE_A).update(rural_population=300)
    make_household(village=VILLAGE_A, actor=superuser, identified=2016)
    client.force_login(county_office)
    county = client.get("/exits/incidence/", {"area": "620623000000", "year": 2020})
    assert county.status_code == 200 and "华藏寺镇" in county.text
    township = client.get("/exits/incidence/", {"area": "620623100000", "year": 2020})
    assert "1.00%" in township.text and "可申请退出" in township.text
    chains = client.get("/exits/chains/")
    assert chains.status_code == 200 and "全部签字链完整" in chains.text
    client.force_login(cadre_a)
    assert client.get("/exits/chains/").status_code == 403
    assert client.get("/exits/incidence/", {"area": "620622000000"}).status_code == 200
    assert "古浪" not in client.get("/exits/incidence/", {"area": "620622000000"}).text
    assert client.get("/exits/").status_code == 200


def test_an_objection_to_an_exit_notice_is_decided_on_its_page(
    client, cadre_a, household_signers, ready_household, this_years_line
):
    assessment = _prepared(client, cadre_a, ready_household, this_years_line.year)
    notice = exit_notice_publish(
        actor=cadre_a,
        village_code=VILLAGE_A,
        year=assessment.year,
        assessments=[assessment.pk],
        where_to_object=WHERE,
    )
    client.force_login(cadre_a)
    item = notice.items.get()
    client.post(
        f"/notices/{notice.pk}/objections/",
        {
            "item": item.pk,
            "objector_name": "李四",
            "objector_contact": "13800000000",
            "channel": "visit",
            "received_on": notice.starts_on.isoformat(),
            "content": "该户收入未如实登记。",
        },
    )
    page = client.get(f"/notices/{notice.pk}/")
    assert f'href="/exits/{assessment.pk}/"' in page.text
    assert 'name="send_back_to"' not in page.text  # it goes back to be checked as a whole
    objection = notice.objections.get()
    decided = client.post(
        f"/objections/{objection.pk}/decide/",
        {"version": objection.version, "upheld": "1", "decision": "经核实属实。"},
    )
    assert decided.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "returned" and "公示异议成立" in assessment.returned_reason
