"""The registry pages. Thin: every object comes through the user's scope (another area's
household is a 404), every change goes through a service, and the services' errors are shown at
the field they concern."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import idnumbers, ledger, selectors, services
from .choices import HouseholdStatus, Relation
from .errors import ConflictError
from .filtersets import HouseholdFilterSet
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
from .models import Household, Income, Member, net_income, per_capita
from .scope import EDITOR_ROLES, area_prefixes, can_edit

PAGE_SIZE = 25


def _household(request, pk: int) -> Household:
    return get_object_or_404(selectors.households_for(request.user), pk=pk)


def _editable_household(request, pk: int) -> Household:
    household = _household(request, pk)
    if not can_edit(request.user, household.village_id):
        raise PermissionDenied(_("您的岗位只能查看该户，不能修改。"))
    return household


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


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


def _conflict(form, current) -> list[dict]:
    """The fields the user changed that someone else has changed too, with both values."""
    rows = []
    for name in form.changed_data:
        if name == "version" or name not in form.fields:
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


def _rebind_version(form, version: int):
    """After a conflict the form keeps the user's values but now names the current version, so a
    second save is a deliberate overwrite of what the user has seen."""
    data = form.data.copy()
    data[form.add_prefix("version")] = version
    form.data = data
    return form


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


@login_required
@require_GET
def household_list(request):
    filterset = HouseholdFilterSet(
        request.GET or None,
        queryset=Household.objects.visible_to(request.user).select_related("village"),
        request=request,
    ).for_pages(request.user)
    households = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
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
        "can_register": bool(area_prefixes(request.user, EDITOR_ROLES) != []),
    }
    template = (
        "registry/_household_table.html" if _is_htmx(request) else "registry/household_list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def household_export(request):
    """The filtered list as a member ledger (.xlsx): the same scope, filters and masking."""
    filterset = HouseholdFilterSet(
        request.GET or None, queryset=Household.objects.visible_to(request.user), request=request
    )
    households = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
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
        for member in members:
            member.id_number = idnumbers.mask(member.id_number)
        household.bank_account = idnumbers.mask(household.bank_account)
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
        household.bank_account = idnumbers.mask(household.bank_account)
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
    if not area_prefixes(request.user, EDITOR_ROLES) and not request.user.is_superuser:
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
    formset = MemberFormSet(
        request.POST or None,
        queryset=household.members.live().order_by("id"),
        prefix="members",
    )
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            failed = _save_household_and_members(request.user, household, form, formset)
        except ConflictError as error:
            target = (
                form
                if isinstance(error.current, Household)
                else next(f for f in formset.forms if f.instance.pk == error.current.pk)
            )
            conflict = {"rows": _conflict(target, error.current), "who": error.current}
            _rebind_version(target, error.current.version)
        else:
            if not failed:
                messages.success(request, _("已保存。"))
                return redirect("household-detail", pk=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "formset": formset, "household": household, "conflict": conflict},
    )


def _save_household_and_members(actor, household, form, formset) -> bool:
    """Save the household's fields and each changed member in one transaction. Every rule that
    fails is shown at its field; if any fails, nothing is kept."""
    failed = False
    with transaction.atomic():
        steps = [
            (
                form,
                lambda: services.household_update(
                    actor=actor,
                    household=household,
                    version=form.cleaned_data["version"],
                    data=_changed(form),
                ),
            )
        ]
        for member_form in formset.changed_forms():
            data = _changed(member_form)
            data.pop("id", None)
            if member_form.instance.pk:
                steps.append(
                    (
                        member_form,
                        lambda f=member_form, d=data: services.member_update(
                            actor=actor,
                            member=f.instance,
                            version=f.cleaned_data["version"],
                            data=d,
                        ),
                    )
                )
            else:
                steps.append(
                    (
                        member_form,
                        lambda d=data: services.member_add(
                            actor=actor, household=household, data=d
                        ),
                    )
                )
        for target, step in steps:
            try:
                step()
            except ValidationError as error:
                show_errors(error, target)
                failed = True
        if failed:
            transaction.set_rollback(True)
    return failed


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
        try:
            if income:
                services.income_update(
                    actor=request.user,
                    income=income,
                    version=form.cleaned_data["version"],
                    data=data,
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
            conflict = {"rows": _conflict(form, error.current), "who": error.current}
            _rebind_version(form, error.current.version)
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
        },
    )


def _money(value) -> Decimal:
    try:
        return max(Decimal(str(value or "0").replace(",", "")), Decimal(0))
    except InvalidOperation:
        return Decimal(0)


def _income_preview(household, data, income=None) -> dict:
    """The per-capita figure as the cadre types, with the same formula the registry stores."""
    source = data if data else {}
    values = {name: _money(source.get(name, getattr(income, name, 0))) for name in MONEY_FIELDS}
    net = net_income(
        wage=values["wage_income"],
        production=values["production_income"],
        property_=values["property_income"],
        transfer=values["transfer_income"],
        cost=values["production_cost"],
    )
    try:
        size = int(
            source.get("household_size") or getattr(income, "household_size", 0) or household.size
        )
    except (TypeError, ValueError):
        size = household.size
    try:
        year = int(
            source.get("year") or getattr(income, "year", 0) or selectors.current_income_year()
        )
    except (TypeError, ValueError):
        year = selectors.current_income_year()
    per_person = per_capita(net, size)
    line = selectors.poverty_lines().get(year)
    return {
        "net": net,
        "size": size,
        "per_capita": per_person,
        "line": line,
        "below": selectors.below_line(net, size, line),
        "year": year,
    }


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
@require_GET
def member_check_id(request):
    """Checks an ID number as it is typed; fills in the row's sex and birth date from it."""
    prefix = request.GET.get("prefix", "")
    raw = request.GET.get(f"{prefix}-id_number", request.GET.get("id_number", ""))
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
