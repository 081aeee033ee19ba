"""Reads of exit verification for the pages and the API: assessments in the user's scope, what
waits for the user's signature, the planned-exit (预脱贫) list with what each household still
lacks, plan against actual, and the incidence table by area."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from core import scope
from core.choices import Action, AreaLevel
from core.models import Area, Role
from identification.selectors import findings_for
from registry import selectors as registry_selectors
from registry.choices import HouseholdStatus
from registry.models import Household, Income, Member

from .choices import AssessmentState, Decision, ExitLevel, ItemSource
from .models import Assessment, Signature, Snapshot
from .services import assessments as assessment_rules
from .services import signatures as signature_rules
from .services.incidence import Incidence, incidence_below, incidence_of
from .services.notices import notice_cleared
from .services.standards import pick, standard_for, standards_of

A = AssessmentState
AREA_LEVELS = {
    AreaLevel.VILLAGE: ExitLevel.VILLAGE,
    AreaLevel.TOWNSHIP: ExitLevel.TOWNSHIP,
    AreaLevel.COUNTY: ExitLevel.COUNTY,
}


def assessments_for(user):
    return Assessment.objects.restrict(user, Action.VIEW).select_related(
        "area", "household", "standard"
    )


def assessment_items(assessment: Assessment):
    return assessment.items.prefetch_related("evidence").order_by("position")


def assessment_signatures(assessment: Assessment):
    return assessment.signatures.select_related("role", "snapshot").order_by("pk")


def awaiting_signature(user, limit: int = 50) -> list[Assessment]:
    """Assessments waiting for a role the user holds over their area and not yet signed by the
    user this round (one holding two roles signs once), oldest first, in two queries (the
    user's posts come from the shared cache)."""
    roles = scope.roles_of(user)
    waiting_for_me = Q(pk__in=[])
    for role in roles:
        waiting_for_me |= Q(next_role_id=role) & scope.role_reach(user, role).q("area__code")
    latest = Snapshot.objects.filter(assessment=OuterRef("pk")).order_by("-round").values("pk")
    found = list(
        assessments_for(user)
        .filter(state=A.SIGNING)
        .filter(waiting_for_me)
        .annotate(round_snapshot=Subquery(latest[:1]))
        .order_by("pk")[: limit * 2]
    )
    signed = set(
        Signature.objects.filter(
            signer_id=user.pk,
            decision=Decision.SIGNED,
            snapshot_id__in=[a.round_snapshot for a in found],
        ).values_list("assessment_id", flat=True)
    )
    return [a for a in found if a.pk not in signed][:limit]


def returned_to(user, limit: int = 50) -> list[Assessment]:
    """Assessments sent back that the user prepares (to check again and resubmit)."""
    returned = assessments_for(user).filter(state=A.RETURNED).order_by("pk")[: limit * 4]
    return [a for a in returned if assessment_rules.may_prepare(user, a.level, a.area_id)][:limit]


def revocation_findings(user, assessment: Assessment):
    """The findings (a complaint's among them) that may be named as showing an exit false: the
    household's, or those inside the area."""
    found = findings_for(user).order_by("-pk")
    if assessment.household_id:
        return found.filter(household_id=assessment.household_id)
    return scope.within(found, assessment.area_id)


def noticeable(village: Area, year: int):
    """The village's household assessments of the year put to signature and on no running
    notice, nor held by an objection: what its exit notice may list."""
    from identification.services import notices as board

    return (
        Assessment.objects.filter(
            area=village, level=ExitLevel.HOUSEHOLD, state=A.SIGNING, year=year
        )
        .exclude(pk__in=board.running_items(Assessment).values("object_id"))
        .exclude(pk__in=board.held_by_objection(Assessment))
        .select_related("household")
        .order_by("household__group", "household__number")
    )


def assessment_actions(user, assessment: Assessment) -> dict:
    """What the user may do with the assessment now, for its page and the API to offer."""
    prepares = assessment_rules.may_prepare(user, assessment.level, assessment.area_id)
    editable = assessment.state in assessment_rules.EDITABLE
    return {
        "enter": prepares and editable,
        "submit": prepares and editable,
        "sign": signature_rules.may_sign(user, assessment),
        "revoke": assessment.state == A.APPROVED and signature_rules.may_revoke(user, assessment),
    }


def signing_status(assessment: Assessment) -> dict:
    """Where the chain stands: the roles of the round in order (of the chain as set now, before
    the first round), who signed each, and the one it waits for; for a household put to
    signature, whether its notice has cleared."""
    snapshot = signature_rules.current_snapshot(assessment)
    if snapshot is not None:
        codes = snapshot.data["chain"]
    else:
        codes = assessment_rules.chain_of(assessment.level)
    roles = Role.objects.in_bulk(codes)
    signed = {
        s.position: s
        for s in signature_rules.signed_in_round(assessment, snapshot).select_related("role")
    }
    notice = None
    if assessment.level == ExitLevel.HOUSEHOLD and assessment.state == A.SIGNING:
        cleared, why = notice_cleared(assessment)
        notice = {"cleared": cleared, "why": why}
    return {
        "chain": [
            {
                "position": position,
                "role": roles[code],
                "signature": signed.get(position),
                "next": assessment.state == A.SIGNING and position == len(signed) + 1,
            }
            for position, code in enumerate(codes, start=1)
        ],
        "snapshot": snapshot,
        "notice": notice,
    }


# --- the planned-exit list ---------------------------------------------------------------------


@dataclass
class PlannedRow:
    household: Household
    failing: list  # the items it still fails (or cannot yet be judged), with their values
    assessment: Assessment | None


def planned_exits(village: Area, year: int) -> list[PlannedRow]:
    """预脱贫: the village's households planned to exit in `year`, each with the items of its
    standard it still fails, read from the registry now (entered items wait for the check),
    and its assessment under way or done, if any; in a fixed number of queries."""
    households = list(
        Household.objects.filter(village=village, planned_exit_year=year)
        .filter(Q(status=HouseholdStatus.REGISTERED) | Q(exit_year=year))
        .prefetch_related(
            Prefetch(
                "members", queryset=Member.objects.live().order_by("pk"), to_attr="live_members"
            ),
            Prefetch("incomes", queryset=Income.objects.filter(year=year), to_attr="year_income"),
        )
        .order_by("group", "number")
    )
    standard = standard_for(ExitLevel.HOUSEHOLD, village.code, year)
    items = [
        item
        for item in (standard.items.order_by("position") if standard else [])
        if item.source != ItemSource.ENTERED
    ]
    lines = registry_selectors.poverty_lines()
    latest = {
        a.household_id: a
        for a in Assessment.objects.filter(household__in=households, year=year).order_by("pk")
    }
    rows = []
    for household in households:
        failing = []
        if household.status == HouseholdStatus.REGISTERED:
            preview = Assessment(
                level=ExitLevel.HOUSEHOLD, area=village, household=household, year=year
            )
            facts = assessment_rules.Facts(
                preview,
                members=household.live_members,
                income=household.year_income[0] if household.year_income else None,
                lines=lines,
            )
            for item in items:
                value, _number, passed = facts.value_of(item)
                if passed is not True:
                    failing.append({"label": item.label, "value": value})
        rows.append(PlannedRow(household, failing, latest.get(household.pk)))
    return rows


def plan_against_actual(area: Area, year: int) -> dict:
    """How many households were planned to exit in `year` in the area, and how many did."""
    households = scope.within(Household.objects.all(), area.code)
    counts = households.aggregate(
        planned=Count("pk", filter=Q(planned_exit_year=year)),
        exited=Count("pk", filter=Q(exit_year=year, status=HouseholdStatus.EXITED)),
        planned_exited=Count(
            "pk", filter=Q(planned_exit_year=year, exit_year=year, status=HouseholdStatus.EXITED)
        ),
    )
    return counts


# --- incidence -----------------------------------------------------------------------------------


@dataclass
class IncidenceRow:
    incidence: Incidence
    threshold: object  # Decimal or None
    meets: bool | None
    exited: bool


def incidence_table(area: Area, year: int) -> list[IncidenceRow]:
    """The areas one level below `area`, each with its incidence, the threshold of its exit
    standard and whether it meets it, and whether it has exited."""
    found = incidence_below(area, year)
    exited = set(
        Area.objects.filter(
            pk__in=[row.area.pk for row in found], areaexit__revoked=False
        ).values_list("pk", flat=True)
    )
    standards = {}
    rows = []
    for row in found:
        level = AREA_LEVELS.get(row.area.level)
        if level is not None and level not in standards:
            standards[level] = standards_of(level, year)
        rows.append(_with_threshold(row, standards.get(level, []), row.area.pk in exited))
    return rows


def incidence_summary(area: Area, year: int) -> IncidenceRow:
    level = AREA_LEVELS.get(area.level)
    return _with_threshold(
        incidence_of(area, year),
        standards_of(level, year) if level else [],
        area.areaexit_set.filter(revoked=False).exists(),
    )


def _with_threshold(found: Incidence, standards: list, exited: bool) -> IncidenceRow:
    standard = pick(standards, found.area.code)
    item = (
        next((i for i in standard.items.all() if i.source == ItemSource.INCIDENCE), None)
        if standard
        else None
    )
    threshold = item.threshold if item else None
    return IncidenceRow(found, threshold, found.meets(threshold), exited)


def may_start_area(user, area: Area) -> bool:
    level = AREA_LEVELS.get(area.level)
    return level is not None and assessment_rules.may_prepare(user, level, area.code)
