"""Celery tasks of core: thin wrappers that take ids and call services."""

from celery import shared_task


@shared_task
def validate_import_job(job_id: int) -> None:
    """Check an uploaded file without writing, for the preview."""
    from .imports.jobs import import_job_run
    from .models import ImportJob

    import_job_run(job=ImportJob.objects.get(pk=job_id), apply=False)


@shared_task
def apply_import_job(job_id: int) -> None:
    """Apply a confirmed file; it is validated again, inside the transaction that writes it."""
    from .imports.jobs import import_job_run
    from .models import ImportJob

    import_job_run(job=ImportJob.objects.get(pk=job_id), apply=True)


@shared_task
def purge_import_files() -> int:
    """Delete uploaded and exported files past their keeping time (settings.IMPORT_KEEP_DAYS)."""
    from .exports import export_files_purge
    from .imports.jobs import import_files_purge

    return import_files_purge() + export_files_purge()


@shared_task
def run_export_job(job_id: int) -> None:
    """Write a large export in the background."""
    from .exports import export_job_run
    from .models import ExportJob

    export_job_run(ExportJob.objects.get(pk=job_id))
