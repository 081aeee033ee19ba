"""Pages of the 12345 procedure: the applications a user may see and where each stands; one
application with its record and the one step the user may do now; opening an application from
a household; the village's reverse ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import scope
from core.access import log_access
from core.choices import Action
from core.errors import ConflictError
from core.forms import add_errors
from core.models import AccessLog, Area
from registry.selectors import current_income_year, households_for

from .. import selectors
from ..choices import Outcome, Step
from ..filtersets import ApplicationFilterSet
from ..forms import ApplicationOpenForm, WithdrawForm, step_form
from ..models import Application, Attachment
from ..services import procedure

PAGE_SIZE = 25


@login_required
@require_GET
def application_list(request):
    filterset = ApplicationFilterSet(
        request.GET or None, queryset=selectors.applications_for(request.user), user=request.user
    )
    applications = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(applications.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "identification/application_list.html",
        {
            "filterset": filterset,
            "page": page,
            "query": query.urlencode(),
            "waiting": selectors.waiting_summary(request.user),
            "mine": set(
                selectors.waiting_for(
                    request.user, Application.objects.filter(pk__in=[a.pk for a in page])
                ).values_list("pk", flat=True)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request, household_pk: int):
    household = get_object_or_404(households_for(request.user), pk=household_pk)
    procedure.ensure_allowed(
        request.user, procedure.OPENING, household.village_id, Step.APPLICATION.label
    )
    form = ApplicationOpenForm(request.POST or None, request.FILES or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            application = procedure.application_open(
                actor=request.user,
                household=household,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                reason=form.cleaned_data["reason"],
                applied_on=form.cleaned_data["applied_on"],
                monitoring_category=form.cleaned_data["monitoring_category"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("已登记申请，下一步：%(step)s。") % {"step": Step.INCOME_CHECK.label}
            )
            return redirect("application-detail", pk=application.pk)
    return render(
        request,
        "identification/application_new.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


def _application(request, pk: int):
    return get_object_or_404(selectors.applications_for(request.user), pk=pk)


@login_required
@require_GET
def application_detail(request, pk: int):
    application = _application(request, pk)
    log_access(request, AccessLog.Kind.VIEW, str(application))
    return _detail_page(request, application)


def _detail_page(request, application, form=None, withdraw=None, status=200):
    rule = procedure.rule_of(application.step)
    acting = procedure.may_act(request.user, application)
    if form is None and acting and rule.outcomes:
        form = step_form(application)
    if (
        withdraw is None
        and rule
        and procedure.WITHDRAWAL.allows(request.user, application.village_id)
    ):
        withdraw = WithdrawForm(application=application)
    return render(
        request,
        "identification/application_detail.html",
        {
            "application": application,
            "records": [
                _with_facts(record) for record in selectors.application_records(application)
            ],
            "rule": rule,
            "acting": acting,
            "form": form,
            "withdraw": withdraw,
            "figures": selectors.income_figures(application),
            "blocking": selectors.blocking(application),
        },
        status=status,
    )


def _with_facts(record):
    record.facts = selectors.record_facts(record)
    return record


@login_required
@require_POST
def application_step(request, pk: int):
    application = _application(request, pk)
    withdrawing = request.POST.get("outcome") == Outcome.WITHDRAWN
    if withdrawing:
        form = WithdrawForm(request.POST, application=application)
    elif procedure.may_act(request.user, application):
        form = step_form(application, request.POST, request.FILES)
    else:
        raise PermissionDenied(_("当前环节不由您的岗位办理。"))
    page = {"withdraw": form} if withdrawing else {"form": form}
    if not form.is_valid():
        return _detail_page(request, application, status=400, **page)
    try:
        procedure.application_step(
            actor=request.user,
            application=application,
            version=form.cleaned_data["version"],
            outcome=Outcome.WITHDRAWN if withdrawing else form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            data={} if withdrawing else form.step_data(),
            send_back_to=form.cleaned_data.get("send_back_to") or "",
            files=form.cleaned_data.get("files") or (),
        )
    except ConflictError:
        messages.error(request, _("该申请已被他人办理，页面已更新，请查看后再操作。"))
    except ValidationError as error:
        add_errors(form, error)
        application.refresh_from_db()
        return _detail_page(request, application, status=400, **page)
    else:
        application.refresh_from_db()
        messages.success(
            request, _("已办理。当前环节：%(step)s。") % {"step": application.get_step_display()}
        )
    return redirect("application-detail", pk=application.pk)


@login_required
@require_GET
def attachment(request, pk: int):
    attachment = get_object_or_404(
        Attachment.objects.select_related("record__application"),
        pk=pk,
        record__application__in=selectors.applications_for(request.user),
    )
    log_access(request, AccessLog.Kind.VIEW, _("附件 %(name)s") % {"name": attachment.name})
    return FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.name
    )


@login_required
@require_http_methods(["GET", "POST"])
def ranking(request):
    """三比 for a village and year: the order the ranking will give, and its confirmation."""
    village = get_object_or_404(
        scope.restrict(Area.objects.filter(level="village"), request.user, Action.VIEW),
        code=request.GET.get("village", ""),
    )
    try:
        year = int(request.GET.get("year") or current_income_year())
    except ValueError:
        return HttpResponseBadRequest(_("年度须是整数。"))
    if request.method == "POST":
        try:
            ranked = procedure.ranking_confirm(
                actor=request.user,
                village_code=village.code,
                year=year,
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已确认 %(n)s 户的倒序排名。") % {"n": len(ranked)})
        return redirect(f"{request.path}?village={village.code}&year={year}")
    return render(
        request,
        "identification/ranking.html",
        {**selectors.ranking(request.user, village.code, year), "village": village},
    )
