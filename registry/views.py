"""The registry pages. Thin: every object comes through the user's scope (another area's
household is a 404), every change goes through a service, and the services' errors are shown at
the field they concern."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import idnumbers, scope
from core.access import log_access
from core.choices import Action, AreaLevel
from core.errors import ConflictError
from core.exports import export_job_start
from core.forms import changed_values, error_summary, opened_values
from core.models import AccessLog, Area
from core.paging import Paginator
from core.presenter import Presenter
from core.views import is_htmx

from . import ledger, selectors, services
from .choices import HouseholdStatus, Relation
from .filtersets import filtered_households as filterset_filtered
from .forms import (
    INCOME_FORM_FIELDS,
    MONEY_FIELDS,
    ChangeHeadForm,
    HouseholdForm,
    IncomeForm,
    MemberForm,
    MemberFormSet,
    MemberLeaveForm,
)
from .imports import template
from .models import Household, Income, Member
from .panels import home_panels_for, panels_for

PAGE_SIZE = 25


def _household(request, pk: int) -> Household:
    return get_object_or_404(selectors.households_for(request.user), pk=pk)


def _access_label(household: Household, what: str = "") -> str:
    return " ".join(part for part in (str(what), household.number, household.head_name) if part)


def _editable_household(request, pk: int) -> Household:
    household = _household(request, pk)
    if not scope.allows(request.user, Action.EDIT, household.village_id):
        raise PermissionDenied(_("您的岗位只能查看该户，不能修改。"))
    return household


def show_errors(error: ValidationError, form, member_forms=()) -> None:
    """Put a service's errors at their fields: "members.2.id_number" lands on the third member."""
    for key, messages_ in error.message_dict.items():
        target, field = form, key
        if key.startswith("members."):
            _members, index, field = key.split(".", 2)
            target = member_forms[int(index)]
        elif key in ("members", "__all__"):
            field = None
        if field is not None and (field not in target.fields or target[field].is_hidden):
            field = None
        for message in messages_:
            target.add_error(field, message)


def run_service(change, form, member_forms=()) -> bool:
    """Call a service for a valid form; its errors go to the form's fields. True when it worked."""
    try:
        change()
    except ValidationError as error:
        show_errors(error, form, member_forms)
        return False
    except ConflictError as error:
        # A one-step change (leave, change of head) has nothing to merge: the user looks again.
        form.add_error(None, str(error))
        return False
    return True


def conflict_rows(form, current, names) -> list[dict]:
    """The fields this user changed that someone else changed too, with both values."""
    rows = []
    for name in names:
        if name not in form.fields:
            continue
        theirs = getattr(current, name)
        if hasattr(theirs, "all"):
            theirs = "、".join(str(item) for item in theirs.all())
        elif hasattr(current, f"get_{name}_display"):
            theirs = getattr(current, f"get_{name}_display")()
        rows.append(
            {"label": form.fields[name].label, "yours": form.cleaned_data[name], "theirs": theirs}
        )
    return rows


def show_conflict(error: ConflictError, form) -> dict:
    """Shows the overlap, and makes the form name the current version: saving again is then a
    deliberate choice to keep this user's values."""
    data = form.data.copy()
    data[form.add_prefix("version")] = error.current.version
    form.data = data
    return {
        "rows": conflict_rows(form, error.current, error.fields),
        "current": error.current,
        "last": selectors.last_change(error.current),
    }


# --- reading -----------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    summary = selectors.home_summary(request.user)
    return render(
        request,
        "registry/home.html",
        {
            "summary": summary,
            "statuses": [
                (value, label, summary.by_status.get(value, 0))
                for value, label in HouseholdStatus.choices
            ],
            "posts": request.user.posts.select_related("area", "role"),
            "total": sum(summary.by_status.values()),
            "panels": home_panels_for(request),
        },
    )


def filtered_households(request, queryset):
    return filterset_filtered(request.GET, queryset, request)


@login_required
@require_GET
def household_list(request):
    filterset, households = filtered_households(
        request, Household.objects.restrict(request.user, Action.VIEW).select_related("village")
    )
    filterset.for_pages(request.user)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("ordering", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "more_filters": any(
            request.GET.get(name) for name in filterset.form.fields if name not in ("q", "ordering")
        ),
        "ordering": request.GET.get("ordering", ""),
    }
    template = (
        "registry/_household_table.html" if is_htmx(request) else "registry/household_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the partial and the page share one URL
    return response


@login_required
@require_GET
def household_export(request):
    """The filtered list as a member ledger (.xlsx): the same scope, filters and masking."""
    scope.ensure_somewhere(request.user, Action.EXPORT, _("您的岗位不能导出数据。"))
    filterset, households = filtered_households(
        request, Household.objects.restrict(request.user, Action.EXPORT)
    )
    if filterset.errors:
        return HttpResponseBadRequest(
            _("筛选条件有误，未导出：%(errors)s")
            % {"errors": "；".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())}
        )
    count = households.count()
    log_access(
        request,
        AccessLog.Kind.EXPORT,
        _("贫困户名单 %(filters)s") % {"filters": request.GET.urlencode()},
        count,
    )
    if count > settings.EXPORT_SYNC_MAX_HOUSEHOLDS:
        # Too long to write while the user waits: a job with progress and a download link.
        job = export_job_start(user=request.user, kind="households", query=request.GET.urlencode())
        return redirect("export-job", pk=job.pk)
    year = selectors.current_income_year()
    content = ledger.write_member_ledger(
        selectors.ledger_families(households, year), presenter=Presenter(request.user)
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="households-{stamp}.xlsx"'
    return response


@login_required
@require_GET
def ledger_template(request):
    """The household ledger template: the columns, dropdowns, an example and instructions."""
    village = (
        Area.objects.restrict(request.user, Action.IMPORT)
        .filter(level=AreaLevel.VILLAGE)
        .select_related("parent__parent")
        .order_by("code")
        .first()
    )
    response = HttpResponse(
        template.write_template(village),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


def _income_rows(household: Household) -> list[dict]:
    lines = selectors.poverty_lines()
    rows = []
    for income in household.incomes.all():
        line = lines.get(income.year)
        rows.append(
            {
                "income": income,
                "line": line,
                "below": selectors.below_line(income.net_income, income.household_size, line),
            }
        )
    return rows


@login_required
@require_GET
def household_detail(request, pk: int):
    household = get_object_or_404(selectors.household_for_page(request.user), pk=pk)
    log_access(request, AccessLog.Kind.VIEW, _access_label(household))
    presenter = Presenter(request.user)
    in_full = presenter.in_full(household.village_id)
    members = presenter.rows(household.all_members, household.village_id)
    household = presenter.row(household, household.village_id)
    history = selectors.household_history_start(household, presenter=presenter)
    incomes = _income_rows(household)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "terms": selectors.household_terms(household),
            "members": members,
            "incomes": incomes,
            "history": history.rows,
            "history_start": history,
            "can_edit": in_full,
            "income_year": selectors.current_income_year(),
            "income_years": {row["income"].year for row in incomes},
            "panels": panels_for(request, household),
        },
    )


@login_required
@require_GET
def household_history(request, pk: int):
    """变更记录: every change to a household, its members and incomes, 50 a page."""
    household = _household(request, pk)
    log_access(request, AccessLog.Kind.VIEW, _access_label(household, _("变更记录")))
    page = selectors.household_history_page(
        household, presenter=Presenter(request.user), page=request.GET.get("page")
    )
    return render(
        request,
        "registry/household_history.html",
        {"household": household, "history": page.rows, "page": page},
    )


@login_required
@require_GET
def household_card(request, pk: int):
    """明白卡: one A4 page for the family's wall and the cadre's folder."""
    household = _household(request, pk)
    log_access(request, AccessLog.Kind.VIEW, _access_label(household, _("明白卡")))
    household = selectors.present_household(Presenter(request.user), household)
    year = selectors.current_income_year()
    income = household.incomes.filter(year=year).first() or household.incomes.first()
    line = selectors.poverty_lines().get(income.year) if income else None
    cadres = selectors.responsible_cadres(household)
    return render(
        request,
        "registry/household_card.html",
        {
            "household": household,
            "income": income,
            "line": line,
            "below": selectors.below_line(income.net_income, income.household_size, line)
            if income
            else None,
            "cadres": cadres,
            "today": timezone.localdate(),
        },
    )


# --- changing ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request):
    scope.ensure_somewhere(request.user, Action.EDIT, _("您的岗位不能登记新户。"))
    form = HouseholdForm(request.POST or None, user=request.user)
    formset = MemberFormSet(request.POST or None, queryset=Member.objects.none(), prefix="members")
    if not request.POST:
        formset.extra = 1
        formset.forms[0].initial = {"relation": Relation.HEAD}
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        member_forms = formset.changed_forms()
        fields = dict(form.cleaned_data)
        fields.pop("version", None)
        try:
            household = services.household_register(
                actor=request.user,
                applying=True,
                village=fields.pop("village"),
                members=[
                    {k: v for k, v in f.cleaned_data.items() if k != "version" and k != "id"}
                    for f in member_forms
                ],
                **fields,
            )
        except ValidationError as error:
            show_errors(error, form, member_forms)
        else:
            messages.success(request, _("已登记 %(name)s 户。") % {"name": household.head_name})
            return redirect("household-detail", pk=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "formset": formset,
            "household": None,
            "error_summary": _form_errors(form, formset),
        },
    )


def _form_errors(form, formset) -> list[dict]:
    members = [
        (_("成员 %(n)d") % {"n": index}, member_form)
        for index, member_form in enumerate(formset.forms, start=1)
    ]
    return error_summary([("", form), *members])


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    household = _editable_household(request, pk)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    # A member who left while this page was open still resolves to their own record (which the
    # service then refuses to change), instead of coming back as a new member.
    posted = [v for k, v in request.POST.items() if k.startswith("members-") and k.endswith("-id")]
    members = household.members.filter(
        Q(left_on__isnull=True) | Q(pk__in=[pk for pk in posted if pk.isdigit()])
    )
    formset = MemberFormSet(request.POST or None, queryset=members.order_by("id"), prefix="members")
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        failed, conflict = _save_household_and_members(request.user, household, form, formset)
        if not failed and not conflict:
            messages.success(request, _("已保存。"))
            return redirect("household-detail", pk=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "formset": formset,
            "household": household,
            "conflict": conflict,
            "error_summary": _form_errors(form, formset),
        },
    )


def _save_household_and_members(actor, household, form, formset) -> tuple[bool, dict | None]:
    """Save the household's fields and each changed member in one edit (the service the API
    shares). Every rule that fails is shown at its field; a conflict is returned. If either
    happens, nothing is kept."""
    member_forms = formset.changed_forms()
    members = []
    for member_form in member_forms:
        entry = {"data": changed_values(member_form)}
        if member_form.instance.pk:
            entry.update(
                id=member_form.instance.pk,
                version=member_form.cleaned_data.get("version"),
                opened=opened_values(member_form),
            )
        members.append(entry)
    try:
        services.household_save_with_members(
            actor=actor,
            household=household,
            version=form.cleaned_data.get("version"),
            data=changed_values(form),
            members=members,
            opened=opened_values(form),
        )
    except ValidationError as error:
        show_errors(error, form, member_forms)
        return True, None
    except ConflictError as error:
        target = form
        if isinstance(error.current, Member):
            target = next(f for f in member_forms if f.instance.pk == error.current.pk)
        return False, show_conflict(error, target)
    return False, None


@login_required
@require_http_methods(["GET", "POST"])
def income_edit(request, pk: int, year: int | None = None):
    household = _editable_household(request, pk)
    income = get_object_or_404(Income, household=household, year=year) if year else None
    year_now = selectors.current_income_year()
    recorded_now = income is None and household.incomes.filter(year=year_now).exists()
    initial = {} if income or recorded_now else {"year": year_now}
    form = IncomeForm(request.POST or None, instance=income, household=household, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in INCOME_FORM_FIELDS[1:]}
        if data["household_size"] is None:
            data.pop("household_size")
        try:
            if income:
                services.income_update(
                    actor=request.user,
                    income=income,
                    version=form.cleaned_data.get("version"),
                    data={name: v for name, v in data.items() if name in form.changed_data},
                    opened=opened_values(form),
                )
            else:
                services.income_record(
                    actor=request.user,
                    household=household,
                    year=form.cleaned_data["year"],
                    data=data,
                )
        except ValidationError as error:
            show_errors(error, form)
        except ConflictError as error:
            conflict = show_conflict(error, form)
        else:
            messages.success(request, _("收入已保存。"))
            return redirect("household-detail", pk=household.pk)
    return render(
        request,
        "registry/income_form.html",
        {
            "form": form,
            "household": household,
            "income": income,
            "preview": _income_preview(household, request.POST or form.initial, income),
            "conflict": conflict,
            # A year already recorded is corrected on its own page: point to it.
            "recorded": None
            if income or "year" not in form.errors
            else household.incomes.filter(year=_whole(form.data.get("year"))).first(),
        },
    )


def _money(value) -> Decimal:
    try:
        return max(Decimal(str(value or "0").replace(",", "")), Decimal(0))
    except InvalidOperation:
        return Decimal(0)


def _whole(*values) -> int | None:
    for value in values:
        if str(value or "").strip().isdigit():
            return int(value)
    return None


def _income_preview(household, data, income=None) -> dict:
    """Reads what the cadre has typed so far; an income being edited supplies its stored year
    and size (the year field is disabled, so the browser does not send it)."""
    data = data or {}
    return selectors.income_preview(
        household,
        amounts={name: _money(data.get(name, getattr(income, name, 0))) for name in MONEY_FIELDS},
        year=_whole(data.get("year"), data.get("preview_year"), getattr(income, "year", None)),
        size=_whole(
            data.get("household_size"),
            data.get("preview_size"),
            getattr(income, "household_size", None),
        ),
    )


@login_required
@require_POST
def income_preview(request, pk: int):
    household = _household(request, pk)
    return render(
        request,
        "registry/_income_preview.html",
        {"preview": _income_preview(household, request.POST)},
    )


@login_required
@require_POST
def member_check_id(request):
    """Checks an ID number as it is typed; fills in the row's sex and birth date from it."""
    prefix = request.POST.get("prefix", "")
    raw = request.POST.get(f"{prefix}-id_number", request.POST.get("id_number", ""))
    context = {"prefix": prefix, "raw": raw}
    if raw.strip():
        try:
            parsed = idnumbers.parse(raw)
        except ValidationError as error:
            context["error"] = error.messages[0]
        else:
            form = MemberForm(
                prefix=prefix or None, initial={"sex": parsed.sex, "birth_date": parsed.birth_date}
            )
            for name in ("sex", "birth_date"):
                form.fields[name].widget.attrs["hx-swap-oob"] = "true"
            context.update(parsed=parsed, form=form)
    return render(request, "registry/_id_check.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request, pk: int):
    member = get_object_or_404(Member.objects.restrict(request.user, Action.VIEW).live(), pk=pk)
    household = _editable_household(request, member.household_id)
    form = MemberLeaveForm(request.POST or None, initial={"version": member.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            lambda: services.member_leave(actor=request.user, member=member, **form.cleaned_data),
            form,
        )
    ):
        messages.success(request, _("%(name)s 已减员。") % {"name": member.name})
        return redirect("household-detail", pk=household.pk)
    return render(
        request,
        "registry/member_leave.html",
        {"form": form, "member": member, "household": household},
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_change_head(request, pk: int):
    household = _editable_household(request, pk)
    form = ChangeHeadForm(request.POST or None, household=household)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            lambda: services.household_change_head(
                actor=request.user, household=household, **form.cleaned_data
            ),
            form,
        )
    ):
        messages.success(request, _("户主已变更。"))
        return redirect("household-detail", pk=household.pk)
    return render(request, "registry/change_head.html", {"form": form, "household": household})
