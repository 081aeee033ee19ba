"""A village cadre works a finding down in the browser, on a phone and on a laptop; the county
office ticks it off (issue 10)."""

import pytest
from playwright.sync_api import expect

from identification.choices import FindingKind, FindingSource, FindingState
from identification.models import Finding

from ..conftest import VILLAGE_A
from ..factories import make_household


def _log_in(page, username):
    page.context.clear_cookies()  # as another user
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")


@pytest.mark.django_db(transaction=True)
def test_a_finding_is_checked_dismissed_and_closed(page, shot, cadre_a, county_office, superuser):
    household = make_household(village=VILLAGE_A, actor=superuser)
    head = household.members.get(relation="head")
    finding = Finding.objects.create(
        kind=FindingKind.EXCLUSION_HIT,
        source=FindingSource.ROSTER,
        key=f"exclusion_hit:vehicle:{head.pk}",
        area_code=VILLAGE_A,
        household=household,
        member=head,
        id_number=head.id_number,
        name=head.name,
        message="户主在车辆登记名单上：请核实是否属于错评。",
    )
    _log_in(page, "cadre_a")
    page.goto("/findings/")
    expect(page.locator("ul.findings")).to_contain_text("户主在车辆登记名单上")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot("findings-01-list")
    page.click("ul.findings a")
    page.click("button:has-text('改为“核查中”')")
    expect(page.locator(".badge").first).to_have_text("核查中")
    page.click("button:has-text('改为“经核查不属实”')")
    expect(page.locator("[role=status]")).to_contain_text("请写明核查结论")
    page.fill("#id_note", "车辆已于去年过户给他人")
    page.click("button:has-text('改为“经核查不属实”')")
    expect(page.locator(".badge").first).to_have_text("经核查不属实")
    shot("findings-02-dismissed")
    page.goto(f"/households/{household.pk}/")
    expect(page.locator("body")).to_contain_text("待处理的问题")
    _log_in(page, "county")
    page.goto(f"/findings/{finding.pk}/")
    page.click("button:has-text('改为“已销号”')")
    expect(page.locator(".badge").first).to_have_text("已销号")
    shot("findings-03-closed")
    finding.refresh_from_db()
    assert finding.state == FindingState.CLOSED and page.console_errors == []
