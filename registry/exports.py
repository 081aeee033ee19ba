"""The household list as a background export (core.exports): the same filters, scope,
masking and formula neutralising as the list's synchronous export, read in chunks and written
row by row, so that a county's or a province's list holds no web worker and little memory."""

from django.http import QueryDict

from core.choices import Action
from core.exports import export_kind
from core.presenter import Presenter

from . import ledger, selectors
from .filtersets import filtered_households
from .models import Household


@export_kind("households", filename="households")
def write_households(job, out, progress) -> int:
    _filterset, households = filtered_households(
        QueryDict(job.query), Household.objects.restrict(job.user, Action.EXPORT)
    )
    total = households.count()
    year = selectors.current_income_year()
    return ledger.write_member_ledger(
        selectors.ledger_families(households, year),
        presenter=Presenter(job.user),
        out=out,
        progress=lambda done: progress(done, total),
    )
