"""Pages of public notices: the notices a user may see; publishing one (a village or township
公示, or the county's 公告); a notice with its cases and objections; its print view for the
village board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import scope
from core.errors import ConflictError
from core.forms import add_errors
from registry.selectors import current_income_year

from .. import selectors
from ..choices import NoticeLevel, NoticeState
from ..forms import NoticeForm, ObjectionDecisionForm, ObjectionForm
from ..models import Objection
from ..services import notices

PAGE_SIZE = 25


@login_required
@require_GET
def notice_list(request):
    page = Paginator(selectors.notices_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    levels = [
        (level, label)
        for level, label in NoticeLevel.choices
        if selectors.notice_areas(request.user, level).exists()
    ]
    return render(request, "identification/notice_list.html", {"page": page, "levels": levels})


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request, level: str):
    if level not in NoticeLevel.values:
        raise Http404
    areas = selectors.notice_areas(request.user, level)
    if not areas.exists():
        raise PermissionDenied(_("您的岗位不能发布这一层级的公示。"))
    chosen = request.POST.get("area") or request.GET.get("area") or ""
    if not areas.filter(code=chosen).exists():
        chosen = areas.first().code  # an area the user may not post in is never looked into
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or current_income_year())
    except ValueError:
        year = current_income_year()
    waiting = selectors.publishable(request.user, level, chosen, year)
    form = NoticeForm(
        request.POST or None,
        areas=areas,
        applications=waiting.select_related("household"),
        initial={"area": chosen, "year": year, "applications": list(waiting)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = notices.notice_publish(
                actor=request.user,
                level=level,
                area_code=form.cleaned_data["area"].code,
                year=form.cleaned_data["year"],
                applications=[a.pk for a in form.cleaned_data["applications"]],
                where_to_object=form.cleaned_data["where_to_object"],
                starts_on=form.cleaned_data["starts_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已发布：%(title)s。") % {"title": notice.title})
            return redirect("notice-detail", pk=notice.pk)
    return render(
        request,
        "identification/notice_new.html",
        {"form": form, "level": NoticeLevel(level), "waiting": waiting},
        status=400 if form.errors else 200,
    )


def _notice(request, pk: int):
    return get_object_or_404(selectors.notices_for(request.user), pk=pk)


@login_required
@require_GET
def notice_detail(request, pk: int):
    return _detail_page(request, _notice(request, pk))


def _detail_page(request, notice, objection_form=None, decision_forms=None, status=200):
    may_receive = notice.state != NoticeState.PUBLISHED and any(
        scope.allows(request.user, action, notice.area_id) for action in notices.RECEIVE
    )
    may_decide = notices.rule_for(notice.level).allows(request.user, notice.area_id)
    items = list(selectors.notice_items(notice))
    decision_forms = decision_forms or {}
    listed = list(notice.objections.select_related("item", "recorded_by", "decided_by"))
    subject = notices.SUBJECTS[notice.purpose]
    for item in items:
        item.case_url = subject.case_url(item)
    objections = []
    for objection in listed:
        form = None
        if may_decide and objection.state == "open" and objection.item_id:
            form = decision_forms.get(objection.pk) or ObjectionDecisionForm(
                objection=objection, send_back_choices=subject.send_back_choices(objection.item)
            )
        objections.append((objection, form))
    return render(
        request,
        "identification/notice_detail.html",
        {
            "notice": notice,
            "items": items,
            "objections": objections,
            "objection_form": objection_form
            or (ObjectionForm(notice=notice) if may_receive else None),
        },
        status=status,
    )


@login_required
@require_GET
def notice_print(request, pk: int):
    notice = _notice(request, pk)
    return render(
        request,
        "identification/notice_print.html",
        {"notice": notice, "items": notice.items.filter(withdrawn=False)},
    )


@login_required
@require_POST
def objection_new(request, pk: int):
    notice = _notice(request, pk)
    form = ObjectionForm(request.POST, notice=notice)
    if form.is_valid():
        try:
            notices.objection_record(actor=request.user, notice=notice, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已登记异议。该对象在异议处理完毕前不会进入下一环节。"))
            return redirect("notice-detail", pk=notice.pk)
    return _detail_page(request, notice, objection_form=form, status=400)


@login_required
@require_POST
def objection_decide(request, pk: int):
    objection = get_object_or_404(
        Objection.objects.restrict(request.user).select_related("notice", "item"), pk=pk
    )
    subject = notices.SUBJECTS[objection.notice.purpose]
    form = ObjectionDecisionForm(
        request.POST,
        objection=objection,
        send_back_choices=subject.send_back_choices(objection.item),
    )
    if form.is_valid():
        try:
            notices.objection_decide(
                actor=request.user,
                objection=objection,
                version=form.cleaned_data["version"],
                upheld=form.cleaned_data["upheld"],
                decision=form.cleaned_data["decision"],
                send_back_to=form.cleaned_data.get("send_back_to") or "",
            )
        except ConflictError:
            messages.error(request, _("该异议已被他人处理，页面已更新。"))
            return redirect("notice-detail", pk=objection.notice_id)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已处理异议。"))
            return redirect("notice-detail", pk=objection.notice_id)
    return _detail_page(request, objection.notice, decision_forms={objection.pk: form}, status=400)
