"""A job's progress bar moves through every step of an import, the writing included (whose
transaction hides the job's row until it ends: the worker says how far it is in the cache)."""

import time

import pytest
from django.core.cache import cache

from core.imports import pipeline
from core.imports.jobs import job_progress, progress_key
from core.models import ImportJob
from registry.imports.households import LedgerImport

from .test_import import family, sample_people, workbook


def _ledger(tmp_path, families=6):
    rows = []
    for index in range(families):
        people = sample_people()
        rows += family(f"G{index:03d}", people["head"], people["wife"], people["son"])
    return workbook(tmp_path / "ledger.xlsx", rows)


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_tells_each_step_in_order(tmp_path, superuser, monkeypatch, dry_run):
    read = pipeline.read_workbook

    def slow_read(path):
        time.sleep(1.2)  # as a large file takes: the bar moves while calamine reads
        return read(path)

    monkeypatch.setattr(pipeline, "read_workbook", slow_read)
    monkeypatch.setattr(pipeline, "READ_BYTES_PER_SECOND", 5000)
    told = []
    report = LedgerImport(actor=superuser, progress=told.append).run(
        _ledger(tmp_path), dry_run=dry_run
    )
    assert report.errors == [] and report.applied is not dry_run
    assert told == sorted(told) and len(told) == len(set(told)), told  # forward, each once
    for step, (start, end) in pipeline.PROGRESS_STEPS.items():
        assert any(start <= percent <= end for percent in told), (step, told)
    assert told[-1] == pipeline.PROGRESS_STEPS["apply"][1]
    assert len([percent for percent in told if 5 < percent < 15]) >= 2  # ticks while reading


def test_the_job_page_shows_what_the_worker_said_while_it_runs(client, cadre_a, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = ImportJob.objects.create(
        kind="registry.households",
        user=cadre_a,
        file=SimpleUploadedFile("l.xlsx", b"x"),
        original_name="l.xlsx",
        status=ImportJob.Status.APPLYING,
        progress=5,
    )
    cache.set(progress_key(job.pk), 73)
    assert job_progress(job) == 73
    client.force_login(cadre_a)
    page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'value="73"' in page.text
    job.status, job.progress = ImportJob.Status.APPLIED, 100
    job.save()
    assert job_progress(job) == 100  # once done, the row says so
