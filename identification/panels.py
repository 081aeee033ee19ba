"""What identification adds to a household's page (its findings not yet closed, its
applications) and to the home page (what waits for the user in the 12345 procedure)."""

from django.db.models import Exists, OuterRef

from registry.panels import home_panel, household_fact, household_panel

from . import selectors
from .models import Application, Finding

household_fact(
    "has_open_findings",
    lambda: Exists(Finding.objects.active().filter(household_id=OuterRef("pk"))),
)
household_fact(
    "has_applications", lambda: Exists(Application.objects.filter(household_id=OuterRef("pk")))
)


@household_panel
def open_findings(request, household):
    if not getattr(household, "has_open_findings", True):
        return None
    findings = list(selectors.household_findings(request.user, household.pk)[:20])
    if not findings:
        return None
    return {"template": "identification/_household_findings.html", "findings": findings}


@household_panel
def applications(request, household):
    listed = (
        list(selectors.household_applications(household)[:10])
        if getattr(household, "has_applications", True)
        else []
    )
    may_open = selectors.may_open_application(request.user, household, listed)
    if not listed and not may_open:
        return None
    return {
        "template": "identification/_household_applications.html",
        "applications": listed,
        "may_open": may_open,
    }


@home_panel
def waiting(request):
    rows = selectors.waiting_summary(request.user)
    objections = selectors.open_objections(request.user)
    if not rows and not objections:
        return None
    return {
        "template": "identification/_home_waiting.html",
        "rows": rows,
        "objections": objections,
    }
