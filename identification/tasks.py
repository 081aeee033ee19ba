"""Celery tasks of identification: thin wrappers that take ids and call services."""

from celery import shared_task


@shared_task
def run_check_job(job_id: int) -> None:
    from .models import CheckJob
    from .services.jobs import check_job_run

    check_job_run(CheckJob.objects.get(pk=job_id))
