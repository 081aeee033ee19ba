"""What exit verification adds to the home page (assessments waiting for the user's signature,
or sent back to be checked again) and to a household's page (its exit assessments)."""

from django.db.models import Exists, OuterRef

from registry.panels import home_panel, household_fact, household_panel

from . import selectors
from .models import Assessment

household_fact(
    "has_exit_assessments",
    lambda: Exists(Assessment.objects.filter(household_id=OuterRef("pk"))),
)


@home_panel
def signing(request):
    awaiting = selectors.awaiting_signature(request.user, limit=20)
    returned = selectors.returned_to(request.user, limit=20)
    if not awaiting and not returned:
        return None
    return {
        "template": "verification/_home_signing.html",
        "awaiting": awaiting,
        "returned": returned,
    }


@household_panel
def exit_assessments(request, household):
    if not getattr(household, "has_exit_assessments", True):
        return None
    listed = list(household.exit_assessments.order_by("-pk")[:5])
    if not listed:
        return None
    return {"template": "verification/_household_exits.html", "assessments": listed}
