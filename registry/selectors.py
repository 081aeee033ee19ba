"""Read queries of the registry. Every one starts from `visible_to(user)` or from an object
that was already looked up through it."""

from decimal import Decimal

from django.db.models import Count, Prefetch

from .models import ChangeRecord, Household, Member, PovertyLine
from .scope import prefix_q


def households_for(user):
    """Households a user may see, with what a list or a detail shows, in a fixed number of queries."""
    return (
        Household.objects.visible_to(user)
        .select_related("village")
        .prefetch_related(
            Prefetch(
                "members", queryset=Member.objects.live().order_by("id"), to_attr="live_members"
            ),
            "other_causes",
        )
    )


def poverty_lines() -> dict[int, PovertyLine]:
    """The lines by year. A small table, read once per request or task."""
    return {line.year: line for line in PovertyLine.objects.all()}


def line_comparison(per_capita: Decimal | None, line: PovertyLine | None) -> bool | None:
    """True when the per-capita net income is below the year's line; None when unknown."""
    if per_capita is None or line is None:
        return None
    return per_capita < line.amount


def household_history(household: Household):
    return ChangeRecord.objects.filter(household_id=household.pk).select_related("actor")


def status_counts(*, area_prefix: str | None = None, user=None) -> dict[str, int]:
    """Households by status inside an area, counted in SQL (one GROUP BY)."""
    qs = Household.objects.all() if user is None else Household.objects.visible_to(user)
    if area_prefix:
        qs = qs.filter(prefix_q([area_prefix], "village__code"))
    rows = qs.order_by().values("status").annotate(n=Count("*"))
    return {row["status"]: row["n"] for row in rows}
