"""Check jobs: a cross-match or re-check run in the background (Celery), one at a time per
kind, with progress and a result the page shows; the command line runs the same."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import locks, scope
from core.choices import Action
from registry.models import Household

from ..models import CheckJob, Finding
from .matching import MatchResult, cross_match
from .rechecks import recheck

logger = logging.getLogger(__name__)
State = CheckJob.State
# How many of the findings a run opened its job keeps for the page (all are in the list).
RESULT_FINDINGS = 200


def check_job_start(*, actor, kind: str, options: dict | None = None) -> CheckJob:
    """Queue a run; the county office (or anyone who may approve somewhere) starts one."""
    scope.ensure_somewhere(actor, Action.APPROVE, _("您的岗位不能发起核查任务。"))
    if kind not in CheckJob.Kind.values:
        raise ValidationError({"kind": _("没有这种核查任务。")})
    from ..tasks import run_check_job

    job = CheckJob.objects.create(kind=kind, options=options or {}, user=actor)
    transaction.on_commit(lambda: run_check_job.delay(job.pk))
    return job


def check_job_run(job: CheckJob) -> MatchResult | None:
    """Run a job now (a worker, or the command line): alone, or not at all. Returns what the
    run found, or None when it did not run."""
    with locks.alone(f"identification.{job.kind}") as held:
        if not held:
            _finish(job, State.BUSY, {"error": _("同类任务正在运行，本次未运行。")})
            return None
        CheckJob.objects.filter(pk=job.pk).update(state=State.RUNNING, progress=1)
        try:
            if job.kind == CheckJob.Kind.RECHECK:
                result = recheck(rules=job.options.get("rules"), progress=_progress(job))
            else:
                result = cross_match(types=job.options.get("types"), progress=_progress(job))
        except Exception:
            logger.exception("check job %s failed", job.pk)
            _finish(job, State.FAILED, {"error": _("任务运行时发生内部错误，请联系系统管理员。")})
            return None
        summary = {
            "opened": len(result.opened),
            "still_open": result.still_open,
            "resolved": result.resolved,
            "checked": result.checked,
            "findings": findings_said(result.opened[:RESULT_FINDINGS]),
        }
        _finish(job, State.DONE, summary)
    return result


def findings_said(findings: list[Finding]) -> list[dict]:
    """Findings as the command prints them: what, who (the ID number in full), where."""
    numbers = dict(
        Household.objects.filter(
            pk__in={f.household_id for f in findings if f.household_id}
        ).values_list("pk", "number")
    )
    return [
        {
            "kind": finding.kind,
            "id_number": finding.id_number or None,
            "name": finding.name,
            "household": numbers.get(finding.household_id),
            "village": finding.area_code,
            "message": finding.message,
        }
        for finding in findings
    ]


def _progress(job: CheckJob):
    def progress(percent: int) -> None:
        CheckJob.objects.filter(pk=job.pk).update(progress=max(1, min(99, percent)))

    return progress


def _finish(job: CheckJob, state: str, result: dict) -> None:
    job.state, job.result, job.progress = state, result, 100
    job.finished_at = timezone.now()
    CheckJob.objects.filter(pk=job.pk).update(
        state=state, result=result, progress=100, finished_at=job.finished_at
    )
