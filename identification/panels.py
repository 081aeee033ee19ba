"""What identification adds to a household's page: its findings not yet closed."""

from registry.panels import household_panel

from . import selectors


@household_panel
def open_findings(request, household):
    findings = list(selectors.household_findings(request.user, household.pk)[:20])
    if not findings:
        return None
    return {"template": "identification/_household_findings.html", "findings": findings}
