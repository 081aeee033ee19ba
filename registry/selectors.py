"""Read queries of the registry. Every one starts from the user's scope (core.scope.restrict)
or from an object that was already looked up through it; none returns rows for no one."""

import datetime as dt
import itertools
from collections import defaultdict, namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from core import history, scope
from core.choices import Action, ChangeAction, RoleCode
from core.models import Area, ChangeRecord, Post

from . import figures
from .choices import HouseholdStatus, MemberLeaveReason
from .models import (
    INCOME_AMOUNT_FIELDS,
    Household,
    HouseholdAttribute,
    Income,
    Member,
    PovertyCause,
    PovertyLine,
    net_income,
    per_capita,
)
from .panels import HOUSEHOLD_FACTS


def households_seen(user):
    """Households a user may see, and nothing read with them (a list read as values)."""
    return Household.objects.restrict(user, Action.VIEW)


def households_for(user):
    """Households a user may see, with what a list or a detail shows, in a fixed number of queries."""
    return (
        households_seen(user)
        .select_related("village")
        .prefetch_related(
            "other_causes",
            Prefetch(
                "members", queryset=Member.objects.live().order_by("id"), to_attr="live_members"
            ),
        )
    )


# Reference data that most pages read and that changes a few times a year, kept in the shared
# cache and forgotten when a row is saved or deleted (the receivers in apps.py). The bound is
# for a change the receivers do not hear of (a data migration, SQL by hand, a rollback).
REFERENCE_SECONDS = 600
POVERTY_LINES_KEY = "registry:poverty-lines"
TERM_NAMES_KEY = "registry:term-names"


def _kept(key: str, read):
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, REFERENCE_SECONDS)
    return value


def _forget(key: str) -> None:
    """At once, for this transaction's own reads, and again at its commit, for a read made by
    another request in between from the rows as they were."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def poverty_lines() -> dict[int, PovertyLine]:
    """The poverty lines by year."""
    return _kept(POVERTY_LINES_KEY, lambda: {line.year: line for line in PovertyLine.objects.all()})


def forget_poverty_lines(**_signal) -> None:
    _forget(POVERTY_LINES_KEY)


def term_names() -> dict[str, dict[str, str]]:
    """The names of the reference lists' terms by code: {"cause": …, "attribute": …}."""
    return _kept(
        TERM_NAMES_KEY,
        lambda: {
            "cause": dict(PovertyCause.objects.values_list("code", "name")),
            "attribute": dict(HouseholdAttribute.objects.values_list("code", "name")),
        },
    )


def forget_term_names(**_signal) -> None:
    _forget(TERM_NAMES_KEY)


def household_for_page(user):
    """Households a user may see, as one household's page shows it: village joined, with the
    facts its panels ask (registry.panels.household_fact); every member (those still on the
    roll first) and its incomes read once each. Its terms are named by household_terms."""
    return (
        households_seen(user)
        .select_related("village")
        .annotate(**{name: expression() for name, expression in HOUSEHOLD_FACTS.items()})
        .prefetch_related(
            Prefetch(
                "members", queryset=Member.objects.order_by("left_on", "id"), to_attr="all_members"
            ),
            "incomes",
        )
    )


def household_terms(household: Household) -> dict:
    """Its attribute, main cause and other causes by name, from the kept names (one query, for
    the other causes' codes, instead of two joins and a many-to-many read)."""
    names = term_names()
    causes = other_causes_of([household.pk])[household.pk]
    return {
        "attribute": names["attribute"].get(household.attribute_id, ""),
        "main_cause": names["cause"].get(household.main_cause_id, ""),
        "other_causes": [names["cause"].get(code, code) for code in causes],
    }


def below_line(net: Decimal, size: int | None, line: PovertyLine | None) -> bool | None:
    """True when the per-capita net income is below the year's line; None when unknown.

    Compared as net < line × size, so rounding the per-capita figure to cents never moves a
    household across the line."""
    if not size or line is None:
        return None
    return Decimal(net) < line.amount * size


def last_change(instance) -> ChangeRecord | None:
    """The latest change record of a household, member or income: who saved it last, when."""
    return history.last_change(instance)


def household_history(household: Household):
    return ChangeRecord.objects.filter(household_id=household.pk).select_related("actor")


def status_counts(*, user, area_code: str | None = None) -> dict[str, int]:
    """Households by status that the user may see (inside one of their areas, if given), from
    the kept figures (registry.figures); statuses with none are left out."""
    return figures.totals(user, area_code).by_status()


def current_income_year(today: dt.date | None = None) -> int:
    """The year whose incomes the registry is collecting: this year. Without a poverty line for
    it, incomes cannot be entered yet, and the home page says so (income_line_missing)."""
    return (today or timezone.localdate()).year


def kept_households(qs):
    """Households still followed: not removed."""
    return qs.exclude(status=HouseholdStatus.REMOVED)


def missing_data_q(kind: str, year: int) -> Q:
    """Households lacking what a cadre must keep current: a phone, a bank account, this year's
    income."""
    if kind == "phone":
        return Q(phone="")
    if kind == "bank":
        return Q(bank_account="")
    if kind == "income":
        return ~Exists(Income.objects.filter(household_id=OuterRef("pk"), year=year))
    raise ValueError(kind)


@dataclass
class HomeSummary:
    by_status: dict[str, int]
    missing: dict[str, int]
    income_year: int
    income_line_missing: bool
    recent: list
    breakdown: list


def breakdown_digits(user) -> int | None:
    """For an office above the village, the digits of the areas one level down (townships of
    a county, villages of a township); None for a village's cadre or an office of several."""
    reach = scope.reach(user, Action.VIEW)
    prefixes = reach.prefixes
    if reach.everywhere:
        prefixes = sorted(
            {
                scope.significant_prefix(code)
                for code in Area.objects.filter(level="county").values_list("code", flat=True)
            }
        )
    if len(prefixes) != 1:
        return None
    return scope.child_prefix_length(prefixes[0])


def area_breakdown(children: dict[str, figures.Figures]) -> list[dict]:
    """Households by status, one row per area one level down, from their kept figures."""
    table = {child: kept.by_status() for child, kept in children.items()}
    names = dict(
        Area.objects.filter(code__in=[child.ljust(12, "0") for child in table]).values_list(
            "code", "name"
        )
    )
    return [
        {
            "code": child,
            "name": names.get(child.ljust(12, "0"), child),
            "counts": counts,
            "total": sum(counts.values()),
        }
        for child, counts in sorted(table.items())
        if counts
    ]


def home_summary(user) -> HomeSummary:
    """What a user is responsible for: households by status, gaps in their data (both from the
    kept figures, in one read: the areas one level down summed, for an office above the
    village), recent changes."""
    visible = Household.objects.restrict(user, Action.VIEW)
    year = current_income_year()
    digits = breakdown_digits(user)
    children = figures.by_child_area(user, digits) if digits else {}
    kept = figures.Figures.summed(children.values()) if digits else figures.totals(user)
    recent_ids = []
    for household_id in (
        ChangeRecord.objects.restrict(user, Action.VIEW)
        .filter(household_id__isnull=False)
        .order_by("-at")
        .values_list("household_id", flat=True)[:200]
    ):
        if household_id not in recent_ids:
            recent_ids.append(household_id)
        if len(recent_ids) == 8:
            break
    recent = sorted(
        visible.filter(pk__in=recent_ids).select_related("village"),
        key=lambda h: recent_ids.index(h.pk),
    )
    return HomeSummary(
        by_status=kept.by_status(),
        missing=kept.missing(),
        income_year=year,
        income_line_missing=year not in poverty_lines(),
        recent=recent,
        breakdown=area_breakdown(children),
    )


def ledger_families(households, year: int, *, chunk_size: int = 2000) -> Iterator[tuple]:
    """The filtered households as the member ledger (registry.ledger) reads them, as plain rows
    and no model instance (a county is 60,000 members): (household, its live members, its
    income of `year` or None), in the list's order, a chunk of households at a time and four
    queries a chunk."""
    rows = households.values_list(*LEDGER_HOUSEHOLD_VALUES.values()).iterator(chunk_size=chunk_size)
    while chunk := list(itertools.islice(rows, chunk_size)):
        ids = [row[0] for row in chunk]
        members = defaultdict(list)
        for row in _live_members(ids).values_list("household_id", *LEDGER_MEMBER_FIELDS):
            members[row[0]].append(LedgerMember._make(row[1:]))
        incomes = {
            row[0]: LedgerIncome._make(row[1:])
            for row in Income.objects.filter(household_id__any=ids, year=year).values_list(
                "household_id", *LedgerIncome._fields
            )
        }
        causes = other_causes_of(ids, "povertycause__name")
        for row in chunk:
            yield LedgerHousehold(*row, causes[row[0]]), members[row[0]], incomes.get(row[0])


def other_causes_of(household_ids, value: str = "povertycause_id") -> dict[int, list]:
    """Household id -> its other causes' codes (or another column of theirs), in the causes'
    own order, as a prefetch would give them, for rows read as values."""
    causes = defaultdict(list)
    for household_id, cause in (
        Household.other_causes.through.objects.filter(household_id__any=household_ids)
        .order_by("household_id", "povertycause__sort_order", "povertycause__code")
        .values_list("household_id", value)
    ):
        causes[household_id].append(cause)
    return causes


def _live_members(household_ids):
    """The live members of these households, household by household, in the order of their
    ids (households_for's prefetch)."""
    return (
        Member.objects.live().filter(household_id__any=household_ids).order_by("household_id", "id")
    )


def live_members_of(household_ids, keys) -> dict[int, list[dict]]:
    """Household id -> its live members as values rows of `keys`."""
    members = defaultdict(list)
    for row in _live_members(household_ids).values("household_id", *keys):
        members[row["household_id"]].append(row)
    return members


# What the member ledger reads (registry.ledger.COLUMNS), and nothing else.
LEDGER_HOUSEHOLD_VALUES = {
    "id": "id",
    "village_id": "village_id",
    "county": "village__parent__parent__name",
    "township": "village__parent__name",
    "village": "village__name",
    "attribute": "attribute__name",
    "main_cause": "main_cause__name",
    "group": "group",
    "number": "number",
    "head_name": "head_name",
    "size": "size",
    "standard": "standard",
    "planned_exit_year": "planned_exit_year",
    "status": "status",
    "first_identified_year": "first_identified_year",
    "exit_year": "exit_year",
    "phone": "phone",
    "bank_name": "bank_name",
    "bank_account": "bank_account",
}
LEDGER_MEMBER_FIELDS = [
    "name",
    "id_number",
    "sex",
    "ethnicity",
    "birth_date",
    "relation",
    "education",
    "school_status",
    "chronic_illness",
    "serious_illness",
    "disabled",
    "labour_skill",
    "migrant_work",
    "migrant_months",
]
LedgerHousehold = namedtuple("LedgerHousehold", [*LEDGER_HOUSEHOLD_VALUES, "other_causes"])
LedgerMember = namedtuple("LedgerMember", LEDGER_MEMBER_FIELDS)
LedgerIncome = namedtuple("LedgerIncome", ["year", *INCOME_AMOUNT_FIELDS])


def responsible_cadres(household: Household):
    """The village cadres posted to the household's village, for the household card."""
    return (
        Post.objects.filter(role_id=RoleCode.VILLAGE_CADRE, area_id=household.village_id)
        .select_related("user")
        .order_by("created_at")
    )


HISTORY_PAGE = 50
EMPTY = "—"


def _describe(model, name: str, value):
    """A field's label and a readable value: choices as their labels, booleans as 是/否, an
    empty value as —."""
    if value in (None, "", []):
        value = EMPTY
    try:
        field = model._meta.get_field(name)
    except Exception:  # a field removed since the record was written
        return name, value
    if field.choices and value != EMPTY:
        value = dict(field.flatchoices).get(value, value)
    elif isinstance(value, bool):
        value = gettext("是") if value else gettext("否")
    elif isinstance(value, list):
        value = "、".join(map(str, value))
    return str(field.verbose_name), value


def _new_value(record, name: str):
    values = record.changes.get(name)
    return values[1] if isinstance(values, list) and len(values) == 2 else values


def describe(record: ChangeRecord, model) -> str:
    """One line naming what happened: "减员：张小梅（嫁出）", "新增 2021 年度收入",
    "变更户主：张建国 → 李秀英", "状态变更：申请中 → 贫困户"."""
    action = ChangeAction(record.action) if record.action in ChangeAction.values else None
    name = record.object_repr or str(_new_value(record, "name") or "")
    if record.action == ChangeAction.CHANGE_HEAD:
        old, new = record.changes.get("head_name", [EMPTY, EMPTY])
        return gettext("变更户主：%(old)s → %(new)s") % {"old": old, "new": new}
    if record.action == ChangeAction.STATUS:
        old, new = record.changes.get("status", [None, None])
        labels = dict(HouseholdStatus.choices)
        return gettext("状态变更：%(old)s → %(new)s") % {
            "old": labels.get(old, EMPTY),
            "new": labels.get(new, EMPTY),
        }
    if record.action == ChangeAction.LEAVE:
        reason = dict(MemberLeaveReason.choices).get(_new_value(record, "leave_reason"), "")
        return gettext("减员：%(name)s（%(reason)s）") % {"name": name, "reason": reason}
    verb = action.label if action else record.action
    if model is Income:
        return f"{verb} {name}"
    subject = model._meta.verbose_name if model else record.model
    return gettext("%(verb)s%(subject)s：%(name)s") % {
        "verb": verb,
        "subject": subject,
        "name": name,
    }


def history_rows(records, *, presenter) -> list[dict]:
    """Change records, readable: what happened in one line, then, for an edit, each field's
    label and old and new values, masked for a reader who does not keep the area. A creation
    or deletion is its one line: its snapshot of every field is not listed (and not worked
    through: a household's page would describe 300 fields for nothing)."""
    rows = []
    for record in records:
        model = history.tracked_model(record.model)
        details = record.action not in (ChangeAction.CREATE, ChangeAction.DELETE)
        described = []
        if details:
            changes = presenter.data(dict(record.changes), record.area_code)
            for name, values in changes.items():
                old, new = (
                    values if isinstance(values, list) and len(values) == 2 else (None, values)
                )
                label, old = _describe(model, name, old)
                _label, new = _describe(model, name, new)
                described.append({"label": label, "old": old, "new": new})
        rows.append(
            {
                "record": record,
                "summary": describe(record, model),
                "changes": described,
                "details": details,
            }
        )
    return rows


@dataclass
class HistoryStart:
    """The newest page of a household's history, for its own page: the total is counted only
    when there are older records to link to."""

    rows: list[dict]
    more: bool
    total: int


def household_history_start(household: Household, *, presenter, per_page=HISTORY_PAGE):
    records = list(household_history(household)[: per_page + 1])
    more = len(records) > per_page
    total = household_history(household).count() if more else len(records)
    return HistoryStart(history_rows(records[:per_page], presenter=presenter), more, total)


def household_history_page(household: Household, *, presenter, page=1, per_page=HISTORY_PAGE):
    """One page of a household's history (its members' and incomes' too), newest first."""
    paginator = Paginator(household_history(household), per_page)
    page = paginator.get_page(page)
    page.rows = history_rows(page.object_list, presenter=presenter)
    return page


def present_household(presenter, household: Household) -> Household:
    """A household and its prefetched live members as the reader may see them."""
    shown = presenter.row(household, household.village_id)
    if hasattr(household, "live_members"):
        shown.live_members = presenter.rows(household.live_members, household.village_id)
    return shown


def income_preview(
    household: Household, *, amounts: dict, year: int | None, size: int | None
) -> dict:
    """The per-capita figure for amounts being typed, with the formula the registry stores and
    the line of the year; the size defaults to the household's live members."""
    year = year or current_income_year()
    size = size or household.size
    net = net_income(
        wage=amounts["wage_income"],
        production=amounts["production_income"],
        property_=amounts["property_income"],
        transfer=amounts["transfer_income"],
        cost=amounts["production_cost"],
    )
    line = poverty_lines().get(year)
    return {
        "net": net,
        "size": size,
        "per_capita": per_capita(net, size),
        "line": line,
        "below": below_line(net, size, line),
        "year": year,
    }
