"""A ledger imported in the browser, validated by a real Celery worker while the page polls."""

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from config.celery import app
from registry.models import Household

from ..factories import id_number
from ..registry.test_import import family, workbook


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_cadre_imports_a_ledger_with_a_progress_bar(
    page, shot, cadre_a, live_server, tmp_path, settings
):
    assert not app.conf.task_always_eager, "set REDIS_URL: this test needs a real broker"
    settings.MEDIA_ROOT = tmp_path / "media"  # shared by the web server and the worker
    number = f"H-E2E-{page.viewport_name}"
    head, bad = ("马福海", id_number(), "户主"), ("马秀英", id_number(male=False), "配偶")
    wrong = bad[1][:17] + ("0" if bad[1][17] != "0" else "1")
    with_error = workbook(
        tmp_path / "ledger-bad.xlsx", family(number, head, (*bad[:1], wrong, bad[2]))
    )
    good = workbook(tmp_path / "ledger.xlsx", family(number, head, bad))

    page.goto("/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-12345")
    page.click("button.primary")
    polls = []
    page.on("request", lambda request: request.headers.get("hx-request") and polls.append(1))

    # Uploaded while no worker runs: the job waits, and the page shows its progress bar.
    page.goto("/imports/new/")
    shot("import-01-new")
    page.set_input_files("#id_file", str(with_error))
    page.click("button.primary")
    expect(page.locator(".badge")).to_have_text("排队中")
    expect(page.locator("progress")).to_be_visible()
    shot("import-02-queued")
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        # The worker finds the error; the polling page shows it at its cell, and the marked copy.
        expect(page.locator(".badge")).to_have_text("有错误", timeout=20_000)
        assert polls, "the page should have polled the job while it ran"
        expect(page.locator("table.list")).to_contain_text("校验位")
        with page.expect_download() as download:
            page.click("a:has-text('下载标注了错误的表格')")
        assert download.value.suggested_filename.endswith(".xlsx")
        shot("import-03-errors")

        # Corrected: validated in the background, previewed, confirmed, applied.
        page.goto("/imports/new/")
        page.set_input_files("#id_file", str(good))
        page.click("button.primary")
        expect(page.locator(".badge")).to_have_text("待确认", timeout=20_000)
        expect(page.locator("table.list tbody tr").nth(1)).to_contain_text("2")  # 2 members
        shot("import-04-preview")
        assert not Household.objects.filter(number=number).exists()
        page.click("button.primary:has-text('确认导入')")
        expect(page.locator(".badge")).to_have_text("已导入", timeout=20_000)
        shot("import-05-applied")
    assert Household.objects.get(number=number).members.count() == 2
    assert not page.console_errors
