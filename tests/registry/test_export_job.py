"""A list longer than EXPORT_SYNC_MAX_HOUSEHOLDS is exported as a background job (issue 13 item
4): its file is the synchronous export's for the same filter and the same user (scope, masking,
formula neutralising), downloaded only by that user, its access logged, its file purged."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from core.exports import export_files_purge
from core.models import AccessLog, ExportJob
from registry import services

from ..conftest import VILLAGE_A
from ..factories import make_household


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_long_list_is_exported_as_a_job_equal_to_the_direct_export(
    client, households, superuser, county_office, cadre_b, settings, eager_tasks
):
    for _n in range(3):
        make_household(village=VILLAGE_A, actor=superuser)
    services.household_update(
        actor=superuser,
        household=households["A"],
        version=households["A"].version,
        data={"group": "=HYPERLINK(1)"},
    )
    client.force_login(county_office)
    query = {"area": "620623100", "ordering": "number"}
    direct = client.get("/households/export.xlsx", query)
    assert direct.status_code == 200
    settings.EXPORT_SYNC_MAX_HOUSEHOLDS = 2
    with eager_tasks():
        queued = client.get("/households/export.xlsx", query)
    job = ExportJob.objects.get()
    assert queued.status_code == 302 and queued.url == f"/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows) == ("done", 100, 15)  # 5 households of 3
    page = client.get(f"/exports/{job.pk}/")
    assert "下载导出的表格" in page.text
    downloaded = client.get(f"/exports/{job.pk}/download/")
    assert downloaded.status_code == 200
    job_rows = _rows(b"".join(downloaded.streaming_content))
    assert job_rows == _rows(direct.content)  # masked and neutralised alike
    assert any("'=HYPERLINK(1)" in row for row in job_rows)
    assert AccessLog.objects.filter(kind="export", count=5).count() == 2
    client.force_login(cadre_b)  # somebody else's export
    assert client.get(f"/exports/{job.pk}/").status_code == 404
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404


def test_an_export_file_is_deleted_after_the_keeping_time(
    client, households, county_office, settings, eager_tasks
):
    settings.EXPORT_SYNC_MAX_HOUSEHOLDS = 0
    client.force_login(county_office)
    with eager_tasks():
        client.get("/households/export.xlsx")
    job = ExportJob.objects.get()
    assert job.file
    later = timezone.now() + dt.timedelta(days=settings.IMPORT_KEEP_DAYS + 1)
    with eager_tasks():
        assert export_files_purge(now=later) == 1
    job.refresh_from_db()
    assert job.status == "expired" and not job.file
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert "已超过保留期限" in client.get(f"/exports/{job.pk}/").text


def test_a_failed_export_says_so_on_its_page(client, county_office, monkeypatch):
    import pytest

    from core import exports

    def broken(job, out, progress):
        raise OSError("磁盘已满")

    monkeypatch.setitem(
        exports.EXPORT_KINDS, "households", exports.ExportKind("households", "households", broken)
    )
    job = ExportJob.objects.create(kind="households", user=county_office)
    with pytest.raises(OSError):
        exports.export_job_run(job)
    job.refresh_from_db()
    assert job.status == "failed" and "磁盘已满" in job.error
    client.force_login(county_office)
    assert "磁盘已满" in client.get(f"/exports/{job.pk}/").text
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404


def test_the_export_reads_in_a_fixed_number_of_queries(
    client, households, superuser, county_office, django_assert_max_num_queries
):
    client.force_login(county_office)
    with django_assert_max_num_queries(20) as few:
        client.get("/households/export.xlsx")
    for _n in range(6):
        make_household(village=VILLAGE_A, actor=superuser)
    with django_assert_max_num_queries(len(few.captured_queries)):  # as many for more rows
        assert client.get("/households/export.xlsx").status_code == 200
