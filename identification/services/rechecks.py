"""The periodic re-check (回头核查): rules over the registry, each a query in SQL, each raising
findings for what it finds. A rule's logic is here; whether it runs, its thresholds and the
document it rests on are a CheckRule row an administrator edits."""

import datetime as dt
from collections.abc import Callable

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import selectors as registry_selectors
from registry.choices import HouseholdStatus, MonitoringCategory, Relation
from registry.models import Household, Income, Member, PovertyLine

from ..choices import FindingKind, FindingSource
from ..models import CheckRule, Finding
from .findings import Found, findings_reconcile
from .matching import MatchResult

RULES: dict[str, Callable[[CheckRule], list[Found]]] = {}
NET = (
    F("wage_income")
    + F("production_income")
    + F("property_income")
    + F("transfer_income")
    - F("production_cost")
)


def rule(code: str):
    def register(function):
        RULES[code] = function
        return function

    return register


def recheck(*, rules: list[str] | None = None, progress=None) -> MatchResult:
    """Run the enabled rules (of `rules`, or all) and bring their findings up to date."""
    chosen = CheckRule.objects.filter(enabled=True, code__in=list(RULES))
    if rules is not None:
        chosen = chosen.filter(code__in=rules)
    chosen = list(chosen)
    result = MatchResult()
    for done, check in enumerate(chosen, start=1):
        found = RULES[check.code](check)
        among = Finding.objects.filter(source=FindingSource.RULE, rule=check)
        result.add(findings_reconcile(found=found, among=among))
        if progress:
            progress(int(100 * done / len(chosen)))
    return result


def _found(check: CheckRule, kind: str, household, message: str, member=None, **evidence) -> Found:
    subject = f"m{member['pk']}" if member else f"h{household['household_pk']}"
    return Found(
        key=f"{check.code}:{subject}",
        kind=kind,
        source=FindingSource.RULE,
        rule_id=check.pk,
        area_code=household["village_id"],
        household_id=household["household_pk"],
        member_id=member["pk"] if member else None,
        id_number=member["id_number"] if member else "",
        name=member["name"] if member else household["head_name"],
        message=message,
        evidence={"rule": check.code, "source": check.source, **evidence},
    )


HOUSEHOLD = ("number", "village_id", "head_name")


def _latest_incomes(statuses):
    """Each household's latest income (of households in `statuses`), with its net income and
    that year's line and monitoring threshold."""
    # "No later year" is an anti-join, and the lines (one per year) are constants: correlated
    # subqueries per income row made this 2 to 3 times slower over a million members.
    later = Income.objects.filter(household=OuterRef("household"), year__gt=OuterRef("year"))
    lines = list(PovertyLine.objects.values_list("year", "amount", "monitoring_threshold"))
    money = DecimalField(max_digits=12, decimal_places=2)

    def by_year(column: int):
        return Case(
            *[When(year=line[0], then=Value(line[column])) for line in lines],
            default=None,
            output_field=money,
        )

    return (
        Income.objects.filter(household__status__in=statuses)
        .exclude(Exists(later))
        .annotate(net=NET, line=by_year(1), threshold=by_year(2))
        .values(
            "year",
            "net",
            "line",
            "threshold",
            "household_size",
            household_pk=F("household_id"),
            number=F("household__number"),
            village_id=F("household__village_id"),
            head_name=F("household__head_name"),
        )
    )


def _per_capita(row) -> str:
    return f"{row['net'] / row['household_size']:.2f}"


@rule("exited_below_line")
def exited_below_line(check: CheckRule) -> list[Found]:
    rows = _latest_incomes([HouseholdStatus.EXITED]).filter(
        line__isnull=False, net__lt=F("line") * F("household_size")
    )
    message = _(  # translated once, not once per row
        "户 %(number)s 已脱贫，但 %(year)s 年度人均纯收入 %(income)s 元，低于当年标准 "
        "%(line)s 元：请核实是否返贫。"
    )
    return [
        _found(
            check,
            FindingKind.RETURN_RISK,
            row,
            message
            % {
                "number": row["number"],
                "year": row["year"],
                "income": _per_capita(row),
                "line": row["line"],
            },
            year=row["year"],
        )
        for row in rows
    ]


@rule("registered_above_line")
def registered_above_line(check: CheckRule) -> list[Found]:
    years = int(check.params.get("years", 2))
    line = PovertyLine.objects.filter(year=OuterRef("year")).values("amount")[:1]
    latest = (
        PovertyLine.objects.filter(year__lte=timezone.localdate().year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if latest is None:
        return []
    span = list(range(latest - years + 1, latest + 1))
    above = (
        Income.objects.filter(household=OuterRef("pk"), year__in=span)
        .annotate(net=NET, line=Subquery(line))
        .filter(net__gte=F("line") * F("household_size"))
        .order_by()
        .values("household")
        .annotate(n=Count("*"))
        .values("n")
    )
    households = (
        Household.objects.filter(status=HouseholdStatus.REGISTERED)
        .annotate(years_above=Subquery(above))
        .filter(years_above=years)
        .values(*HOUSEHOLD, household_pk=F("pk"))
    )
    return [
        _found(
            check,
            FindingKind.ABOVE_LINE,
            household,
            _(
                "贫困户 %(number)s 的人均纯收入在 %(first)s—%(last)s 年度都高于当年标准：请核实是否"
                "已达到退出条件，或收入是否有误。"
            )
            % {"number": household["number"], "first": span[0], "last": span[-1]},
            years=span,
        )
        for household in households
    ]


@rule("no_income_this_year")
def no_income_this_year(check: CheckRule) -> list[Found]:
    year = registry_selectors.current_income_year()
    if not PovertyLine.objects.filter(year=year).exists():
        return []  # nobody can enter that year's incomes yet (the home page says why)
    households = (
        registry_selectors.kept_households(Household.objects.all())
        .exclude(status=HouseholdStatus.APPLICANT)
        .filter(registry_selectors.missing_data_q("income", year))
        .values(*HOUSEHOLD, household_pk=F("pk"))
    )
    return [
        _found(
            check,
            FindingKind.NO_INCOME,
            household,
            _("户 %(number)s 尚未录入 %(year)s 年度收入。")
            % {"number": household["number"], "year": year},
            year=year,
        )
        for household in households
    ]


def _members(q: Q):
    return (
        Member.objects.live()
        .filter(q)
        .exclude(household__status=HouseholdStatus.REMOVED)
        .values(
            "pk",
            "name",
            "id_number",
            "birth_date",
            number=F("household__number"),
            village_id=F("household__village_id"),
            head_name=F("household__head_name"),
            household_pk=F("household_id"),
        )
    )


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _ages(check: CheckRule, q: Q, message: str, limit: int) -> list[Found]:
    """Live members matching `q`, each a finding of an implausible age saying `message`."""
    return [
        _found(
            check,
            FindingKind.AGE_IMPLAUSIBLE,
            member,
            message
            % {
                "number": member["number"],
                "name": member["name"],
                "born": member["birth_date"],
                "limit": limit,
            },
            member=member,
        )
        for member in _members(q)
    ]


@rule("member_too_old")
def member_too_old(check: CheckRule) -> list[Found]:
    limit = int(check.params.get("max_age", 100))
    return _ages(
        check,
        Q(birth_date__lt=_years_ago(limit)),
        _(
            "户 %(number)s 的成员 %(name)s 出生于 %(born)s，已超过 %(limit)s 岁：请核实是否在世、"
            "出生日期是否有误。"
        ),
        limit,
    )


@rule("head_too_young")
def head_too_young(check: CheckRule) -> list[Found]:
    limit = int(check.params.get("min_age", 16))
    return _ages(
        check,
        Q(relation=Relation.HEAD, birth_date__gt=_years_ago(limit)),
        _("户 %(number)s 的户主 %(name)s 出生于 %(born)s，不满 %(limit)s 岁：请核实户主是否正确。"),
        limit,
    )


@rule("no_live_members")
def no_live_members(check: CheckRule) -> list[Found]:
    households = (
        registry_selectors.kept_households(Household.objects.all())
        .exclude(Exists(Member.objects.live().filter(household=OuterRef("pk"))))
        .values(*HOUSEHOLD, household_pk=F("pk"))
    )
    return [
        _found(
            check,
            FindingKind.NO_LIVE_MEMBERS,
            household,
            _("户 %(number)s 已没有在册成员：请核实是否应标注为自然减少。")
            % {"number": household["number"]},
        )
        for household in households
    ]


@rule("size_counts_departed")
def size_counts_departed(check: CheckRule) -> list[Found]:
    live = (
        Member.objects.live()
        .filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("*"))
        .values("n")
    )
    latest_size = Income.objects.filter(
        household=OuterRef("pk"), year=registry_selectors.current_income_year()
    ).values("household_size")[:1]
    households = (
        registry_selectors.kept_households(Household.objects.all())
        .annotate(live=Subquery(live), counted=Subquery(latest_size))
        .filter(Q(counted__gt=F("live")) | ~Q(size=F("live")))
        .values(*HOUSEHOLD, "size", "live", "counted", household_pk=F("pk"))
    )
    return [
        _found(
            check,
            FindingKind.SIZE_MISMATCH,
            household,
            _(
                "户 %(number)s 在册成员 %(live)s 人，但记录的家庭人口为 %(counted)s 人：可能仍计入了"
                "已故或迁出的成员。"
            )
            % {
                "number": household["number"],
                "live": household["live"] or 0,
                "counted": max(household["size"], household["counted"] or 0),
            },
        )
        for household in households
    ]


@rule("below_monitoring_threshold")
def below_monitoring_threshold(check: CheckRule) -> list[Found]:
    rows = _latest_incomes([HouseholdStatus.EXITED, HouseholdStatus.APPLICANT]).filter(
        household__monitoring_category=MonitoringCategory.NONE,
        threshold__isnull=False,
        net__lt=F("threshold") * F("household_size"),
        # Below the line itself, an exited household is a return risk (its own rule) and an
        # applicant is being identified.
        net__gte=F("line") * F("household_size"),
    )
    message = _(  # translated once, not once per row
        "户 %(number)s 的 %(year)s 年度人均纯收入 %(income)s 元，低于防返贫监测标准 "
        "%(threshold)s 元，且未纳入监测：请核实是否应纳入监测对象。"
    )
    return [
        _found(
            check,
            FindingKind.BELOW_THRESHOLD,
            row,
            message
            % {
                "number": row["number"],
                "year": row["year"],
                "income": _per_capita(row),
                "threshold": row["threshold"],
            },
            year=row["year"],
        )
        for row in rows
    ]
