"""Everything that changes the registry. One function per use case, each in one transaction.

The browser, the API, the admin, the importer and Celery all call these, so they all obey the
same rules: area scope, validation in Chinese at the field, optimistic locking and history.
"""

import csv
import datetime as dt
import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import history, idnumbers
from .choices import (
    AreaLevel,
    ChangeAction,
    HouseholdStatus,
    IdType,
    MemberJoinReason,
    Relation,
    Role,
)
from .errors import ConflictError
from .importer.households import import_ledger
from .importer.issues import UnreadableFile
from .importer.reading import SUFFIXES
from .models import INCOME_AMOUNT_FIELDS, Area, Household, ImportJob, Income, Member, Post
from .scope import (
    EDITOR_ROLES,
    LEVEL_DIGITS,
    area_prefixes,
    can_register,
    covers,
    ensure_can_edit,
    level_of,
)
from .tasks import apply_import_job, validate_import_job

logger = logging.getLogger(__name__)

HOUSEHOLD_FIELDS = frozenset(
    f.name for f in Household._meta.get_fields() if f.concrete and f.editable and not f.primary_key
)
MEMBER_FIELDS = frozenset(
    f.name
    for f in Member._meta.concrete_fields
    if f.editable and f.name not in {"id", "household", "left_on", "leave_reason", "leave_note"}
)
INCOME_FIELDS = frozenset({*INCOME_AMOUNT_FIELDS, "household_size"})

CONSTRAINT_FIELDS = {
    "member_one_live_record_per_person": "id_number",
    "member_one_head_per_household": "relation",
    "income_one_per_household_year": "year",
}


def _save(instance, **kwargs) -> None:
    """Save, turning a constraint that the database caught in a race into a field error."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as error:
        for constraint in type(instance)._meta.constraints:
            if constraint.name in str(error):
                field_name = CONSTRAINT_FIELDS.get(constraint.name, "__all__")
                raise ValidationError(
                    {field_name: str(constraint.violation_error_message)}
                ) from error
        if isinstance(instance, Household) and "_number_" in str(error):
            raise ValidationError({"number": _("该户编号已被使用。")}) from error
        raise


def _reject_unknown(data: dict, allowed: frozenset) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError({name: _("该字段不能在此修改。") for name in unknown})


def _edit(current, *, actor, data: dict, prepare: Callable[[Any], None]) -> dict:
    """Apply data to a locked row; `prepare` validates it (and may set related rows). When
    anything changed, save it with the next version and record the change. Returns the changes."""
    before = history.snapshot(current)
    for name, value in data.items():
        setattr(current, name, value)
    prepare(current)
    changes = history.diff(before, history.snapshot(current))
    if changes:
        current.version += 1
        _save(current)
        history.record(current, action=ChangeAction.UPDATE, changes=changes, actor=actor)
    return changes


def _lock_current(instance, version: int):
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    if version is None or int(version) != current.version:
        raise ConflictError(current)
    return current


# --- members: the rules that hold across a household -----------------------------------------


def _prefixed(error: ValidationError, prefix: str) -> dict:
    return {f"{prefix}{name}": messages for name, messages in error.message_dict.items()}


def _check_identities(actor, members: Sequence[Member], prefixes: Sequence[str]) -> dict:
    """One person, one live record: within the batch and against every live record stored.

    Where the other record is, is said only to someone who may see that household; otherwise
    the message would let anyone look up any ID number's village."""
    errors: dict[str, list[str]] = {}
    seen = Counter(m.id_number for m in members if m.id_number)
    for member, prefix in zip(members, prefixes, strict=True):
        if seen[member.id_number] > 1:
            errors[f"{prefix}id_number"] = [_("同一证件号码在本户中重复出现。")]
    taken = {
        other.id_number: other
        for other in Member.objects.live()
        .filter(id_number__in=list(seen))
        .exclude(pk__in=[m.pk for m in members if m.pk])
        .select_related("household__village")
    }
    for member, prefix in zip(members, prefixes, strict=True):
        other = taken.get(member.id_number)
        if other is None:
            continue
        if covers(area_prefixes(actor), other.household.village_id):
            message = _(
                "该证件号码已在%(village)s户编号 %(number)s 中登记，一人只能有一条在册记录。"
            ) % {"village": other.household.village.name, "number": other.household.number}
        else:
            message = _("该证件号码已在其他地区登记，一人只能有一条在册记录；请与县扶贫办核实。")
        errors[f"{prefix}id_number"] = [message]
    return errors


def _check_one_head(live_members: Sequence[Member]) -> None:
    heads = sum(1 for m in live_members if m.relation == Relation.HEAD)
    if heads == 0:
        raise ValidationError({"relation": _("每户必须有且只有一位户主，请指定户主。")})
    if heads > 1:
        raise ValidationError({"relation": _("一户只能有一位户主。")})


def _refresh_summary(household: Household) -> None:
    """Keep the head's name and the live member count on the household row, for lists."""
    live = list(Member.objects.live().filter(household=household).values_list("relation", "name"))
    head_names = [name for relation, name in live if relation == Relation.HEAD]
    household.size = len(live)
    if head_names:
        household.head_name = head_names[0]
    Household.objects.filter(pk=household.pk).update(
        size=household.size, head_name=household.head_name
    )


def _build_member(household: Household, data: dict, prefix: str) -> tuple[Member, dict]:
    _reject_unknown(data, MEMBER_FIELDS)
    member = Member(household=household, **data)
    try:
        member.full_clean(exclude=["household"], validate_constraints=False)
    except ValidationError as error:
        return member, _prefixed(error, prefix)
    return member, {}


# --- households -------------------------------------------------------------------------------


@transaction.atomic
def household_register(*, actor, village: Area, members: Sequence[dict], **fields) -> Household:
    """Register a household with its members (exactly one of them the head)."""
    ensure_can_edit(actor, village.code)
    other_causes = fields.pop("other_causes", [])
    _reject_unknown(fields, HOUSEHOLD_FIELDS)
    if not members:
        raise ValidationError({"members": _("请至少登记一名家庭成员（户主）。")})
    household = Household(village=village, **fields)
    heads = [m.get("name", "") for m in members if m.get("relation") == Relation.HEAD]
    household.head_name = heads[0] if heads else ""
    household.size = len(members)
    errors: dict = {}
    try:
        household.full_clean(exclude=["head_name"])
    except ValidationError as error:
        errors.update(error.message_dict)
    built = [
        _build_member(household, dict(data), f"members.{i}.") for i, data in enumerate(members)
    ]
    for _member, member_errors in built:
        errors.update(member_errors)
    people = [member for member, _errors in built]
    prefixes = [f"members.{i}." for i in range(len(people))]
    for name, messages in _check_identities(actor, people, prefixes).items():
        errors.setdefault(name, messages)
    try:
        _check_one_head(people)
    except ValidationError as error:
        errors.setdefault("members", error.message_dict["relation"])
    if errors:
        raise ValidationError(errors)

    _save(household)
    household.other_causes.set(other_causes)
    for person in people:
        person.household = household
        _save(person)
    history.record(
        household, action=ChangeAction.CREATE, changes=history.snapshot(household), actor=actor
    )
    history.record_many(
        [(p, ChangeAction.CREATE, history.snapshot(p)) for p in people], actor=actor
    )
    return household


@transaction.atomic
def household_update(*, actor, household: Household, version: int, data: dict) -> Household:
    """Change a household's own fields. A stale version raises ConflictError, never overwrites."""
    ensure_can_edit(actor, household.village_id)
    _reject_unknown(data, HOUSEHOLD_FIELDS)
    current = _lock_current(household, version)
    if "village" in data:
        ensure_can_edit(actor, data["village"].code)
    other_causes = data.pop("other_causes", None)

    def prepare(household):
        household.full_clean()
        if other_causes is not None:
            household.other_causes.set(other_causes)

    _edit(current, actor=actor, data=data, prepare=prepare)
    return current


@transaction.atomic
def household_delete(*, actor, household: Household) -> None:
    """Only an application entered by mistake may be deleted; its record stays in the history."""
    ensure_can_edit(actor, household.village_id)
    if household.status != HouseholdStatus.APPLICANT:
        raise ValidationError(
            {"status": _("只能删除尚在申请中的户；已建档的户请通过清退或自然减少处理。")}
        )
    snapshot = history.snapshot(household)
    members = list(household.members.all())
    history.record_many(
        [(m, ChangeAction.DELETE, history.snapshot(m)) for m in members], actor=actor
    )
    incomes = list(household.incomes.all())
    history.record_many(
        [(i, ChangeAction.DELETE, history.snapshot(i)) for i in incomes], actor=actor
    )
    history.record(household, action=ChangeAction.DELETE, changes=snapshot, actor=actor)
    household.incomes.all().delete()
    Member.objects.filter(household=household).delete()
    household.delete()


@transaction.atomic
def households_bulk_update(*, actor, households, data: dict) -> int:
    """Set the same fields on many households at once; each one's change is in the history."""
    _reject_unknown(data, HOUSEHOLD_FIELDS - {"other_causes", "village", "number"})
    rows = list(households.select_for_update())
    entries, changed = [], []
    errors = {}
    for household in rows:
        ensure_can_edit(actor, household.village_id)
        before = history.snapshot_fields(household)
        for name, value in data.items():
            setattr(household, name, value)
        try:
            household.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.update(_prefixed(error, f"{household.number}: "))
            continue
        changes = history.diff(before, history.snapshot_fields(household))
        if changes:
            household.version += 1
            household.updated_at = timezone.now()
            changed.append(household)
            entries.append((household, ChangeAction.UPDATE, changes))
    if errors:
        raise ValidationError(errors)
    Household.objects.bulk_update(changed, [*data, "version", "updated_at"], batch_size=1000)
    history.record_many(entries, actor=actor)
    return len(changed)


# --- members ----------------------------------------------------------------------------------


@transaction.atomic
def member_add(*, actor, household: Household, data: dict) -> Member:
    """A person joins a household (嫁入, 新生儿, 其他转入); the head is changed separately."""
    ensure_can_edit(actor, household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    data = {"join_reason": MemberJoinReason.OTHER_IN, **data}
    member, errors = _build_member(household, data, "")
    errors.update(_check_identities(actor, [member], [""]))
    if (
        member.relation == Relation.HEAD
        and household.members.live().filter(relation=Relation.HEAD).exists()
    ):
        errors.setdefault("relation", [_("该户已有户主；如需更换户主，请使用“变更户主”。")])
    if errors:
        raise ValidationError(errors)
    _save(member)
    _refresh_summary(household)
    history.record(
        member, action=ChangeAction.CREATE, changes=history.snapshot(member), actor=actor
    )
    return member


@transaction.atomic
def member_update(*, actor, member: Member, version: int, data: dict) -> Member:
    ensure_can_edit(actor, member.household.village_id)
    _reject_unknown(data, MEMBER_FIELDS)
    current = _lock_current(member, version)
    if not current.is_live:
        raise ValidationError({"left_on": _("已减员的成员不能修改。")})
    new_relation = data.get("relation", current.relation)
    if (new_relation == Relation.HEAD) != (current.relation == Relation.HEAD):
        raise ValidationError({"relation": _("户主的变更请使用“变更户主”操作。")})

    def prepare(person):
        # A new ID number brings its own sex and birth date unless they are given with it.
        if "id_number" in data and person.id_type in (
            IdType.RESIDENT_ID,
            IdType.HOUSEHOLD_REGISTER,
        ):
            if "sex" not in data:
                person.sex = ""
            if "birth_date" not in data:
                person.birth_date = None
        person.full_clean(validate_constraints=False)
        errors = _check_identities(actor, [person], [""])
        if errors:
            raise ValidationError(errors)

    if _edit(current, actor=actor, data=data, prepare=prepare):
        _refresh_summary(current.household)
    return current


@transaction.atomic
def member_leave(*, actor, member: Member, reason: str, left_on=None, note: str = "") -> Member:
    """A member leaves (死亡, 嫁出 ...): the record stays, with the date and the reason."""
    ensure_can_edit(actor, member.household.village_id)
    current = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    if not current.is_live:
        raise ValidationError({"left_on": _("该成员已减员。")})
    if current.relation == Relation.HEAD:
        raise ValidationError(
            {
                "relation": _(
                    "户主不能直接减员：请先变更户主；如该户仅剩户主一人，"
                    "请将该户状态改为“已清退/减少”并注明原因。"
                )
            }
        )
    before = history.snapshot(current)
    current.left_on = left_on or timezone.localdate()
    current.leave_reason = reason
    current.leave_note = note
    current.full_clean(validate_constraints=False)
    if current.left_on < current.joined_on:
        raise ValidationError({"left_on": _("减员日期不能早于加入日期。")})
    current.version += 1
    _save(current)
    _refresh_summary(current.household)
    history.record(
        current,
        action=ChangeAction.LEAVE,
        changes=history.diff(before, history.snapshot(current)),
        actor=actor,
    )
    return current


@transaction.atomic
def household_change_head(
    *, actor, household: Household, new_head: Member, previous_head_relation: str
) -> Household:
    """变更户主: the new head takes over; the previous head keeps a relation to the new one."""
    ensure_can_edit(actor, household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    live = {m.pk: m for m in household.members.live().select_for_update()}
    if new_head.pk not in live:
        raise ValidationError({"new_head": _("新户主必须是本户在册成员。")})
    if previous_head_relation == Relation.HEAD or previous_head_relation not in Relation.values:
        raise ValidationError({"previous_head_relation": _("请选择原户主与新户主的关系。")})
    new = live[new_head.pk]
    if new.relation == Relation.HEAD:
        return household
    old = [(m, previous_head_relation) for m in live.values() if m.relation == Relation.HEAD]
    entries = []
    # The old head steps down first: the database allows one live head per household at a time.
    for person, relation in [*old, (new, Relation.HEAD)]:
        entries.append((person, ChangeAction.UPDATE, {"relation": [person.relation, relation]}))
        person.relation = relation
        person.version += 1
        _save(person, update_fields=["relation", "version", "updated_at"])
    _refresh_summary(household)
    history.record_many(entries, actor=actor)
    return household


# --- incomes ----------------------------------------------------------------------------------


@transaction.atomic
def income_record(*, actor, household: Household, year: int, data: dict) -> Income:
    """Record a household's income for a year; the household size defaults to its live members."""
    ensure_can_edit(actor, household.village_id)
    _reject_unknown(data, INCOME_FIELDS)
    income = Income(household=household, year=year, **data)
    if income.household_size is None:
        income.household_size = household.size or None
    income.full_clean(exclude=["household"])
    _save(income)
    history.record(
        income, action=ChangeAction.CREATE, changes=history.snapshot(income), actor=actor
    )
    return income


@transaction.atomic
def income_update(*, actor, income: Income, version: int, data: dict) -> Income:
    ensure_can_edit(actor, income.household.village_id)
    _reject_unknown(data, INCOME_FIELDS)
    current = _lock_current(income, version)
    _edit(
        current, actor=actor, data=data, prepare=lambda row: row.full_clean(exclude=["household"])
    )
    return current


# --- areas and posts --------------------------------------------------------------------------


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def normalize_area_code(raw: str) -> str:
    """Accept a code as the official list prints it (12 digits) or with only its significant
    digits (62, 6206, 620623, 620623100, 620623100200)."""
    code = idnumbers.normalize(raw)
    if not code.isdigit() or len(code) not in set(LEVEL_DIGITS.values()):
        raise ValidationError(_("区划代码“%(code)s”应为 2、4、6、9 或 12 位数字。") % {"code": raw})
    return code.ljust(12, "0")


def _parent_code(code: str, known: set[str]) -> str | None:
    """The nearest enclosing area that exists: a list may skip a level."""
    digits = LEVEL_DIGITS[level_of(code)]
    for shorter in sorted((d for d in LEVEL_DIGITS.values() if d < digits), reverse=True):
        candidate = code[:shorter].ljust(12, "0")
        if candidate in known:
            return candidate
    return None


@transaction.atomic
def areas_load(rows: Iterable[dict]) -> LoadResult:
    """Load or update areas from rows with code, name and, optionally, rural_population.

    Running it again with the same rows changes nothing.
    """
    result = LoadResult()
    wanted: dict[str, dict] = {}
    for line, row in enumerate(rows, start=2):
        try:
            code = normalize_area_code(row.get("code") or "")
        except ValidationError as error:
            result.errors.append(
                _("第 %(line)d 行：%(error)s") % {"line": line, "error": error.messages[0]}
            )
            continue
        name = (row.get("name") or "").strip()
        if not name:
            result.errors.append(_("第 %(line)d 行：缺少名称。") % {"line": line})
            continue
        population = (row.get("rural_population") or "").replace(",", "").strip()
        if population and not population.isdigit():
            result.errors.append(
                _("第 %(line)d 行：户籍农业人口“%(value)s”应为整数。")
                % {"line": line, "value": population}
            )
            continue
        wanted[code] = {"name": name, "rural_population": int(population) if population else None}
    if result.errors:
        return result
    existing = {area.code: area for area in Area.objects.select_for_update()}
    known = set(existing) | set(wanted)
    for code in sorted(wanted, key=lambda c: LEVEL_DIGITS[level_of(c)]):
        values = {**wanted[code], "parent_id": _parent_code(code, known)}
        if values["rural_population"] is None:
            values.pop("rural_population")
        area = existing.get(code)
        if area is None:
            Area(code=code, **values).save()
            result.created += 1
        elif any(getattr(area, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(area, name, value)
            area.save()
            result.updated += 1
        else:
            result.unchanged += 1
    # A list may bring a level that was missing: the areas already below it move under it.
    for code, area in existing.items():
        if code not in wanted and area.parent_id != (parent := _parent_code(code, known)):
            area.parent_id = parent
            area.save(update_fields=["parent"])
    return result


def areas_load_csv(path) -> LoadResult:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return areas_load(csv.DictReader(handle))


REGISTRY_MODELS = (
    "area",
    "household",
    "member",
    "income",
    "povertyline",
    "povertycause",
    "householdattribute",
    "changerecord",
    "post",
)
KEPT_MODELS = ("household", "member", "income")


# Where each role sits; an admin may sit at any level.
ROLE_LEVELS = {
    Role.VILLAGE_CADRE: AreaLevel.VILLAGE,
    Role.TOWNSHIP_OFFICE: AreaLevel.TOWNSHIP,
    Role.COUNTY_OFFICE: AreaLevel.COUNTY,
}


def _role_codenames(role: str) -> list[str]:
    codenames = [f"view_{model}" for model in REGISTRY_MODELS]
    if role in EDITOR_ROLES:
        codenames += [f"{action}_{model}" for action in ("add", "change") for model in KEPT_MODELS]
    if role == Role.ADMIN:
        codenames.append("delete_household")
    return codenames


def role_group(role: str) -> Group:
    """The Django group that carries a role's admin permissions; the area comes from the post."""
    group, _created = Group.objects.get_or_create(name=f"registry:{role}")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="registry", codename__in=_role_codenames(role)
        )
    )
    return group


def post_user_prepare(post: Post) -> None:
    """A post's holder may use the admin, with the permissions of the post's role."""
    user = post.user
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(role_group(post.role))


def post_check_level(*, role: str, area: Area) -> None:
    """A post sits at its role's level: a village cadre on a village, and so on."""
    expected = ROLE_LEVELS.get(role)
    if expected and area.level != expected:
        raise ValidationError(
            {
                "area": _("%(role)s的岗位应设在%(level)s一级，%(area)s是%(actual)s。")
                % {
                    "role": Role(role).label,
                    "level": AreaLevel(expected).label,
                    "area": area.name,
                    "actual": AreaLevel(area.level).label,
                }
            }
        )


@transaction.atomic
def post_grant(
    *, username: str, role: str, area_code: str, password: str | None = None, phone: str = ""
) -> Post:
    """Give a user a post (a role in an area), creating the user when needed."""
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%(role)s") % {"role": role}})
    code = normalize_area_code(area_code)
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise ValidationError(
            {"area": _("区划代码 %(code)s 不存在，请先导入区划。") % {"code": code}}
        )
    post_check_level(role=role, area=area)
    user, created = get_user_model().objects.get_or_create(username=username)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    post, _created = Post.objects.get_or_create(user=user, role=role, area=area)
    post_user_prepare(post)
    if phone and post.phone != phone:
        post.phone = phone
        post.full_clean()
        post.save(update_fields=["phone"])
    return post


# --- ledger import jobs -------------------------------------------------------------------------


def import_job_start(*, actor, upload, year: int | None = None):
    """Keep an uploaded ledger and queue its validation (a dry run) in the background."""

    if not can_register(actor):
        raise PermissionDenied(_("您的岗位不能导入台账。"))
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError({"file": _("请上传 .xlsx、.xlsm、.xls 或 .ods 格式的表格文件。")})
    if upload.size > settings.IMPORT_MAX_FILE_BYTES:
        raise ValidationError(
            {
                "file": _("文件过大，上限为 %(mb)d MB。")
                % {"mb": settings.IMPORT_MAX_FILE_BYTES // 1048576}
            }
        )
    job = ImportJob.objects.create(
        user=actor, file=upload, original_name=upload.name[:255], year=year
    )
    transaction.on_commit(lambda: validate_import_job.delay(job.pk))
    return job


def import_job_run(*, job, apply: bool) -> None:
    """Validate (or, once confirmed, apply) a job's ledger, recording progress and the report.
    Called by the Celery tasks."""

    status = ImportJob.Status
    ImportJob.objects.filter(pk=job.pk).update(
        status=status.APPLYING if apply else status.VALIDATING, progress=5
    )

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        report = import_ledger(
            job.file.path, actor=job.user, year=job.year, dry_run=not apply, progress=progress
        )
    except UnreadableFile as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=status.FAILED, progress=100, report={"error": str(error)}
        )
        return
    except Exception:
        # The import's transaction has rolled back; the job must not poll "validating" for ever.
        logger.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=status.FAILED,
            progress=100,
            report={"error": _("导入时发生内部错误，未写入任何数据。请联系系统管理员。")},
        )
        return
    outcome = status.INVALID if report.errors else (status.APPLIED if apply else status.READY)
    ImportJob.objects.filter(pk=job.pk).update(
        status=outcome, progress=100, report=report.as_dict(with_cells=True)
    )


def import_files_purge(*, now=None) -> int:
    """Delete the uploaded files of jobs older than settings.IMPORT_KEEP_DAYS (they hold ID
    numbers and bank accounts); the jobs and their reports stay, and a preview never confirmed
    expires. Returns how many files were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.IMPORT_KEEP_DAYS)
    status = ImportJob.Status
    running = ImportJob.RUNNING
    purged = 0
    with transaction.atomic():
        # Locked, so that a confirmation cannot start on a file being deleted; jobs another
        # transaction holds are left for the next run. A job still "running" long after the
        # keeping time had its worker die: its file goes too.
        jobs = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(created_at__lt=cutoff)
            .exclude(file="")
            .exclude(status__in=running, updated_at__gte=cutoff)
        )
        for job in jobs:
            # Deleted once the emptied field is committed, never before.
            transaction.on_commit(functools.partial(job.file.storage.delete, job.file.name))
            job.file = ""
            if job.status in (status.READY, *running):
                job.status = status.EXPIRED
            job.save(update_fields=["file", "status", "updated_at"])
            purged += 1
    return purged


@transaction.atomic
def import_job_confirm(*, actor, job):
    """The user has seen the preview: apply the ledger, once."""

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("只能确认自己上传的导入任务。"))
    if job.status != ImportJob.Status.READY:
        raise ValidationError(
            {
                "status": _("该任务当前不能确认导入（%(status)s）。")
                % {"status": job.get_status_display()}
            }
        )
    job.status = ImportJob.Status.APPLYING
    job.progress = 0
    job.save(update_fields=["status", "progress", "updated_at"])
    transaction.on_commit(lambda: apply_import_job.delay(job.pk))
    return job
