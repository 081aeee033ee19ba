"""Pages of complaints (信访举报): the list a user may see, receiving one, and a complaint with
the step the user may take: assign, start checking, answer, open an application."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ConflictError
from core.forms import add_errors
from registry.selectors import households_for

from .. import selectors
from ..forms import ComplaintAnswerForm, ComplaintAssignForm, ComplaintForm
from ..services import complaints

PAGE_SIZE = 25


@login_required
@require_GET
def complaint_list(request):
    found = selectors.complaints_for(request.user)
    if request.GET.get("open") == "true":
        found = found.open()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "identification/complaint_list.html",
        {
            "page": page,
            "may_receive": selectors.complaint_areas(request.user).exists(),
            "open_only": request.GET.get("open") == "true",
            "query": "open=true" if request.GET.get("open") == "true" else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    areas = selectors.complaint_areas(request.user)
    if not areas.exists():
        raise PermissionDenied(_("您的岗位不能登记信访举报。"))
    households = households_for(request.user)
    initial = {}
    if request.GET.get("household", "").isdigit():
        household = households.filter(pk=request.GET["household"]).first()
        initial = {"household_number": household.number} if household else {}
    form = ComplaintForm(request.POST or None, areas=areas, households=households, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("household_number")
        try:
            complaint = complaints.complaint_record(actor=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已登记%(complaint)s。") % {"complaint": complaint})
            return redirect("complaint-detail", pk=complaint.pk)
    return render(
        request,
        "identification/complaint_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _complaint(request, pk: int):
    return get_object_or_404(selectors.complaints_for(request.user), pk=pk)


@login_required
@require_GET
def complaint_detail(request, pk: int):
    return _detail_page(request, _complaint(request, pk))


def _detail_page(request, complaint, forms=None, status=200):
    allowed = selectors.complaint_actions(request.user, complaint)
    forms = forms or {}
    return render(
        request,
        "identification/complaint_detail.html",
        {
            "complaint": complaint,
            "allowed": allowed,
            "assign_form": forms.get("assign")
            or (ComplaintAssignForm(complaint=complaint) if allowed["assign"] else None),
            "answer_form": forms.get("answer")
            or (ComplaintAnswerForm(complaint=complaint) if allowed["answer"] else None),
            "applications": complaint.applications.all(),
        },
        status=status,
    )


@login_required
@require_POST
def complaint_act(request, pk: int, act: str):
    """交办, 开始核查, 答复, 据此提出申请: each a service, each refused by it as it must be."""
    complaint = _complaint(request, pk)
    forms = {
        "assign": lambda: ComplaintAssignForm(request.POST, complaint=complaint),
        "answer": lambda: ComplaintAnswerForm(request.POST, complaint=complaint),
    }
    form = forms[act]() if act in forms else None
    if form is not None and not form.is_valid():
        return _detail_page(request, complaint, {act: form}, status=400)
    try:
        if act == "assign":
            complaints.complaint_assign(
                actor=request.user, complaint=complaint, **form.cleaned_data
            )
        elif act == "answer":
            complaints.complaint_answer(
                actor=request.user, complaint=complaint, **form.cleaned_data
            )
        elif act == "check":
            complaints.complaint_check(
                actor=request.user, complaint=complaint, version=request.POST.get("version")
            )
        elif act == "application":
            application = complaints.complaint_open_application(
                actor=request.user, complaint=complaint
            )
            messages.success(request, _("已据此提出申请。"))
            return redirect("application-detail", pk=application.pk)
        else:
            raise PermissionDenied
    except ConflictError:
        messages.error(request, _("该信访举报已被他人办理，页面已更新，请查看后再操作。"))
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
        else:
            add_errors(form, error)
            return _detail_page(request, complaint, {act: form}, status=400)
    else:
        messages.success(request, _("已办理。"))
    return redirect("complaint-detail", pk=complaint.pk)
