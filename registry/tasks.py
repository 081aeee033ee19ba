"""Celery tasks of the registry: thin wrappers that take ids and call selectors or services."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db.models import Q

from . import figures, selectors


@shared_task
def count_households_by_status(user_id: int, area_code: str | None = None) -> dict[str, int]:
    """Households by status that a user may see (inside one of their areas, if given), for
    dashboards and reports that run in the background."""
    user = get_user_model().objects.get(pk=user_id)
    return selectors.status_counts(user=user, area_code=area_code)


@shared_task
def settle_figures(villages: list[str]) -> None:
    """Count again the kept figures of villages a large change (an import) marked stale."""
    figures.settle(Q(village_id__in=villages))
