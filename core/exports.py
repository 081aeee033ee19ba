"""Exports too large to write while the user waits: a job written by a Celery worker with
progress, its file downloaded by the user who asked for it, deleted after the keeping time.
Each app registers what it exports (`export_kind`); the kind writes the .xlsx into a file,
streamed, with the same scope, masking and formula neutralising as its synchronous export."""

import datetime as dt
import functools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ExportJob


@dataclass(frozen=True)
class ExportKind:
    name: str
    filename: str  # the downloaded file's name, before its time stamp
    # write(job, out, progress) -> rows written; progress(done, total) as it goes.
    write: Callable


EXPORT_KINDS: dict[str, ExportKind] = {}


def export_kind(name: str, *, filename: str):
    def register(write):
        EXPORT_KINDS[name] = ExportKind(name=name, filename=filename, write=write)
        return write

    return register


def export_job_start(*, user, kind: str, query: str) -> ExportJob:
    """Queue an export of `kind` for the user with the list's filters (`query`, as the list's
    address has them); the worker starts once the job is committed."""
    from .tasks import run_export_job

    if kind not in EXPORT_KINDS:
        raise ValueError(kind)
    job = ExportJob.objects.create(kind=kind, user=user, query=query[:2000])
    transaction.on_commit(functools.partial(run_export_job.delay, job.pk))
    return job


def export_job_run(job: ExportJob) -> ExportJob:
    """Write the job's file (the worker): progress as it goes, a clear error if it fails."""
    kind = EXPORT_KINDS[job.kind]
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    last = [0]

    def progress(done: int, total: int) -> None:
        percent = min(99, done * 100 // total) if total else 99
        if percent >= last[0] + 2:  # a write every 2%, not every row
            last[0] = percent
            ExportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as out:
            rows = kind.write(job, out, progress)
            out.seek(0)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job.file.save(f"{kind.filename}-{stamp}.xlsx", File(out), save=False)
    except Exception as error:  # the job says it failed; the worker goes on with the next
        job.status, job.error = ExportJob.Status.FAILED, _("导出失败：%(error)s") % {"error": error}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.progress, job.rows = ExportJob.Status.DONE, 100, rows
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "rows", "file", "finished_at"])
    return job


def export_files_purge(*, now=None) -> int:
    """Delete exported files older than settings.IMPORT_KEEP_DAYS (they hold personal data);
    the jobs stay, expired. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_KEEP_DAYS)
    purged = 0
    with transaction.atomic():
        jobs = (
            ExportJob.objects.select_for_update(skip_locked=True)
            .filter(created_at__lt=cutoff)
            .exclude(file="")
        )
        for job in jobs:
            transaction.on_commit(functools.partial(job.file.storage.delete, job.file.name))
            job.file, job.status = "", ExportJob.Status.EXPIRED
            job.save(update_fields=["file", "status"])
            purged += 1
    return purged
