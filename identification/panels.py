"""What identification adds to a household's page: its findings not yet closed."""

from registry.panels import household_panel

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
    may_open = selectors.may_open_application(request.user, household)
    if not listed and not may_open:
        return None
    return {
        "template": "identification/_household_applications.html",
        "applications": listed,
        "may_open": may_open,
    }
