"""Kept figures (统计数): each village's households and people by status, its gaps in the data a
cadre keeps (no income for the year, no phone, no bank account) and its monitored households,
kept in VillageFigures and summed by area code for the home page and the dashboards.

Why kept: counting them per request reads every household of a county (125,000 and a subquery
each: 250 ms alone, a second under load). How they stay exact:

* every change to a household, member or income writes its history (core.history), which tells
  `changed` the villages it touched; a StaleVillageFigures row is written for each, in the
  change's own transaction, so the change and the mark commit or roll back together;
* after the commit the writer counts those villages again (`settle`); a read settles whatever
  is still marked inside its scope before it sums, so no read misses a committed change;
* the marks are read before the count and only those read are deleted: a change committed
  while a village is being counted leaves its own mark, and the village is counted again.

`count` is the full recount that the kept figures must always equal (the tests compare them
after every kind of change); `rebuild` (manage.py rebuild_figures) writes it for every village.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from core import scope
from core.choices import Action

from . import selectors
from .choices import HouseholdStatus, MonitoringCategory
from .models import Household, Member, StaleVillageFigures, VillageFigures

FIGURED_LABELS = frozenset({"registry.household", "registry.member", "registry.income"})
MISSING = ("income", "phone", "bank")
MONITORED = [c for c in MonitoringCategory.values if c != MonitoringCategory.NONE]
COUNTS = [
    *(f"households_{status}" for status in HouseholdStatus.values),
    *(f"people_{status}" for status in HouseholdStatus.values),
    *(f"missing_{kind}" for kind in MISSING),
    *(f"monitoring_{category}" for category in MONITORED),
]


@dataclass
class Figures:
    """Counts summed over some villages."""

    counts: dict[str, int]

    @classmethod
    def summed(cls, parts) -> "Figures":
        parts = list(parts)
        return cls({name: sum(part.counts[name] for part in parts) for name in COUNTS})

    def households(self) -> dict[str, int]:
        return {status: self.counts[f"households_{status}"] for status in HouseholdStatus.values}

    def by_status(self) -> dict[str, int]:
        """Households by status, the statuses with none left out (as a GROUP BY gives them)."""
        return {status: n for status, n in self.households().items() if n}

    def people(self) -> dict[str, int]:
        return {status: self.counts[f"people_{status}"] for status in HouseholdStatus.values}

    def missing(self) -> dict[str, int]:
        return {kind: self.counts[f"missing_{kind}"] for kind in MISSING}


def count(villages: Iterable[str] | None = None, *, year: int | None = None) -> dict[str, dict]:
    """Village code -> its counts, from the households, members and incomes themselves (every
    village with a household, or those given), in three GROUP BYs."""
    year = year or selectors.current_income_year()
    households = Household.objects.all()
    members = Member.objects.live()
    if villages is not None:
        villages = sorted(set(villages))
        households = households.filter(village_id__in=villages)
        members = members.filter(household__village_id__in=villages)
    table: dict[str, dict] = {}

    def row(village: str) -> dict:
        return table.setdefault(village, dict.fromkeys(COUNTS, 0))

    for village, status, n in (
        households.order_by().values_list("village_id", "status").annotate(n=Count("*"))
    ):
        row(village)[f"households_{status}"] = n
    for village, status, n in (
        members.order_by()
        .values_list("household__village_id", "household__status")
        .annotate(n=Count("*"))
    ):
        row(village)[f"people_{status}"] = n
    gaps = {
        f"missing_{kind}": Count("pk", filter=selectors.missing_data_q(kind, year))
        for kind in MISSING
    }
    monitored = {
        f"monitoring_{category}": Count("pk", filter=Q(monitoring_category=category))
        for category in MONITORED
    }
    for counts in (
        selectors.kept_households(households)
        .order_by()
        .values("village_id")
        .annotate(**gaps, **monitored)
    ):
        row(counts.pop("village_id")).update(counts)
    return table


def _write(table: dict[str, dict], *, year: int, villages: Iterable[str] | None) -> None:
    """Store counted villages; drop the figures of villages counted with no household left."""
    now = timezone.now()
    VillageFigures.objects.bulk_create(
        [
            VillageFigures(village_id=code, income_year=year, counted_at=now, **counts)
            for code, counts in table.items()
        ],
        update_conflicts=True,
        unique_fields=["village"],
        update_fields=["income_year", "counted_at", *COUNTS],
        batch_size=2000,
    )
    emptied = VillageFigures.objects.exclude(village_id__in=list(table))
    if villages is not None:
        emptied = emptied.filter(village_id__in=list(villages))
    emptied.delete()


def recount(villages: Iterable[str], *, year: int | None = None) -> None:
    year = year or selectors.current_income_year()
    villages = sorted(set(villages))
    if villages:
        _write(count(villages, year=year), year=year, villages=villages)


@transaction.atomic
def rebuild() -> int:
    """Count every village again (manage.py rebuild_figures); returns how many have figures."""
    year = selectors.current_income_year()
    marks = list(StaleVillageFigures.objects.values_list("id", flat=True))
    table = count(year=year)
    _write(table, year=year, villages=None)
    StaleVillageFigures.objects.filter(id__in=marks).delete()
    return len(table)


def changed(label: str, areas: set[str]) -> None:
    """core.history's watcher: mark the villages a change touched, in its own transaction,
    and count them again once it commits."""
    if label not in FIGURED_LABELS or not areas:
        return
    mark_stale(areas)


# How many villages a writer counts again itself once its change commits (about 10 ms a
# village of 300 households); a larger change, an import, leaves them to a task (a county's 400
# villages take a second), and a read that comes first counts what it needs.
SETTLE_AFTER_COMMIT = 50


def mark_stale(villages: Iterable[str]) -> None:
    villages = sorted(set(villages))
    StaleVillageFigures.objects.bulk_create(
        [StaleVillageFigures(village_id=code) for code in villages], batch_size=5000
    )
    # Robust: the change is committed; should counting fail, its marks stay for the next read.
    transaction.on_commit(lambda: _settle_committed(villages), robust=True)


def _settle_committed(villages: list[str]) -> None:
    if len(villages) <= SETTLE_AFTER_COMMIT:
        settle(Q(village_id__in=villages))
    else:
        from .tasks import settle_figures

        settle_figures.delay(villages)


def settle(where: Q) -> None:
    """Count again the villages marked stale among those `where` selects. The marks are read
    before the households are counted: one written after that stays for the next settle."""
    marks = list(StaleVillageFigures.objects.filter(where).values_list("id", "village_id"))
    if not marks:
        return
    with transaction.atomic():
        recount({village for _id, village in marks})
        StaleVillageFigures.objects.filter(id__in=[mark for mark, _village in marks]).delete()


def _read(user, summarise):
    """summarise(the user's kept figures) -> (result, the income years it summed), after
    counting again what is stale in the user's reach: villages marked by a change, then
    villages counted for another income year (once, at the turn of a year)."""
    settle(scope.reach(user, Action.VIEW).q("village_id"))
    seen = VillageFigures.objects.restrict(user, Action.VIEW)
    year = selectors.current_income_year()
    result, years = summarise(seen)
    if years - {year, None}:
        recount(seen.exclude(income_year=year).values_list("village_id", flat=True), year=year)
        result, _years = summarise(seen)
    return result


def _years(row: dict) -> set:
    return {row.pop("first_year"), row.pop("last_year")}


YEARS = {"first_year": Min("income_year"), "last_year": Max("income_year")}


def totals(user, area_code: str | None = None) -> Figures:
    """The figures of every village the user may see (inside one of their areas, if given)."""

    def summarise(seen):
        if area_code:
            seen = seen.within(area_code)
        sums = seen.aggregate(**{name: Sum(name) for name in COUNTS}, **YEARS)
        years = _years(sums)
        return Figures({name: value or 0 for name, value in sums.items()}), years

    return _read(user, summarise)


def by_child_area(user, child_digits: int) -> dict[str, Figures]:
    """The user's figures summed per area one level down (the prefix of `child_digits`)."""

    def summarise(seen):
        rows = (
            seen.annotate(child=Substr("village_id", 1, child_digits))
            .order_by("child")
            .values("child")
            .annotate(**{f"sum_{name}": Sum(name) for name in COUNTS}, **YEARS)
        )
        table, years = {}, set()
        for row in rows:
            years |= _years(row)
            table[row["child"]] = Figures({name: row[f"sum_{name}"] for name in COUNTS})
        return table, years

    return _read(user, summarise)
