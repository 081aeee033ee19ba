"""Households (户): registering one with its members, changing its own fields or its members
in one edit, deleting a mistaken application, and bulk changes from the admin."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history, locking, ratelimit, scope
from core.choices import Action, ChangeAction
from core.models import Area

from ..choices import HouseholdStatus, Relation
from ..models import Household, Member
from ..signals import applicants_registered
from . import members as member_rules
from ._common import edit, prefixed, reject_unknown, save

HOUSEHOLD_FIELDS = frozenset(
    f.name for f in Household._meta.get_fields() if f.concrete and f.editable and not f.primary_key
)


@transaction.atomic
def household_register(
    *, actor, village: Area, members: Sequence[dict], applying: bool = False, **fields
) -> Household:
    """Register a household with its members (exactly one of them the head). It starts as an
    applicant (申请中): entering the registry is for the identification procedure to decide.
    `applying`: the household applies as it is registered (the village's registration page and
    API): the apps above open its application (signals.applicants_registered)."""
    scope.ensure(actor, Action.EDIT, village.code)
    if not ratelimit.allow(
        f"register:{actor.pk}", limit=settings.REGISTRATIONS_PER_HOUR, seconds=3600
    ):
        raise PermissionDenied(
            _("登记新户过于频繁：每小时最多 %(n)d 户，请稍后再试。")
            % {"n": settings.REGISTRATIONS_PER_HOUR}
        )
    other_causes = fields.pop("other_causes", [])
    reject_unknown(fields, HOUSEHOLD_FIELDS)
    if not members:
        raise ValidationError({"members": _("请至少登记一名家庭成员（户主）。")})
    too_many = member_rules.check_size(len(members))
    if too_many:
        raise ValidationError({"members": too_many})
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
        member_rules.build_member(household, dict(data), f"members.{i}.")
        for i, data in enumerate(members)
    ]
    for _member, member_errors in built:
        errors.update(member_errors)
    people = [member for member, _errors in built]
    prefixes = [f"members.{i}." for i in range(len(people))]
    for name, messages in member_rules.check_identities(actor, people, prefixes).items():
        errors.setdefault(name, messages)
    try:
        member_rules.check_one_head(people)
    except ValidationError as error:
        errors.setdefault("members", error.message_dict["relation"])
    if errors:
        raise ValidationError(errors)

    save(household)
    household.other_causes.set(other_causes)
    for person in people:
        person.household = household
        save(person)
    history.record(
        household, action=ChangeAction.CREATE, changes=history.snapshot(household), actor=actor
    )
    history.record_many(
        [(p, ChangeAction.CREATE, history.snapshot(p)) for p in people], actor=actor
    )
    if applying:
        applicants_registered.send(sender=Household, households=[household], actor=actor)
    return household


def _update(actor, household: Household, version, data: dict, opened) -> Household:
    scope.ensure(actor, Action.EDIT, household.village_id)
    reject_unknown(data, HOUSEHOLD_FIELDS)
    current = locking.lock(household, version, changes=data, opened=opened)
    if "village" in data:
        scope.ensure(actor, Action.EDIT, data["village"].code)
    other_causes = data.pop("other_causes", None)

    def prepare(household):
        household.full_clean()
        if other_causes is not None:
            household.other_causes.set(other_causes)

    edit(current, actor=actor, data=data, prepare=prepare)
    return current


@transaction.atomic
def household_update(
    *, actor, household: Household, version: int, data: dict, opened=None
) -> Household:
    """Change a household's own fields. A stale version raises ConflictError, never
    overwrites, unless `opened` shows nobody changed the same fields (core.locking)."""
    return _update(actor, household, version, dict(data), opened)


@transaction.atomic
def household_save_with_members(
    *,
    actor,
    household: Household,
    version: int,
    data: dict,
    members: Sequence[dict] = (),
    opened: dict | None = None,
) -> Household:
    """户和成员一并修改: the household's fields and its members' changes, all or nothing.

    `members` lists the members this edit touches, each {"id": …, "version": …, "data": {…},
    "opened": {…}} for a member on record, or {"data": {…}} for one who joins. Every error is
    given at its place ("members.2.id_number"); a stale version is a ConflictError for the
    first record whose fields someone else changed too (what the user saw is `opened`)."""
    errors: dict = {}
    try:
        household = _update(actor, household, version, dict(data), opened)
    except ValidationError as error:
        errors.update(error.message_dict)
    stored = {
        m.pk: m for m in household.members.filter(pk__in=[e["id"] for e in members if e.get("id")])
    }
    for index, entry in enumerate(members):
        prefix = f"members.{index}."
        try:
            with transaction.atomic():
                if entry.get("id"):
                    member = stored.get(int(entry["id"]))
                    if member is None:
                        raise ValidationError({"id": _("该成员不属于本户。")})
                    member_rules.member_update(
                        actor=actor,
                        member=member,
                        version=entry.get("version"),
                        data=dict(entry["data"]),
                        opened=entry.get("opened"),
                    )
                else:
                    member_rules.member_add(actor=actor, household=household, data=entry["data"])
        except ValidationError as error:
            errors.update(prefixed(error, prefix))
    if errors:
        raise ValidationError(errors)
    household.refresh_from_db()
    return household


@transaction.atomic
def household_delete(*, actor, household: Household) -> None:
    """Only an application entered by mistake may be deleted; its record stays in the history."""
    scope.ensure(actor, Action.EDIT, household.village_id)
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
    reject_unknown(data, HOUSEHOLD_FIELDS - {"other_causes", "village", "number"})
    rows = list(households.select_for_update())
    entries, changed = [], []
    errors = {}
    for household in rows:
        scope.ensure(actor, Action.EDIT, household.village_id)
        before = history.snapshot_fields(household)
        for name, value in data.items():
            setattr(household, name, value)
        try:
            household.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.update(prefixed(error, f"{household.number}: "))
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
