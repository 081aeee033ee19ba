"""A village cadre registers a household in the browser, as on a phone and on a laptop."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Household, Income

from ..conftest import VILLAGE_A
from ..factories import id_number


@pytest.mark.django_db(transaction=True)
def test_a_cadre_registers_a_household_end_to_end(
    page, shot, cadre_a, live_server, reference_data, this_years_line
):
    # Log in.
    page.goto("/accounts/login/")
    shot("01-login")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("我的工作")
    shot("02-home")

    # Register: the head's ID number has a wrong check character, which the page flags.
    page.goto("/households/new/")
    page.fill("#id_number", "6206231002000777")
    page.select_option("#id_village", VILLAGE_A)
    page.fill("#id_group", "三组")
    page.fill("#id_phone", "13809351234")
    head_id = id_number(male=True)
    wrong = head_id[:17] + ("0" if head_id[17] != "0" else "1")
    page.fill("#id_members-0-name", "马福海")
    page.fill("#id_members-0-id_number", wrong)
    expect(page.locator("#members-0-id-check .error")).to_contain_text("校验位错误")
    shot("03-id-flagged")
    page.fill("#id_members-0-id_number", head_id)
    expect(page.locator("#members-0-id-check .ok")).to_contain_text(head_id)
    expect(page.locator("#id_members-0-sex")).to_have_value("male")
    expect(page.locator("#id_members-0-birth_date")).not_to_have_value("")

    family = [("马秀英", id_number(male=False), "spouse"), ("马小军", id_number(male=True), "son")]
    for index, (name, number, relation) in enumerate(family, start=1):
        page.click("[data-add-member]")
        page.fill(f"#id_members-{index}-name", name)
        page.fill(f"#id_members-{index}-id_number", number)
        expect(page.locator(f"#members-{index}-id-check .ok")).to_be_visible()
        page.select_option(f"#id_members-{index}-relation", relation)
    # A row added by mistake is removed again and does not count.
    page.click("[data-add-member]")
    page.fill("#id_members-3-name", "多余")
    page.click("#member-forms [data-member]:nth-child(4) [data-remove-member]")
    expect(page.locator("#id_members-3-name")).to_be_hidden()
    page.select_option("#id_main_cause", "illness")
    shot("04-form-filled")
    page.click("button.primary:has-text('保存')")

    expect(page.locator("h1")).to_contain_text("马福海")
    expect(page.locator("table.list").first.locator("tbody tr")).to_have_count(3)
    shot("05-household")
    household = Household.objects.get(number="6206231002000777")
    assert household.size == 3 and household.members.get(relation="head").sex == "male"

    # This year's income: the per-capita figure is computed as the cadre types.
    page.click("a:has-text('年度收入')")
    page.fill("#id_wage_income", "9000")
    page.fill("#id_production_income", "3000")
    page.fill("#id_production_cost", "600")
    expect(page.locator("#preview strong")).to_have_text("3800.00")
    expect(page.locator("#preview .verdict")).to_contain_text("低于")
    shot("06-income")
    page.click("button.primary:has-text('保存')")
    expect(page.locator(".flash")).to_contain_text("收入已保存")
    income = Income.objects.get(household=household)
    assert income.per_capita_net_income == 3800

    # Find it in the list, then open the household card for printing.
    page.goto("/households/")
    page.fill("#id_q", "马福")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody")).to_contain_text("马福海")
    shot("07-list")
    page.click("#results tbody a")
    page.click("a:has-text('明白卡')")
    expect(page.locator("h1")).to_have_text("精准扶贫明白卡")
    expect(page.locator(".sheet")).to_contain_text("3800.00")
    shot("08-card")
    # The card prints on one A4 page.
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1

    assert not page.console_errors


@pytest.mark.django_db(transaction=True)
def test_another_villages_household_is_not_found(page, shot, cadre_a, households, live_server):
    page.goto("/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")
    response = page.goto(f"/households/{households['B'].pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("找不到该页面")
    shot("09-not-found")


@pytest.mark.django_db(transaction=True)
def test_every_member_action_is_in_reach_without_scrolling_sideways(
    page, shot, cadre_a, households, live_server
):
    """Members are cards on a phone, and the 明白卡 fits the screen (issue 9 items 13, 15)."""
    page.goto("/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")
    width = page.viewport_size["width"]
    page.goto(f"/households/{households['A'].pk}/")
    leave = page.get_by_role("link", name="减员").first
    box = leave.bounding_box()
    assert box and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot("10-members")
    page.goto(f"/households/{households['A'].pk}/card/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot("11-card")
