"""The findings list, a finding's page with its actions, rosters and check jobs: scoped by
area, through the client (issue 10 item 5)."""

import io

import pytest
from openpyxl import load_workbook

from core.models import AccessLog
from identification.choices import FindingKind, FindingSource, FindingState
from identification.models import CheckJob, Finding

from ..conftest import VILLAGE_A


@pytest.fixture
def finding(households):
    household = households["A"]
    head = household.members.get(relation="head")
    return Finding.objects.create(
        kind=FindingKind.EXCLUSION_HIT,
        source=FindingSource.ROSTER,
        key=f"exclusion_hit:vehicle:{head.pk}",
        area_code=VILLAGE_A,
        household=household,
        member=head,
        id_number=head.id_number,
        name=head.name,
        message="户主在车辆登记名单上",
    )


def test_a_cadre_sees_and_works_the_villages_findings(client, finding, cadre_a, cadre_b):
    client.force_login(cadre_b)
    assert "户主在车辆登记名单上" not in client.get("/findings/").text
    assert client.get(f"/findings/{finding.pk}/").status_code == 404
    assert (
        client.post(f"/findings/{finding.pk}/step/", {"to": "checking", "version": 1}).status_code
        == 404
    )
    client.force_login(cadre_a)
    listing = client.get("/findings/", {"open": "true", "kind": "exclusion_hit"})
    assert "户主在车辆登记名单上" in listing.text
    page = client.get(f"/findings/{finding.pk}/").text
    assert "改为“核查中”" in page and f"/households/{finding.household_id}/" in page
    client.post(f"/findings/{finding.pk}/step/", {"to": "checking", "version": 1})
    refused = client.post(f"/findings/{finding.pk}/step/", {"to": "dismissed", "version": 2})
    assert "请写明核查结论" in client.get(refused["Location"]).text
    client.post(
        f"/findings/{finding.pk}/step/", {"to": "dismissed", "version": 2, "note": "车已过户"}
    )
    finding.refresh_from_db()
    assert finding.state == FindingState.DISMISSED and finding.resolution == "车已过户"
    assert "改为“已销号”" not in client.get(f"/findings/{finding.pk}/").text  # the office's
    # The household's history tells the finding's steps in words.
    history = client.get(f"/households/{finding.household_id}/history/")
    assert history.status_code == 200 and "经核查不属实" in history.text


def test_the_household_page_shows_its_open_findings(client, finding, cadre_a):
    client.force_login(cadre_a)
    page = client.get(f"/households/{finding.household_id}/").text
    assert "待处理的问题" in page and f"/findings/{finding.pk}/" in page


def test_the_county_exports_the_list_masked_as_it_sees_it(client, finding, county_office):
    client.force_login(county_office)
    response = client.get("/findings/export.xlsx", {"state": "open"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = rows[0]
    assert header[0] == "问题类型" and rows[1][header.index("说明")] == "户主在车辆登记名单上"
    assert rows[1][header.index("责任地区")] == "岔口驿村"
    assert "*" in rows[1][header.index("证件号码")]  # the county reads the village: masked
    assert AccessLog.objects.filter(user=county_office, kind="export").exists()


def test_overdue_findings_are_marked_and_filtered(client, finding, cadre_a):
    import datetime as dt

    Finding.objects.filter(pk=finding.pk).update(deadline=dt.date(2020, 1, 1))
    client.force_login(cadre_a)
    assert "已超期" in client.get("/findings/", {"overdue": "true"}).text
    assert "户主在车辆登记名单上" not in client.get("/findings/", {"overdue": "false"}).text


def test_the_county_starts_a_check_and_follows_it(client, county_office, cadre_a, areas):
    client.force_login(cadre_a)
    assert client.post("/checks/start/", {"kind": "cross_match"}).status_code == 403
    client.force_login(county_office)
    assert "开始名单比对" in client.get("/rosters/").text
    response = client.post("/checks/start/", {"kind": "cross_match"})
    job = CheckJob.objects.get()
    assert response["Location"] == f"/checks/{job.pk}/"
    assert "排队中" in client.get(f"/checks/{job.pk}/").text
    from identification.services.jobs import check_job_run

    check_job_run(job)
    done = client.get(f"/checks/{job.pk}/").text
    assert "由 county 发起" in done and "比对名单 0 份" in done and "新发现问题 0 个" in done
    assert client.post("/checks/start/", {"kind": "nonsense"}).status_code == 400


def test_rosters_are_seen_within_the_area_they_cover(client, county_office, cadre_a, areas):
    import datetime as dt

    from identification.models import Roster

    Roster.objects.create(
        type_id="dibao", area_id="620623000000", as_of=dt.date(2026, 10, 1), entry_count=7
    )
    client.force_login(county_office)
    assert "2026-10-01" in client.get("/rosters/").text
    client.force_login(cadre_a)
    page = client.get("/rosters/").text
    assert "2026-10-01" not in page and "开始名单比对" not in page


def test_the_township_assigns_a_finding_on_its_page(client, finding, township_office, cadre_a):
    client.force_login(cadre_a)
    assert "指派" not in client.get(f"/findings/{finding.pk}/").text
    client.force_login(township_office)
    page = client.get(f"/findings/{finding.pk}/").text
    assert "指派" in page and "cadre_a" in page
    bad = client.post(f"/findings/{finding.pk}/assign/", {"version": 1, "deadline": "2000-01-01"})
    assert bad.status_code == 200 and "整改期限不能早于" in bad.text
    client.post(
        f"/findings/{finding.pk}/assign/",
        {"version": 1, "deadline": "2030-01-31", "responsible": cadre_a.pk},
    )
    finding.refresh_from_db()
    assert finding.responsible == cadre_a and str(finding.deadline) == "2030-01-31"
    # The date field shows the stored deadline in the form a date input reads.
    assert 'value="2030-01-31"' in client.get(f"/findings/{finding.pk}/").text


def test_the_office_closes_the_findings_whose_cause_has_gone_at_once(
    client, finding, cadre_a, county_office, other_county_office
):
    from django.utils import timezone

    Finding.objects.filter(pk=finding.pk).update(cause_gone_at=timezone.now())
    still = Finding.objects.create(
        kind=FindingKind.NAME_MISMATCH,
        source=FindingSource.ROSTER,
        key="name_mismatch:dibao:still",
        area_code=VILLAGE_A,
        name="王五",
        message="名单上的姓名是王小五",
    )
    client.force_login(cadre_a)  # 销号 is the office's: no offer, and a post closes nothing
    assert "可直接销号" not in client.get("/findings/").text
    client.post("/findings/close-gone/")
    client.force_login(other_county_office)
    client.post("/findings/close-gone/")
    assert Finding.objects.filter(state=FindingState.CLOSED).count() == 0
    client.force_login(county_office)
    listing = client.get("/findings/", {"gone": "true"})
    assert "筛选出的问题中有 1 个已消失" in listing.text and "王小五" not in listing.text
    response = client.post("/findings/close-gone/?gone=true")
    assert response["Location"] == "/findings/?gone=true"
    assert "已将 1 个已消失的问题销号" in client.get(response["Location"]).text
    finding.refresh_from_db()
    still.refresh_from_db()
    assert finding.state == FindingState.CLOSED and finding.resolution_kind == "corrected"
    assert finding.version == 2 and still.state == FindingState.OPEN
    history = client.get(f"/households/{finding.household_id}/history/").text
    assert "已销号" in history
    bad = client.post("/findings/close-gone/?kind=nonsense")
    assert bad.status_code == 400 and "筛选条件有误" in bad.text
