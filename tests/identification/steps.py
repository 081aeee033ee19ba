"""Taking applications through the 12345 procedure in tests: the data each step wants."""

from decimal import Decimal

from django.utils import timezone

from identification.choices import ApplicationKind, Outcome, Step
from identification.demo import photo
from identification.services import procedure
from registry import services

from ..conftest import VILLAGE_A
from ..factories import make_household

CHECKLIST = {code: "met" for code in procedure.CONDITIONS} | {"housing": "not_met"}
TODAY = timezone.localdate()
VOTES = {
    "held_on": TODAY.isoformat(),
    "representatives": 30,
    "present": 21,
    "in_favour": 15,
    "against": 4,
    "abstained": 2,
    "read_out": True,
}


def applying(
    actor,
    *,
    village=VILLAGE_A,
    year,
    net="6000",
    kind=ApplicationKind.ENTRY,
    status="applicant",
    **more,
):
    """A household (an applicant unless told) with its income of `year`, and its application."""
    household = make_household(village=village, actor=actor, status=status)
    services.income_record(
        actor=actor, household=household, year=year, data={"wage_income": Decimal(net)}
    )
    return procedure.application_open(
        actor=actor, household=household, kind=kind, year=year, reason="因病致贫", **more
    )


def do(actor, application, outcome=Outcome.PASSED, **kwargs):
    """Do the application's current step; 二看 passes with a photo unless told otherwise."""
    application.refresh_from_db()
    rule = procedure.rule_of(application.step)
    if rule is not None and rule.photos and outcome == Outcome.PASSED:
        kwargs.setdefault("files", [photo()])
    return procedure.application_step(
        actor=actor, application=application, version=application.version, outcome=outcome, **kwargs
    )


def through_village_reviews(cadre, application):
    """From wherever it is to the cross-match: 一核, 二看, 三比, 小组初评, 村两委审议."""
    return advance(cadre, application, Step.CROSS_MATCH)


def advance(actor, application, until: str, *, township=None, county=None):
    """Do each step with passing data until the application waits at `until` (a notice step
    is left to its notice)."""
    meeting = {"held_on": TODAY.isoformat(), "present": 12}
    data = {
        Step.CONDITIONS_CHECK: CHECKLIST,
        Step.GROUP_REVIEW: meeting,
        Step.COMMITTEE_REVIEW: meeting,
        Step.ASSEMBLY_VOTE: VOTES,
    }
    by = {Step.TOWNSHIP_REVIEW: township, Step.COUNTY_REVIEW: county}
    application.refresh_from_db()
    while application.step != until:
        if application.step == Step.RANKING:
            procedure.ranking_confirm(
                actor=actor, village_code=application.village_id, year=application.year
            )
        else:
            do(
                by.get(application.step) or actor,
                application,
                data=data.get(application.step),
            )
        application.refresh_from_db()
    return application
