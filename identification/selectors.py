"""Read queries of identification: what a user may see of findings, rosters and jobs."""

from core import scope
from core.choices import Action

from .models import CheckJob, Finding, Roster
from .services.findings import TRANSITIONS


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
        for (start, to), action in TRANSITIONS.items()
        if start == finding.state and scope.allows(user, action, finding.area_code)
    ]


def household_findings(user, household_id: int):
    """A household's findings not yet closed, for its page."""
    return findings_for(user).filter(household_id=household_id).active()
