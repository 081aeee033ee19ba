"""Pages of identification: the findings list (问题清单) and a finding's page with its
lifecycle actions, rosters and their versions, and check jobs with their progress. Thin: the
selectors read, the services change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import scope
from core.access import log_access
from core.choices import Action
from core.errors import ConflictError
from core.models import AccessLog
from core.presenter import Presenter
from core.views import is_htmx

from .. import exports, selectors
from ..choices import FindingState
from ..filtersets import FindingFilterSet
from ..forms import FindingAssignForm
from ..services import finding_assign, finding_transition, findings_close_gone
from ..services.findings import NEEDS_NOTE
from ..services.jobs import check_job_start

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request):
    filterset = FindingFilterSet(
        request.GET or None, queryset=selectors.findings_for(request.user), user=request.user
    )
    return filterset, (filterset.qs if filterset.is_bound else filterset.queryset)


@login_required
@require_GET
def finding_list(request):
    filterset, findings = _filtered(request)
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    presenter = Presenter(request.user)
    page.object_list = selectors.named(presenter.row(f, f.area_code) for f in page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/finding_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "gone_closable": selectors.gone_closable(request.user, findings),
        },
    )


@login_required
@require_POST
def findings_close_gone_view(request):
    """销号 every finding of the list's filter whose cause has gone, as the post may."""
    filterset, findings = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponseBadRequest(_("筛选条件有误，未销号。"))
    closed = findings_close_gone(actor=request.user, findings=findings)
    if closed:
        messages.success(request, _("已将 %(n)s 个已消失的问题销号。") % {"n": closed})
    else:
        messages.error(request, _("没有可以由您销号的已消失问题。"))
    return redirect(f"{reverse('finding-list')}?{request.GET.urlencode()}")


@login_required
@require_GET
def finding_export(request):
    scope.ensure_somewhere(request.user, Action.EXPORT, _("您的岗位不能导出数据。"))
    filterset, findings = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponseBadRequest(_("筛选条件有误，未导出。"))
    findings = findings.restrict(request.user, Action.EXPORT)
    log_access(
        request,
        AccessLog.Kind.EXPORT,
        _("问题清单 %(filters)s") % {"filters": request.GET.urlencode()},
        findings.count(),
    )
    presenter = Presenter(request.user)
    content = exports.write_findings(
        selectors.named(presenter.row(f, f.area_code) for f in findings.iterator())
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="findings-{stamp}.xlsx"'
    return response


def _finding(request, pk: int):
    findings = selectors.findings_for(request.user).select_related(
        "roster__type", "roster__area", "responsible"
    )
    return get_object_or_404(findings, pk=pk)


@login_required
@require_GET
def finding_detail(request, pk: int):
    finding = _finding(request, pk)
    log_access(request, AccessLog.Kind.VIEW, _("问题 %(pk)s") % {"pk": pk})
    return _detail_page(request, finding)


def _detail_page(request, finding, assign=None):
    if assign is None and selectors.may_assign(request.user, finding):
        assign = FindingAssignForm(finding=finding)
    steps = selectors.steps_allowed(request.user, finding)
    return render(
        request,
        "identification/finding_detail.html",
        {
            "finding": selectors.named([Presenter(request.user).row(finding, finding.area_code)])[
                0
            ],
            "steps": [(to, FindingState(to).label, to in NEEDS_NOTE) for to in steps],
            "needs_note": bool(NEEDS_NOTE & set(steps)),
            "assign": assign,
            "evidence": selectors.evidence_rows(finding),
        },
    )


@login_required
@require_POST
def finding_assign_view(request, pk: int):
    """整改期限 and 责任人, set by the office over the finding's area."""
    finding = _finding(request, pk)
    form = FindingAssignForm(request.POST, finding=finding)
    if not form.is_valid():
        return _detail_page(request, finding, form)
    try:
        finding_assign(
            actor=request.user,
            finding=finding,
            version=form.cleaned_data["version"],
            deadline=form.cleaned_data["deadline"],
            responsible=form.cleaned_data["responsible"],
        )
    except ConflictError:
        messages.error(request, _("该问题已被他人处理，页面已更新，请查看后再操作。"))
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _detail_page(request, finding, form)
    else:
        messages.success(request, _("已更新。"))
    return redirect("finding-detail", pk=finding.pk)


@login_required
@require_POST
def finding_step(request, pk: int):
    finding = _finding(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("缺少版本号。"))
    try:
        finding_transition(
            actor=request.user,
            finding=finding,
            to=request.POST.get("to", ""),
            version=version,
            note=request.POST.get("note", ""),
        )
    except ConflictError:
        messages.error(request, _("该问题已被他人处理，页面已更新，请查看后再操作。"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已更新。"))
    return redirect("finding-detail", pk=finding.pk)


@login_required
@require_GET
def roster_list(request):
    rosters = selectors.rosters_for(request.user)
    page = Paginator(rosters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "identification/roster_list.html",
        {
            "page": page,
            "can_import": selectors.roster_areas(request.user).exists(),
            "can_start": bool(scope.reach(request.user, Action.APPROVE)),
            "jobs": selectors.jobs_for(request.user)[:10],
        },
    )


@login_required
@require_POST
def check_start(request):
    try:
        job = check_job_start(actor=request.user, kind=request.POST.get("kind", ""))
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    return redirect("check-job", pk=job.pk)


@login_required
@require_GET
def check_job(request, pk: int):
    job = get_object_or_404(selectors.jobs_for(request.user), pk=pk)
    template = (
        "identification/_check_job.html" if is_htmx(request) else "identification/check_job.html"
    )
    return render(request, template, {"job": job})
