"""Celery tasks of the registry: thin wrappers that take ids and call selectors or services."""

from celery import shared_task

from . import selectors


@shared_task
def count_households_by_status(area_prefix: str) -> dict[str, int]:
    """Households by status inside an area, for dashboards and reports that run in the background."""
    return selectors.status_counts(area_prefix=area_prefix)
