"""The registry pages. Thin: every object comes through the user's scope (another area's
household is a 404), every change goes through a service, and the services' errors are shown at
the field they concern."""

from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import idnumbers, ledger, selectors, services
from .choices import AreaLevel, HouseholdStatus, Relation
from .errors import ConflictError
from .filtersets import HouseholdFilterSet
from .forms import (
    INCOME_FORM_FIELDS,
    MONEY_FIELDS,
    ChangeHeadForm,
    HouseholdForm,
    ImportForm,
    IncomeForm,
    MemberForm,
    MemberFormSet,
    MemberLeaveForm,
)
from .importer import template
from .importer.annotate import annotate
from .importer.issues import Issue
from .models import Area, Household, ImportJob, Income, Member
from .scope import EDITOR_ROLES, area_prefixes, can_edit, can_register

PAGE_SIZE = 25


def _household(request, pk: int) -> Household:
    return get_object_or_404(selectors.households_for(request.user), pk=pk)


def _editable_household(request, pk: int) -> Household:
    household = _household(request, pk)
    if not can_edit(request.user, household.village_id):
        raise PermissionDenied(_("您的岗位只能查看该户，不能修改。"))
    return household


def _is_htmx(request) -> bool:
    """An htmx request for a fragment; a history restore wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def show_errors(error: ValidationError, form, member_forms=()) -> None:
    """Put a service's errors at their fields: "members.2.id_number" lands on the third member."""
    for key, messages_ in error.message_dict.items():
        target, field = form, key
        if key.startswith("members."):
            _members, index, field = key.split(".", 2)
            target = member_forms[int(index)]
        elif key in ("members", "__all__"):
            field = None
        if field is not None and field not in target.fields:
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
    return True


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}


def _opened_value(form, name):
    """What the page showed for a field when the user opened it (its hidden initial input)."""
    field = form.fields[name]
    return field.hidden_widget().value_from_datadict(
        form.data, form.files, form.add_initial_prefix(name)
    )


def _overlap(form, current) -> list[dict]:
    """The fields this user changed that someone else changed too, since the page was opened,
    with both values."""
    now = model_to_dict(current)
    rows = []
    for name in form.changed_data:
        if name == "version" or name not in now:
            continue
        if not form.fields[name].has_changed(now[name], _opened_value(form, name)):
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


def save_versioned(step, form) -> dict | None:
    """Run step(version) from the version the user opened. If someone saved in between without
    touching the fields this user changed, this user's changes go on top of theirs; if they
    touched the same fields, nothing is saved and the overlap is returned to be shown, and the
    form now names the current version, so saving again is a deliberate choice."""
    try:
        step(form.cleaned_data.get("version"))
    except ConflictError as error:
        rows = _overlap(form, error.current)
        if not rows:
            step(error.current.version)
            return None
        data = form.data.copy()
        data[form.add_prefix("version")] = error.current.version
        form.data = data
        return {
            "rows": rows,
            "current": error.current,
            "last": selectors.last_change(error.current),
        }
    return None


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
            "posts": request.user.posts.select_related("area"),
            "total": sum(summary.by_status.values()),
        },
    )


def filtered_households(request, queryset):
    """The user's households through the shared FilterSet, in a stable order (ties by id).
    A filter that does not validate matches nothing: "exactly what is filtered", never more."""
    filterset = HouseholdFilterSet(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        return filterset, queryset.none()
    households = filterset.qs
    return filterset, households.order_by(*households.query.order_by, "id")


@login_required
@require_GET
def household_list(request):
    filterset, households = filtered_households(
        request, Household.objects.visible_to(request.user).select_related("village")
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
        "registry/_household_table.html" if _is_htmx(request) else "registry/household_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the partial and the page share one URL
    return response


@login_required
@require_GET
def household_export(request):
    """The filtered list as a member ledger (.xlsx): the same scope, filters and masking."""
    filterset, households = filtered_households(request, Household.objects.visible_to(request.user))
    if filterset.errors:
        return HttpResponseBadRequest(
            _("筛选条件有误，未导出：%(errors)s")
            % {"errors": "；".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items())}
        )
    content = ledger.write_member_ledger(
        selectors.households_for_export(households),
        year=selectors.current_income_year(),
        full_prefixes=area_prefixes(request.user, EDITOR_ROLES),
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
        Area.objects.editable_by(request.user)
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
    household = _household(request, pk)
    in_full = can_edit(request.user, household.village_id)
    members = list(household.members.order_by("left_on", "id"))
    if not in_full:
        idnumbers.mask_household(household)
        for member in members:
            idnumbers.mask_member(member)
    history = selectors.history_rows(household, in_full=in_full)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "incomes": _income_rows(household),
            "history": history,
            "can_edit": in_full,
            "income_year": selectors.current_income_year(),
        },
    )


@login_required
@require_GET
def household_card(request, pk: int):
    """明白卡: one A4 page for the family's wall and the cadre's folder."""
    household = _household(request, pk)
    if not can_edit(request.user, household.village_id):
        idnumbers.mask_household(household)
        for member in household.live_members:
            idnumbers.mask_member(member)
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
    if not can_register(request.user):
        raise PermissionDenied(_("您的岗位不能登记新户。"))
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
        {"form": form, "formset": formset, "household": None},
    )


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
        {"form": form, "formset": formset, "household": household, "conflict": conflict},
    )


def _save_household_and_members(actor, household, form, formset) -> tuple[bool, dict | None]:
    """Save the household's fields and each changed member in one transaction. Every rule that
    fails is shown at its field, a conflict is returned; if either happens, nothing is kept."""
    steps = [
        (
            form,
            lambda version: services.household_update(
                actor=actor, household=household, version=version, data=_changed(form)
            ),
        )
    ]
    for member_form in formset.changed_forms():
        data = _changed(member_form)
        data.pop("id", None)
        if member_form.instance.pk:
            step = partial(
                services.member_update, actor=actor, member=member_form.instance, data=data
            )
            steps.append((member_form, lambda version, step=step: step(version=version)))
        else:
            step = partial(services.member_add, actor=actor, household=household, data=data)
            steps.append((member_form, lambda _version, step=step: step()))
    failed, conflict = False, None
    with transaction.atomic():
        for target, step in steps:
            try:
                conflict = conflict or save_versioned(step, target)
            except ValidationError as error:
                show_errors(error, target)
                failed = True
        if failed or conflict:
            transaction.set_rollback(True)
    return failed, conflict


@login_required
@require_http_methods(["GET", "POST"])
def income_edit(request, pk: int, year: int | None = None):
    household = _editable_household(request, pk)
    income = get_object_or_404(Income, household=household, year=year) if year else None
    initial = {} if income else {"year": selectors.current_income_year()}
    form = IncomeForm(request.POST or None, instance=income, household=household, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in INCOME_FORM_FIELDS[1:]}
        if data["household_size"] is None:
            data.pop("household_size")
        if income:
            data = {name: value for name, value in data.items() if name in form.changed_data}

            def step(version):
                services.income_update(
                    actor=request.user, income=income, version=version, data=data
                )
        else:

            def step(_version):
                services.income_record(
                    actor=request.user,
                    household=household,
                    year=form.cleaned_data["year"],
                    data=data,
                )

        try:
            conflict = save_versioned(step, form)
        except ValidationError as error:
            show_errors(error, form)
        else:
            if not conflict:
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
    member = get_object_or_404(Member.objects.visible_to(request.user).live(), pk=pk)
    household = _editable_household(request, member.household_id)
    form = MemberLeaveForm(request.POST or None)
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


# --- ledger import -----------------------------------------------------------------------------


def _job(request, pk: int) -> ImportJob:
    return get_object_or_404(selectors.import_jobs_for(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request):
    if not can_register(request.user):
        raise PermissionDenied(_("您的岗位不能导入台账。"))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_start(
                actor=request.user, upload=form.cleaned_data["file"], year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            show_errors(error, form)
        else:
            return redirect("import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user)[:10]  # my recent imports
    return render(request, "registry/import_new.html", {"form": form, "jobs": jobs})


@login_required
@require_GET
def import_job(request, pk: int):
    job = _job(request, pk)
    template = "registry/_import_status.html" if _is_htmx(request) else "registry/import_job.html"
    report = job.report or {}
    warnings = report.get("warnings") or []
    counts = [report.get(kind) or {} for kind in ("households", "members", "incomes")]
    return render(
        request,
        template,
        {
            "job": job,
            "report": report,
            "errors": (report.get("errors") or [])[:200],
            # About the whole file (the same file imported before), shown up front; the rows'
            # warnings are folded away.
            "file_warnings": [w for w in warnings if not w.get("row")],
            "row_warnings": [w for w in warnings if w.get("row")],
            "changes_nothing": not any(c.get("created") or c.get("updated") for c in counts),
            "keep_days": settings.IMPORT_KEEP_DAYS,
        },
    )


@login_required
@require_POST
def import_job_confirm(request, pk: int):
    job = _job(request, pk)
    try:
        services.import_job_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("import-job", pk=job.pk)


@login_required
@require_GET
def import_job_errors(request, pk: int):
    """The user's own workbook with every error marked, and an errors sheet."""
    job = _job(request, pk)
    if not job.file:
        messages.error(request, _("上传的文件已超过保留期限并被删除，请重新上传。"))
        return redirect("import-job", pk=job.pk)
    issues = [Issue(**issue) for issue in job.report.get("errors", [])]
    warnings = [Issue(**issue) for issue in job.report.get("warnings", [])]
    response = HttpResponse(
        annotate(job.file.path, issues, warnings),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="errors-{job.pk}.xlsx"'
    return response
