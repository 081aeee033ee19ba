"""Members (家庭成员): who joins, what changes, who leaves, and the rules that hold across a
household (one live record per person, one head)."""

from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access, history, locking, scope
from core.choices import Action, ChangeAction
from core.models import AccessLog
from core.presenter import mask

from ..choices import IdType, MemberJoinReason, Relation
from ..models import Household, Member
from ._common import edit, prefixed, reject_unknown, save

MEMBER_FIELDS = frozenset(
    f.name
    for f in Member._meta.concrete_fields
    if f.editable and f.name not in {"id", "household", "left_on", "leave_reason", "leave_note"}
)


def check_identities(actor, members: Sequence[Member], prefixes: Sequence[str]) -> dict:
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
    readable = scope.reach(actor, Action.VIEW)
    elsewhere = []
    for member, prefix in zip(members, prefixes, strict=True):
        other = taken.get(member.id_number)
        if other is None:
            continue
        if readable.covers(other.household.village_id):
            message = _(
                "该证件号码已在%(village)s户编号 %(number)s 中登记，一人只能有一条在册记录。"
            ) % {"village": other.household.village.name, "number": other.household.number}
        else:
            message = _("该证件号码已在其他地区登记，一人只能有一条在册记录；请与县扶贫办核实。")
            elsewhere.append(member.id_number)
        errors[f"{prefix}id_number"] = [message]
    if elsewhere:
        # The answer itself tells whether a number is on the registry: who asked is kept.
        access.record_surviving_refusal(
            actor,
            AccessLog.Kind.SEARCH,
            _("登记时核对证件号码，已在其他地区登记：%(numbers)s")
            % {"numbers": "、".join(mask(number) for number in elsewhere)},
            len(elsewhere),
        )
    return errors


def check_one_head(live_members: Sequence[Member]) -> None:
    heads = sum(1 for m in live_members if m.relation == Relation.HEAD)
    if heads == 0:
        raise ValidationError({"relation": _("每户必须有且只有一位户主，请指定户主。")})
    if heads > 1:
        raise ValidationError({"relation": _("一户只能有一位户主。")})


def check_size(size: int) -> str | None:
    """A household has at most settings.HOUSEHOLD_MAX_MEMBERS live members: a larger one is a
    mistake (or a probe of ID numbers), not a family."""
    limit = settings.HOUSEHOLD_MAX_MEMBERS
    if size > limit:
        return _("一户最多登记 %(limit)d 名在册成员，现有 %(size)d 名。") % {
            "limit": limit,
            "size": size,
        }
    return None


def household_summary(live: Sequence[tuple[str, str]]) -> tuple[int, str | None]:
    """(size, head's name) of a household from its live members' (relation, name): the two
    columns kept on the household row for lists. The importer computes the same in SQL; a
    parity test holds them equal."""
    heads = [name for relation, name in live if relation == Relation.HEAD]
    return len(live), (heads[0] if heads else None)


def refresh_summary(household: Household) -> None:
    """Keep the head's name and the live member count on the household row, for lists."""
    size, head = household_summary(
        list(Member.objects.live().filter(household=household).values_list("relation", "name"))
    )
    household.size = size
    if head:
        household.head_name = head
    Household.objects.filter(pk=household.pk).update(
        size=household.size, head_name=household.head_name
    )


def build_member(household: Household, data: dict, prefix: str) -> tuple[Member, dict]:
    reject_unknown(data, MEMBER_FIELDS)
    member = Member(household=household, **data)
    try:
        member.full_clean(exclude=["household"], validate_constraints=False)
    except ValidationError as error:
        return member, prefixed(error, prefix)
    return member, {}


def _added(actor, household: Household, data: dict, prefix: str = "") -> tuple[Member, dict]:
    """A new member built and checked against the household's live members; not saved."""
    data = {"join_reason": MemberJoinReason.OTHER_IN, "joined_on": timezone.localdate(), **data}
    member, errors = build_member(household, data, prefix)
    errors.update(check_identities(actor, [member], [prefix]))
    if (
        member.relation == Relation.HEAD
        and household.members.live().filter(relation=Relation.HEAD).exists()
    ):
        errors.setdefault(
            f"{prefix}relation", [_("该户已有户主；如需更换户主，请使用“变更户主”。")]
        )
    return member, errors


@transaction.atomic
def member_add(*, actor, household: Household, data: dict) -> Member:
    """A person joins a household (嫁入, 新生儿, 其他转入); the head is changed separately."""
    scope.ensure(actor, Action.EDIT, household.village_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    member, errors = _added(actor, household, data)
    size_error = check_size(household.members.live().count() + 1)
    if size_error:
        errors.setdefault("__all__", [size_error])
    if errors:
        raise ValidationError(errors)
    save(member)
    refresh_summary(household)
    history.record(
        member, action=ChangeAction.CREATE, changes=history.snapshot(member), actor=actor
    )
    return member


def _prepare_update(actor, data: dict):
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
        errors = check_identities(actor, [person], [""])
        if errors:
            raise ValidationError(errors)

    return prepare


@transaction.atomic
def member_update(*, actor, member: Member, version: int, data: dict, opened=None) -> Member:
    """Change a member's own fields. A stale version raises ConflictError, unless `opened` (what
    the user saw) shows nobody changed the same fields meanwhile (core.locking)."""
    scope.ensure(actor, Action.EDIT, member.household.village_id)
    reject_unknown(data, MEMBER_FIELDS)
    current = locking.lock(member, version, changes=data, opened=opened)
    if not current.is_live:
        raise ValidationError({"left_on": _("已减员的成员不能修改。")})
    new_relation = data.get("relation", current.relation)
    if (new_relation == Relation.HEAD) != (current.relation == Relation.HEAD):
        raise ValidationError({"relation": _("户主的变更请使用“变更户主”操作。")})
    if edit(current, actor=actor, data=data, prepare=_prepare_update(actor, data)):
        refresh_summary(current.household)
    return current


@transaction.atomic
def member_leave(
    *, actor, member: Member, version: int, reason: str, left_on=None, note: str = ""
) -> Member:
    """A member leaves (死亡, 嫁出 ...): the record stays, with the date and the reason."""
    scope.ensure(actor, Action.EDIT, member.household.village_id)
    current = locking.lock(member, version)
    current = Member.objects.select_related("household").get(pk=current.pk)
    if not current.is_live:
        raise ValidationError({"left_on": _("该成员已减员。")})
    if current.relation == Relation.HEAD:
        raise ValidationError(
            {
                "relation": _(
                    "户主不能直接减员：请先变更户主；如该户仅剩户主一人，"
                    "请通过识别程序办理清退或自然减少。"
                )
            }
        )
    before = history.snapshot(current)
    current.left_on = left_on or timezone.localdate()
    current.leave_reason = reason
    current.leave_note = note
    current.full_clean(validate_constraints=False)
    if current.joined_on and current.left_on < current.joined_on:
        raise ValidationError(
            {
                "left_on": _("减员日期不能早于加入日期（%(date)s）。")
                % {"date": current.joined_on.isoformat()}
            }
        )
    current.version += 1
    save(current)
    refresh_summary(current.household)
    history.record_update(current, before, actor=actor, action=ChangeAction.LEAVE)
    return current


@transaction.atomic
def household_change_head(
    *,
    actor,
    household: Household,
    version: int,
    new_head: Member,
    previous_head_relation: str,
) -> Household:
    """变更户主: the new head takes over; the previous head keeps a relation to the new one.
    The household's version is the one the user started from: a head changed meanwhile by
    someone else is a conflict, not a second change."""
    scope.ensure(actor, Action.EDIT, household.village_id)
    household = locking.lock(household, version)
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
        save(person, update_fields=["relation", "version", "updated_at"])
    previous_name = household.head_name
    refresh_summary(household)
    household.version += 1
    save(household, update_fields=["version", "updated_at"])
    entries.append(
        (household, ChangeAction.CHANGE_HEAD, {"head_name": [previous_name, household.head_name]})
    )
    history.record_many(entries, actor=actor)
    return household
