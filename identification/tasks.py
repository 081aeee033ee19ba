"""Celery tasks of identification: thin wrappers that take ids and call services."""

from celery import shared_task


@shared_task
def run_check_job(job_id: int) -> None:
    from .models import CheckJob
    from .services.jobs import check_job_run

    check_job_run(CheckJob.objects.get(pk=job_id))


@shared_task
def run_scheduled_check(kind: str) -> None:
    """A run the schedule starts (django-celery-beat: 每晚定期核查, 每周名单比对)."""
    from .models import CheckJob
    from .services.jobs import check_job_run

    check_job_run(CheckJob.objects.create(kind=kind))


@shared_task
def close_ended_notices() -> int:
    """End the notices whose period is over and move their cases on (daily: 每日结束到期公示)."""
    from .services.notices import notices_close_ended

    return notices_close_ended()
