"""Import jobs: a file uploaded in the browser, validated in the background (a dry run) with
progress, previewed, then applied once when its uploader confirms. Any kind of import."""

import datetime as dt
import functools
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import scope
from ..models import ImportJob
from ..tasks import apply_import_job, validate_import_job
from . import kinds
from .issues import UnreadableFile
from .reading import SUFFIXES

logger = logging.getLogger(__name__)
PROGRESS_KEPT_SECONDS = 24 * 3600


def progress_key(pk: int) -> str:
    return f"core:import-job:{pk}:progress"


def job_progress(job: ImportJob) -> int:
    """How far a job has come: while it runs, what its worker said last (in the cache);
    before and after, what its row says."""
    if job.status in (ImportJob.Status.VALIDATING, ImportJob.Status.APPLYING):
        return max(job.progress, cache.get(progress_key(job.pk)) or 0)
    return job.progress


def import_job_start(*, actor, kind: str, upload, options: dict | None = None) -> ImportJob:
    """Keep an uploaded file and queue its validation (a dry run) in the background."""
    pipeline = kinds.get(kind)
    scope.ensure_somewhere(
        actor, pipeline.action, _("您的岗位不能导入%(label)s。") % {"label": pipeline.label}
    )
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError({"file": _("请上传 .xlsx、.xlsm、.xls 或 .ods 格式的表格文件。")})
    if upload.size > settings.IMPORT_MAX_FILE_BYTES:
        raise ValidationError(
            {
                "file": _("文件过大，上限为 %(mb)d MB。")
                % {"mb": settings.IMPORT_MAX_FILE_BYTES // 1048576}
            }
        )
    job = ImportJob.objects.create(
        kind=kind,
        user=actor,
        file=upload,
        original_name=upload.name[:255],
        options={k: v for k, v in (options or {}).items() if v is not None},
    )
    transaction.on_commit(lambda: validate_import_job.delay(job.pk))
    return job


def import_job_run(*, job: ImportJob, apply: bool) -> None:
    """Validate (or, once confirmed, apply) a job's file, recording progress and the report.
    Called by the Celery tasks."""
    status = ImportJob.Status
    ImportJob.objects.filter(pk=job.pk).update(
        status=status.APPLYING if apply else status.VALIDATING, progress=5
    )
    cache.set(progress_key(job.pk), 5, timeout=PROGRESS_KEPT_SECONDS)  # not the last run's

    def progress(percent: int) -> None:
        # In the cache, not the job's row: an apply's writes are not seen until its
        # transaction ends, and the reading step tells from another thread.
        cache.set(progress_key(job.pk), percent, timeout=PROGRESS_KEPT_SECONDS)

    try:
        pipeline = kinds.get(job.kind)(actor=job.user, progress=progress, **job.options)
        report = pipeline.run(job.file.path, dry_run=not apply, name=job.original_name)
    except (UnreadableFile, PermissionDenied) as error:
        # A file that cannot be read, or options naming an area the user may not import into.
        ImportJob.objects.filter(pk=job.pk).update(
            status=status.FAILED, progress=100, report={"error": str(error)}
        )
        return
    except Exception:
        # The import's transaction has rolled back; the job must not poll "validating" for ever.
        logger.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=status.FAILED,
            progress=100,
            report={"error": _("导入时发生内部错误，未写入任何数据。请联系系统管理员。")},
        )
        return
    outcome = status.INVALID if report.errors else (status.APPLIED if apply else status.READY)
    ImportJob.objects.filter(pk=job.pk).update(
        status=outcome, progress=100, report=report.as_dict(with_cells=True)
    )


@transaction.atomic
def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The user has seen the preview: apply the file, once."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("只能确认自己上传的导入任务。"))
    if job.status != ImportJob.Status.READY:
        raise ValidationError(
            {
                "status": _("该任务当前不能确认导入（%(status)s）。")
                % {"status": job.get_status_display()}
            }
        )
    job.status = ImportJob.Status.APPLYING
    job.progress = 0
    job.save(update_fields=["status", "progress", "updated_at"])
    transaction.on_commit(lambda: apply_import_job.delay(job.pk))
    return job


@transaction.atomic
def import_job_recheck(*, actor, job: ImportJob, options: dict) -> ImportJob:
    """Check the same file again with the options its check asked for (the year of a ledger's
    incomes), instead of uploading it again."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("只能更改自己上传的导入任务。"))
    if job.status != ImportJob.Status.INVALID or not job.file:
        raise ValidationError(
            {
                "status": _("该任务当前不能重新检查（%(status)s）。")
                % {"status": job.get_status_display()}
            }
        )
    job.options = {**job.options, **{k: v for k, v in options.items() if v is not None}}
    job.status = ImportJob.Status.QUEUED
    job.progress = 0
    job.report = {}
    job.save(update_fields=["options", "status", "progress", "report", "updated_at"])
    transaction.on_commit(lambda: validate_import_job.delay(job.pk))
    return job


def import_files_purge(*, now=None) -> int:
    """Delete the uploaded files of jobs older than settings.IMPORT_KEEP_DAYS (they hold ID
    numbers and bank accounts); the jobs and their reports stay, and a preview never confirmed
    expires. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_KEEP_DAYS)
    status = ImportJob.Status
    running = ImportJob.RUNNING
    purged = 0
    with transaction.atomic():
        # Locked, so that a confirmation cannot start on a file being deleted; jobs another
        # transaction holds are left for the next run. A job still "running" long after the
        # keeping time had its worker die: its file goes too.
        jobs = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(created_at__lt=cutoff)
            .exclude(file="")
            .exclude(status__in=running, updated_at__gte=cutoff)
        )
        for job in jobs:
            # Deleted once the emptied field is committed, never before.
            transaction.on_commit(functools.partial(job.file.storage.delete, job.file.name))
            job.file = ""
            if job.status in (status.READY, *running):
                job.status = status.EXPIRED
            job.save(update_fields=["file", "status", "updated_at"])
            purged += 1
    return purged


def import_jobs_for(user):
    """The import jobs a user may see: their own; a superuser sees everyone's."""
    jobs = ImportJob.objects.all()
    return jobs if user.is_superuser else jobs.filter(user=user)
