"""A village cadre and a township office take an application through their steps on a phone
(issue 11): the cadre applies for the household, checks, ranks, holds the meetings and the
vote, cross-matches and posts the village notice, printed to PDF; after the notice has run,
the township reviews it."""

import datetime as dt
import io
import unicodedata

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from identification.choices import Step
from identification.demo import photo
from identification.models import Application, Notice
from identification.services import notices
from registry import services

from ..conftest import VILLAGE_A
from ..factories import make_household


def _log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")


def _submit(page):
    page.click("#now button.primary")
    expect(page.locator("[role=status]").first).to_contain_text("已办理")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_cadre_and_a_township_take_an_application_through_their_steps(
    page, shot, cadre_a, township_office, this_years_line, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate().isoformat()
    household = make_household(village=VILLAGE_A, actor=cadre_a, status="applicant")
    services.income_record(
        actor=cadre_a,
        household=household,
        year=this_years_line.year,
        data={"wage_income": 6000},
    )
    _log_in(page, "cadre_a")
    page.goto(f"/households/{household.pk}/")
    page.click("text=提出识别申请")
    page.fill("#id_reason", "因病致贫，缺劳动力")
    page.set_input_files("#id_files", {"name": "申请书.pdf", "mimeType": "application/pdf",
                                       "buffer": b"%PDF-1.4\n% signed form\n"})  # fmt: skip
    page.click("button.primary:has-text('登记申请')")
    expect(page.locator("h1")).to_contain_text("新识别纳入申请")
    expect(page.locator("#now")).to_contain_text("2000.00")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot("procedure-01-income-check")
    _submit(page)  # 一核
    for select in page.locator("#now select[name]").all():
        if select.get_attribute("name") != "send_back_to":
            select.select_option("met")
    page.set_input_files("#now #id_files", {"name": "入户照片.png", "mimeType": "image/png",
                                            "buffer": photo().read()})  # fmt: skip
    shot("procedure-02-conditions")
    _submit(page)  # 二看
    page.click("text=查看本村倒序排名")
    page.click("button:has-text('确认 1 户的排名')")
    expect(page.locator("[role=status]")).to_contain_text("已确认 1 户")
    page.click("ol.plain a")
    for _meeting in ("村民小组初评", "村两委审议"):
        expect(page.locator("#now h2")).to_contain_text(_meeting)
        page.fill("#id_held_on", today)
        page.fill("#id_present", "12")
        _submit(page)
    expect(page.locator("#now h2")).to_contain_text("一比对")
    _submit(page)
    expect(page.locator("#now h2")).to_contain_text("村民代表大会决议")
    page.fill("#id_held_on", today)
    for field, value in {"representatives": 30, "present": 19, "in_favour": 15}.items():
        page.fill(f"#id_{field}", str(value))
    page.check("#id_read_out")
    page.click("#now button.primary")
    expect(page.locator("#now")).to_contain_text("不足应到 30 人的三分之二")  # refused at the field
    page.fill("#id_present", "24")
    shot("procedure-03-vote")
    _submit(page)
    expect(page.locator("#now h2")).to_contain_text("村级公示")
    # The village notice, posted and printed for the board.
    page.goto("/notices/new/village/")
    page.fill("#id_where_to_object", "华藏寺镇人民政府 0935-1234567")
    page.click("button.primary:has-text('发布公示')")
    expect(page.locator("h1")).to_contain_text("村级公示")
    shot("procedure-04-notice")
    notice = Notice.objects.get()
    page.goto(f"/notices/{notice.pk}/print/")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    # The PDF's font maps some characters to their Kangxi-radical forms (⼝ for 口): NFKC
    # folds them back.
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in pdf.pages))
    head = household.members.get(relation="head")
    assert notice.title.replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert "张建国" in text and "0935-1234567" in text and head.id_number not in text
    # The period runs its course; the township office reviews.
    notices.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
    _log_in(page, "township")
    page.goto("/")
    page.click("text=乡镇审核")
    page.locator("ul.findings a").first.click()
    shot("procedure-05-township")
    _submit(page)
    application = Application.objects.get()
    assert application.step == Step.TOWNSHIP_NOTICE
    assert [r.post for r in application.records.filter(step=Step.TOWNSHIP_REVIEW)] == [
        "乡镇扶贫办 · 华藏寺镇"
    ]
    # The refused vote came back as 400 with its message at the field; nothing else failed.
    assert [e for e in page.console_errors if "400 (Bad Request)" not in e] == []
