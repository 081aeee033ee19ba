"""Celery tasks of the registry: thin wrappers that take ids and call selectors or services."""

from celery import shared_task

from . import selectors


@shared_task
def count_households_by_status(area_prefix: str) -> dict[str, int]:
    """Households by status inside an area, for dashboards and reports that run in the background."""
    return selectors.status_counts(area_prefix=area_prefix)


@shared_task
def validate_import_job(job_id: int) -> None:
    """Check an uploaded ledger without writing, for the preview."""
    from .models import ImportJob
    from .services import import_job_run

    import_job_run(job=ImportJob.objects.get(pk=job_id), apply=False)


@shared_task
def purge_import_files() -> int:
    """Delete uploaded ledgers past their keeping time (settings.IMPORT_KEEP_DAYS)."""
    from .services import import_files_purge

    return import_files_purge()


@shared_task
def apply_import_job(job_id: int) -> None:
    """Apply a confirmed ledger; it is validated again, inside the transaction that writes it."""
    from .models import ImportJob
    from .services import import_job_run

    import_job_run(job=ImportJob.objects.get(pk=job_id), apply=True)
