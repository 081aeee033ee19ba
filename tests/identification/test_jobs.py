"""Cross-matching in the background: one run at a time, progress and result in a job row, the
same from the command line (issue 10 items 6 and 7)."""

import json
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.db import connections

from config.celery import app
from identification.models import CheckJob, Finding
from identification.services.jobs import check_job_run, check_job_start

from .test_matching import _id, make_roster, registry  # noqa: F401  (a fixture)


def test_the_command_prints_what_it_opened(registry, capsys):  # noqa: F811
    make_roster("dibao", [(_id(registry["unmarked"], "李一般"), "李一般")])
    call_command("cross_match", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert printed["opened"] == 2 and printed["still_open"] == 0 and printed["resolved"] == 0
    not_marked = next(f for f in printed["findings"] if f["kind"] == "subsidy_not_marked")
    assert not_marked == {
        "kind": "subsidy_not_marked",
        "id_number": _id(registry["unmarked"], "李一般"),
        "name": "李一般",
        "household": registry["unmarked"].number,
        "village": registry["unmarked"].village_id,
        "message": not_marked["message"],
    }
    call_command("cross_match", "--json", "--type", "dibao")
    assert json.loads(capsys.readouterr().out)["opened"] == 0
    job = CheckJob.objects.latest("pk")
    assert job.state == CheckJob.State.DONE and job.progress == 100
    assert job.result["still_open"] == 2 and job.result["checked"] == 1


def test_a_second_run_while_one_holds_the_lock_does_not_run(registry):  # noqa: F811
    """While another session holds the job's lock, a run says so and changes nothing."""
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext('identification.cross_match'))")
    try:
        job = CheckJob.objects.create(kind=CheckJob.Kind.CROSS_MATCH)
        assert check_job_run(job) is None
        job.refresh_from_db()
        assert job.state == CheckJob.State.BUSY and "正在运行" in job.result["error"]
    finally:
        other.close()
    assert check_job_run(CheckJob.objects.create(kind=CheckJob.Kind.CROSS_MATCH)) is not None


def test_only_an_office_that_approves_starts_a_job(registry, cadre_a, county_office):  # noqa: F811
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        check_job_start(actor=cadre_a, kind=CheckJob.Kind.CROSS_MATCH)
    assert check_job_start(actor=county_office, kind=CheckJob.Kind.CROSS_MATCH).state == "queued"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_a_cross_match_end_to_end(reference_data, registry, county_office):  # noqa: F811
    assert not app.conf.task_always_eager, "set REDIS_URL: this test needs a real broker"
    make_roster("dibao", [(_id(registry["unmarked"], "李一般"), "李一般")])
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        job = check_job_start(actor=county_office, kind=CheckJob.Kind.CROSS_MATCH)
        for _ in range(300):
            job.refresh_from_db()
            if not job.running:
                break
            time.sleep(0.1)
    assert job.state == CheckJob.State.DONE, job.result
    assert job.result["opened"] == 2 and Finding.objects.count() == 2
