"""What identification adds to a household's page (its findings not yet closed, its
applications) and to the home page (what waits for the user in the 12345 procedure)."""

from registry.panels import home_panel, household_panel

from . import selectors


@household_panel
def open_findings(request, household):
    findings = list(selectors.household_findings(request.user, household.pk)[:20])
    if not findings:
        return None
    return {"template": "identification/_household_findings.html", "findings": findings}


@household_panel
def applications(request, household):
    listed = list(selectors.household_applications(household)[:10])
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
