"""Pages of exit verification: the assessments a user may see and those waiting for their
signature; the planned-exit list of a village; an assessment with its items, evidence,
snapshot and signatures, and the one thing the user may do now; its printable sign-off sheet;
the exit notice; the incidence table by area; the county's check of every chain."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import scope
from core.access import log_access
from core.choices import Action, AreaLevel
from core.errors import ConflictError
from core.forms import add_errors
from core.models import AccessLog, Area
from registry.selectors import current_income_year, households_for

from . import selectors
from .choices import AssessmentState, ExitLevel
from .forms import ExitNoticeForm, ItemForm, RevokeForm, SignForm
from .models import Assessment, Evidence
from .services import assessments as assessment_rules
from .services import signatures as signature_rules
from .services.notices import exit_notice_publish

PAGE_SIZE = 25


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or current_income_year())
    except ValueError:
        return current_income_year()


def _area(request, level: str | None = None, name: str = "area") -> Area:
    areas = scope.restrict(Area.objects.all(), request.user, Action.VIEW)
    if level:
        areas = areas.filter(level=level)
    code = request.GET.get(name) or request.POST.get(name) or ""
    return get_object_or_404(areas, code=code)


@login_required
@require_GET
def assessment_list(request):
    found = selectors.assessments_for(request.user)
    state = request.GET.get("state", "")
    if state in AssessmentState.values:
        found = found.filter(state=state)
    level = request.GET.get("level", "")
    if level in ExitLevel.values:
        found = found.filter(level=level)
    page = Paginator(found.order_by("-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    villages = scope.restrict(
        Area.objects.filter(level=AreaLevel.VILLAGE), request.user, Action.VIEW
    )
    home = (
        scope.restrict(Area.objects.exclude(level=AreaLevel.VILLAGE), request.user, Action.VIEW)
        .order_by("code")
        .first()
    )
    return render(
        request,
        "verification/assessment_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "states": AssessmentState.choices,
            "levels": ExitLevel.choices,
            "state": state,
            "level": level,
            "awaiting": selectors.awaiting_signature(request.user),
            "returned": selectors.returned_to(request.user),
            "first_village": villages.order_by("code").first(),
            "top_area": home or villages.order_by("code").first(),
            "may_check_chains": scope.reach(request.user, Action.APPROVE),
        },
    )


@login_required
@require_GET
def planned(request):
    """预脱贫: the village's real-name list of households planned to exit in a year."""
    village = _area(request, AreaLevel.VILLAGE, "village")
    year = _year(request)
    return render(
        request,
        "verification/planned.html",
        {
            "village": village,
            "year": year,
            "rows": selectors.planned_exits(village, year),
            "plan": selectors.plan_against_actual(village, year),
            "may_start": assessment_rules.may_prepare(
                request.user, ExitLevel.HOUSEHOLD, village.code
            ),
        },
    )


@login_required
@require_POST
def assessment_start(request):
    """开始验收: one household, a village's planned batch, or an area."""
    year = _year(request)
    try:
        if request.POST.get("household"):
            household = get_object_or_404(
                households_for(request.user), pk=_integer(request.POST["household"])
            )
            assessment = assessment_rules.assessment_start(
                actor=request.user, household=household, year=year
            )
            return redirect("assessment-detail", pk=assessment.pk)
        if request.POST.get("batch"):
            village = _area(request, AreaLevel.VILLAGE, "village")
            started, skipped = assessment_rules.assessments_start_for_village(
                actor=request.user, village=village, year=year
            )
            messages.success(request, _("已开始 %(n)s 户的退出验收。") % {"n": len(started)})
            for household, why in skipped:
                messages.error(
                    request,
                    _("%(name)s（%(number)s）未能开始：%(why)s")
                    % {"name": household.head_name, "number": household.number, "why": why},
                )
            return redirect(f"/exits/planned/?village={village.code}&year={year}")
        area = _area(request)
        level = selectors.AREA_LEVELS.get(area.level)
        if level is None:
            raise Http404
        assessment = assessment_rules.assessment_start(
            actor=request.user, level=level, area=area, year=year
        )
        return redirect("assessment-detail", pk=assessment.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "assessment-list"
    return redirect(back)


def _integer(value: str) -> int:
    if not value.isdigit():
        raise Http404
    return int(value)


def _assessment(request, pk: int) -> Assessment:
    return get_object_or_404(selectors.assessments_for(request.user), pk=pk)


@login_required
@require_GET
def assessment_detail(request, pk: int):
    assessment = _assessment(request, pk)
    log_access(request, AccessLog.Kind.VIEW, str(assessment))
    return _detail_page(request, assessment)


def _detail_page(
    request, assessment, item_forms=None, sign_form=None, revoke_form=None, status=200
):
    actions = selectors.assessment_actions(request.user, assessment)
    items = list(selectors.assessment_items(assessment))
    item_forms = item_forms or {}
    rows = [
        (
            item,
            item_forms.get(item.pk)
            or (ItemForm(item=item, assessment=assessment) if actions["enter"] else None),
        )
        for item in items
    ]
    statement = str(signature_rules.STATEMENT)
    signing = selectors.signing_status(assessment)
    snapshot = signing["snapshot"]
    return render(
        request,
        "verification/assessment_detail.html",
        {
            "signing": signing,
            "snapshot_json": json.dumps(snapshot.data, ensure_ascii=False, indent=2)
            if snapshot
            else "",
            "assessment": assessment,
            "rows": rows,
            "actions": actions,
            "signatures": selectors.assessment_signatures(assessment),
            "sign_form": sign_form
            or (SignForm(assessment=assessment, statement=statement) if actions["sign"] else None),
            "revoke_form": revoke_form
            or (
                RevokeForm(assessment=assessment, findings=_findings(request, assessment))
                if actions["revoke"]
                else None
            ),
        },
        status=status,
    )


def _findings(request, assessment):
    return selectors.revocation_findings(request.user, assessment)


@login_required
@require_POST
def item_enter(request, pk: int, item_pk: int):
    assessment = _assessment(request, pk)
    item = get_object_or_404(assessment.items, pk=item_pk)
    form = ItemForm(request.POST, request.FILES, item=item, assessment=assessment)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            assessment_rules.item_enter(actor=request.user, item=item, **data)
        except ConflictError:
            messages.error(request, _("该验收已被他人修改，页面已更新，请查看后再操作。"))
            return redirect("assessment-detail", pk=pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("已记录“%(item)s”的核查情况。") % {"item": item.label})
            return redirect(f"/exits/{pk}/#item-{item.pk}")
    return _detail_page(request, assessment, item_forms={item.pk: form}, status=400)


@login_required
@require_POST
def assessment_act(request, pk: int, act: str):
    """核查更新, 提交签字, 签字 or 拒签, 撤销: each a service, each refused by it as it must be."""
    assessment = _assessment(request, pk)
    statement = str(signature_rules.STATEMENT)
    form = None
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        if act == "refresh":
            assessment_rules.assessment_refresh(
                actor=request.user, assessment=assessment, version=version
            )
            messages.success(request, _("已按最新档案重新核对。"))
        elif act == "submit":
            assessment_rules.assessment_submit(
                actor=request.user, assessment=assessment, version=version
            )
            messages.success(request, _("已提交签字确认。"))
        elif act in ("sign", "refuse"):
            form = SignForm(request.POST, assessment=assessment, statement=statement)
            if not form.is_valid():
                return _detail_page(request, assessment, sign_form=form, status=400)
            signature_rules.assessment_sign(
                actor=request.user,
                assessment=assessment,
                version=form.cleaned_data["version"],
                affirmed=form.cleaned_data["affirmed"],
                refuse=act == "refuse",
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, _("已拒签，验收已退回。") if act == "refuse" else _("已签字。")
            )
        elif act == "revoke":
            form = RevokeForm(
                request.POST, assessment=assessment, findings=_findings(request, assessment)
            )
            if not form.is_valid():
                return _detail_page(request, assessment, revoke_form=form, status=400)
            signature_rules.assessment_revoke(
                actor=request.user, assessment=assessment, **form.cleaned_data
            )
            messages.success(request, _("已撤销该退出。"))
        else:
            raise Http404
    except ConflictError:
        messages.error(request, _("该验收已被他人办理，页面已更新，请查看后再操作。"))
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
        else:
            add_errors(form, error)
            assessment.refresh_from_db()
            page = {"sign_form": form} if act in ("sign", "refuse") else {"revoke_form": form}
            return _detail_page(request, assessment, status=400, **page)
    return redirect("assessment-detail", pk=pk)


@login_required
@require_GET
def sign_off_sheet(request, pk: int):
    """验收表: the assessment, its items and every signature of its last round, for print."""
    assessment = _assessment(request, pk)
    log_access(request, AccessLog.Kind.VIEW, _("验收表 %(a)s") % {"a": assessment})
    signing = selectors.signing_status(assessment)
    snapshot = signing["snapshot"]
    return render(
        request,
        "verification/sheet.html",
        {
            "assessment": assessment,
            # What was signed for, once put to signature; before, what is being checked.
            "items": snapshot.data["items"] if snapshot else selectors.assessment_items(assessment),
            "signing": signing,
            "statement": signature_rules.STATEMENT,
        },
    )


@login_required
@require_GET
def evidence(request, pk: int):
    found = get_object_or_404(
        Evidence.objects.select_related("item__assessment"),
        pk=pk,
        item__assessment__in=selectors.assessments_for(request.user),
    )
    log_access(request, AccessLog.Kind.VIEW, _("佐证材料 %(name)s") % {"name": found.name})
    return FileResponse(found.file.open("rb"), content_type=found.content_type, filename=found.name)


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    """The village's exit notice: the households put to signature, for at least seven days."""
    village = _area(request, AreaLevel.VILLAGE, "village")
    year = _year(request)
    if not assessment_rules.may_prepare(request.user, ExitLevel.HOUSEHOLD, village.code):
        raise PermissionDenied(_("您的岗位不能发布该村的公示。"))
    waiting = selectors.noticeable(village, year)
    form = ExitNoticeForm(
        request.POST or None, assessments=waiting, initial={"assessments": list(waiting)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = exit_notice_publish(
                actor=request.user,
                village_code=village.code,
                year=year,
                assessments=[a.pk for a in form.cleaned_data["assessments"]],
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
        "verification/notice_new.html",
        {"form": form, "village": village, "year": year, "waiting": waiting},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def incidence(request):
    """贫困发生率 by area for a year, with the threshold each must get below, drilling down
    from the county to its townships and villages."""
    areas = scope.restrict(Area.objects.all(), request.user, Action.VIEW)
    code = request.GET.get("area") or ""
    # Another area, or none named: the user's own widest area (a cadre's village).
    area = areas.filter(code=code).first() or min(
        areas.order_by("code")[:200],
        key=lambda a: len(scope.significant_prefix(a.code)),
        default=None,
    )
    if area is None:
        raise Http404
    year = _year(request)
    rows = selectors.incidence_table(area, year)
    return render(
        request,
        "verification/incidence.html",
        {
            "area": area,
            "year": year,
            "summary": selectors.incidence_summary(area, year),
            "rows": [
                (row, selectors.may_start_area(request.user, row.incidence.area)) for row in rows
            ],
            "may_start_here": selectors.may_start_area(request.user, area),
            "parent": area.parent
            if area.parent_id and areas.filter(pk=area.parent_id).exists()
            else None,
        },
    )


@login_required
@require_GET
def chains(request):
    """The county office's check of every sign-off chain in its areas."""
    if not scope.reach(request.user, Action.APPROVE):
        raise PermissionDenied(_("签字链核验由县扶贫办查看。"))
    scoped = Assessment.objects.restrict(request.user, Action.APPROVE)
    report = signature_rules.verify_chains(scoped)
    return render(request, "verification/chains.html", {"report": report})
