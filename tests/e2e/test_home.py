"""The county office's home page in a browser: kept figures, and the townships' table whole on
a phone."""

import pytest


@pytest.mark.django_db(transaction=True)
def test_the_county_home_fits_a_phone(page, shot, county_office, households, reference_data):
    page.goto("/accounts/login/")
    page.fill("#id_username", "county")
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")
    page.goto("/")
    table = page.locator("section.card:has(h2:has-text('各地情况')) .table-wrap")
    assert table.locator("tbody tr").count() == 2  # the county's two townships
    # The whole table, 合计 included, without scrolling it sideways.
    assert table.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.locator(".tile strong").first.inner_text() == "3"
    shot("home-county")
    assert page.console_errors == []
