"""Four signers sign a household's exit in turn on a phone (issue 12): each finds it waiting on
the home page, takes the statement on and signs; the last signs after the exit notice has run;
the household is exited, and the sign-off sheet, printed to PDF, carries all four signatures."""

import datetime as dt
import io
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from identification.demo import photo
from identification.services import notices as board
from registry.models import Household
from verification.services import assessments
from verification.services.notices import exit_notice_publish

from ..conftest import VILLAGE_A


def _log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_four_signers_sign_a_household_exit_in_turn(
    page, shot, cadre_a, household_signers, ready_household, this_years_line, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    assessment = assessments.assessment_start(
        actor=cadre_a, household=ready_household, year=this_years_line.year
    )
    assessments.item_enter(
        actor=cadre_a,
        item=assessment.items.get(code="food_clothing"),
        version=assessment.version,
        passed=True,
        files=[photo()],
    )
    assessment.refresh_from_db()
    assessments.assessment_submit(actor=cadre_a, assessment=assessment, version=assessment.version)
    for number, user in enumerate(household_signers, start=1):
        if number == 4:  # the exit notice has run its week with no objection
            notice = exit_notice_publish(
                actor=cadre_a,
                village_code=VILLAGE_A,
                year=assessment.year,
                assessments=[assessment.pk],
                where_to_object="村委会 0935-3120001",
            )
            board.notices_close_ended(today=notice.ends_on + dt.timedelta(days=1))
        _log_in(page, user.username)
        page.click("section:has-text('脱贫退出：待您办理') a")  # on the home page
        expect(page.locator("#now li.next")).to_contain_text(
            ["帮扶责任人", "村党支部书记", "驻村帮扶工作队队长", "乡镇包村领导"][number - 1]
        )
        page.click("#now button.primary")  # without the statement: refused at the field
        expect(page.locator("#now")).to_contain_text("签字须确认承诺")
        page.check("#id_affirmed")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(f"exit-sign-{number}")
        page.click("#now button.primary")
        expect(page.locator("[role=status]").first).to_contain_text("已签字")
    expect(page.locator("h1 + section .badge").first).to_contain_text("已退出")
    household = Household.objects.get(pk=ready_household.pk)
    assert household.status == "exited" and household.exit_year == this_years_line.year
    page.click("text=打印验收表")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in pdf.pages))
    for user in household_signers:
        assert user.username in text
    assert "脱贫退出验收表" in text.replace(" ", "") and "乡镇包村领导" in text
    assert [e for e in page.console_errors if "400 (Bad Request)" not in e] == []
