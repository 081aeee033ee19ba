"""Read queries of identification: what a user may see of findings, rosters and jobs."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core import scope
from core.choices import Action, AreaLevel
from core.models import Area
from core.scope import LEVEL_DIGITS

from .choices import FindingState
from .models import CheckJob, Finding, Roster
from .services import findings as finding_rules
from .services.findings import ASSIGN, transitions_from


def may_assign(user, finding: Finding) -> bool:
    """Whether the user may set the finding's deadline and responsible person (the service's
    rule, for the page to offer the form or not)."""
    return finding.state != FindingState.CLOSED and scope.allows(user, ASSIGN, finding.area_code)


def roster_areas(user):
    """The counties and townships the user may import a roster for (a roster covers one)."""
    areas = Area.objects.filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP])
    return scope.restrict(areas, user, Action.IMPORT)


def findings_for(user):
    return Finding.objects.restrict(user, Action.VIEW).select_related("household", "rule")


def rosters_for(user):
    return Roster.objects.restrict(user, Action.VIEW).select_related("type", "area", "imported_by")


def jobs_for(user):
    """Check jobs run over the whole registry: whoever may start one (approve, somewhere)
    sees them."""
    return CheckJob.objects.all() if scope.reach(user, Action.APPROVE) else CheckJob.objects.none()


def steps_allowed(user, finding: Finding) -> list[str]:
    """The states the user may move the finding to from where it is."""
    return [
        to
        for to, actions in transitions_from(finding).items()
        if any(scope.allows(user, action, finding.area_code) for action in actions)
    ]


def gone_closable(user, findings) -> int:
    """How many of `findings` (a list's filter) the user may close at once, their cause gone."""
    if not scope.reach(user, Action.APPROVE):
        return 0
    return finding_rules.gone_closable(user, findings).count()


def responsible_choices(finding: Finding):
    """Who may answer for a finding: the active holders of a post in its area or an area
    holding it (the village's cadres, the township's and the county's offices)."""
    code = finding.area_code
    digits = len(scope.significant_prefix(code))
    holding = {code[:d].ljust(12, "0") for d in LEVEL_DIGITS.values() if d <= digits}
    return (
        get_user_model()
        .objects.filter(is_active=True, posts__area_id__in=holding)
        .distinct()
        .order_by("username")
    )


# What a finding's evidence says, in the order a reader wants it; the rest (the roster, the
# rule) the page shows as the finding's source.
EVIDENCE_LABELS = {
    "as_of": _("名单日期"),
    "row": _("名单行号"),
    "rows": _("名单行号"),
    "listed_name": _("名单上的姓名"),
    "people": _("保障人口"),
    "year": _("年度"),
    "years": _("年度"),
}


def evidence_rows(finding: Finding) -> list[tuple[str, str]]:
    evidence = finding.evidence or {}
    rows = []
    for key, label in EVIDENCE_LABELS.items():
        value = evidence.get(key)
        if value not in (None, "", []):
            shown = "、".join(map(str, value)) if isinstance(value, list) else str(value)
            rows.append((str(label), shown))
    return rows


def named(findings):
    """The findings, each with `area_name`: the name of the area it is assigned to."""
    findings = list(findings)
    names = dict(
        Area.objects.filter(code__in={f.area_code for f in findings}).values_list("code", "name")
    )
    for finding in findings:
        finding.area_name = names.get(finding.area_code, finding.area_code)
    return findings


def household_findings(user, household_id: int):
    """A household's findings not yet closed, for its page."""
    return findings_for(user).filter(household_id=household_id).active()
