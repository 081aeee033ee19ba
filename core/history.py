"""Change records (变更记录): the who / when / what of every change, for the models of any app.

An app registers each model it keeps history for (`track`), saying where a row's area code is,
which household it belongs to (if any) and how to name it; services then call `record` or
`record_many`. Core knows no app's models.
"""

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from .bulk import copy_rows
from .choices import ChangeAction
from .models import ChangeRecord

# Columns kept by services for lists (and the bookkeeping ones), not changes a user makes.
UNTRACKED_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})


@dataclass(frozen=True)
class Tracked:
    """How a registered model's rows appear in the history."""

    label: str  # "registry.member"
    area: Callable  # row -> its 12-digit area code (for scope)
    household: Callable  # row -> its household's id, or None
    name: Callable  # row -> what the history calls it ("张小梅", "2021 年度收入")
    untracked: frozenset
    many_to_many: tuple[str, ...]  # kept in snapshots as sorted lists of ids
    moves_area: str  # the field whose change moves a row to another area ("" when none)


_TRACKED: dict[type, Tracked] = {}
_WATCHERS: list[Callable[[str, set[str]], None]] = []


def track(
    model,
    *,
    area: Callable,
    household: Callable | None = None,
    name: Callable = str,
    untracked: Sequence[str] = (),
    many_to_many: Sequence[str] = (),
    moves_area: str = "",
) -> None:
    """Register a model's history; called from its app's AppConfig.ready(). `moves_area` names
    the field holding the row's area when a change can move it (a household's village): the
    area it left is touched too."""
    _TRACKED[model] = Tracked(
        label=model._meta.label_lower,
        area=area,
        household=household or (lambda _row: None),
        name=name,
        untracked=UNTRACKED_FIELDS | frozenset(untracked),
        many_to_many=tuple(many_to_many),
        moves_area=moves_area,
    )


def watch(watcher: Callable[[str, set[str]], None]) -> None:
    """Call watcher(label, area codes) in the writing transaction whenever records of a tracked
    model are written: whatever is kept per area (registry.figures) hears of every change in
    the one place that every change passes through."""
    _WATCHERS.append(watcher)


def _touched(label: str, areas: set[str]) -> None:
    areas.discard(None)
    for watcher in _WATCHERS:
        watcher(label, areas)


def _areas_of(spec: Tracked, area: str, changes: dict | None) -> set[str]:
    """The record's area and, when the change moved the row, the area it came from."""
    moved = (changes or {}).get(spec.moves_area) if spec.moves_area else None
    if isinstance(moved, list) and len(moved) == 2:
        return {area, *moved}
    return {area}


def tracked(model) -> Tracked:
    try:
        return _TRACKED[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} does not keep history: call history.track()."
        ) from None


def tracked_models() -> dict:
    """Label -> model of every registered model."""
    return {spec.label: model for model, spec in _TRACKED.items()}


def tracked_model(label: str):
    """The registered model of a record's label, or None (a model since removed)."""
    return next((model for model, spec in _TRACKED.items() if spec.label == label), None)


def tracked_fields(model) -> list[models.Field]:
    untracked = tracked(model).untracked
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in untracked and field.attname not in untracked
    ]


def plain(value):
    """A value as the history's JSON holds it."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@functools.cache
def _snapshot_plan(model) -> tuple:
    """The tracked fields' names, a getter for their values, and which of those need plain();
    worked out once per model: an import snapshots every row it writes."""
    fields = tracked_fields(model)
    return (
        tuple(field.name for field in fields),
        operator.attrgetter(*(field.attname for field in fields)),
        tuple(
            index
            for index, field in enumerate(fields)
            if isinstance(field, models.DecimalField | models.DateField)
        ),
    )


def snapshot_fields(instance) -> dict:
    """The tracked column values of an instance, as JSON-ready values keyed by field name."""
    names, values_of, to_convert = _snapshot_plan(type(instance))
    values = list(values_of(instance))
    for index in to_convert:
        values[index] = plain(values[index])
    return dict(zip(names, values, strict=True))


def snapshot(instance) -> dict:
    """snapshot_fields, plus the registered many-to-many fields (one query each)."""
    values = snapshot_fields(instance)
    if instance.pk:
        for name in tracked(type(instance)).many_to_many:
            values[name] = sorted(getattr(instance, name).values_list("pk", flat=True))
    return values


@functools.cache
def _names_by_attname(model) -> dict[str, str]:
    return {field.attname: field.name for field in model._meta.concrete_fields}


def differences(model, before, after, attnames) -> dict:
    """{field name: [old, new]} for the given fields whose values differ between two rows of
    `model`, instances or tuples named by attname (an import's), as diff() gives them."""
    names = _names_by_attname(model)
    changes = {}
    for attname in attnames:
        old, new = getattr(before, attname), getattr(after, attname)
        if old != new:
            changes[names[attname]] = [plain(old), plain(new)]
    return changes


def copy_changes(target, source, attnames) -> dict:
    """Copy the given fields from source onto target; differences() between them."""
    changes = differences(type(target), target, source, attnames)
    for attname in attnames:
        setattr(target, attname, getattr(source, attname))
    return changes


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose values differ."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


ROW_COLUMNS = (
    "model",
    "object_id",
    "object_repr",
    "area_code",
    "household_id",
    "action",
    "changes",
    "version",
)
AREA_AT = ROW_COLUMNS.index("area_code")


def _identity(instance) -> tuple:
    """(label, name, area code, household id) of a tracked row: what its registration says,
    and what may need a query (so never asked while a COPY is open)."""
    spec = tracked(type(instance))
    name = spec.name(instance)
    return (
        spec.label,
        (name if type(name) is str else str(name))[:200],
        spec.area(instance),
        spec.household(instance),
    )


def _row(instance, action: str, changes: dict, identity: tuple | None = None) -> tuple:
    """The record's columns that depend on the changed row, in ROW_COLUMNS order; changes
    None stands for the row's snapshot."""
    label, name, area, household = identity or _identity(instance)
    return (
        label,
        instance.pk,
        name,
        area,
        household,
        action,
        snapshot_fields(instance) if changes is None else changes,
        getattr(instance, "version", None),
    )


def _signed(actor) -> dict:
    if actor is not None and actor.is_authenticated:
        return {"actor": actor, "actor_name": actor.get_username()}
    return {"actor": None, "actor_name": ""}


def record(
    instance, *, action: str, changes: dict, actor, source: str = "", batch: str = ""
) -> ChangeRecord:
    row = _row(instance, action, changes)
    created = ChangeRecord.objects.create(
        **dict(zip(ROW_COLUMNS, row, strict=True)),
        **_signed(actor),
        source=source[:200],
        batch=batch,
    )
    spec = tracked(type(instance))
    _touched(spec.label, _areas_of(spec, row[AREA_AT], changes))
    return created


def record_update(
    instance, before: dict, *, actor, action: str = ChangeAction.UPDATE, also: dict | None = None
) -> ChangeRecord:
    """Record what changed in `instance` since `before` (its snapshot taken before the change),
    with `also` (changes a snapshot does not hold, such as a signature added)."""
    changes = diff(before, snapshot(instance)) | (also or {})
    return record(instance, action=action, changes=changes, actor=actor)


def record_many(entries: Sequence, *, actor, source: str = "", batch: str | None = None) -> str:
    """Write the history of a bulk change in one go; returns the batch id. An entry is
    (instance, action, changes); changes None stands for the instance's snapshot, taken as its
    record is written, so that an import does not hold a snapshot of every row it creates."""
    batch = batch or str(uuid.uuid4())
    if not entries:
        return batch
    # What a registered model may need a query for is worked out first: no query can run
    # while the COPY is open.
    identities = [_identity(instance) for instance, _action, _changes in entries]
    _write(
        (
            _row(*entry, identity=identity)
            for entry, identity in zip(entries, identities, strict=True)
        ),
        actor=actor,
        source=source,
        batch=batch,
    )
    touched: dict[str, set[str]] = {}
    for (instance, _action, changes), (label, _name, area, _household) in zip(
        entries, identities, strict=True
    ):
        touched.setdefault(label, set()).update(_areas_of(tracked(type(instance)), area, changes))
    for label, areas in touched.items():
        _touched(label, areas)
    return batch


def record_created(model, rows, places, *, actor, source: str = "", batch: str | None = None):
    """'create' records of new rows given as tuples whose fields are named by attname
    (core.bulk.RowMaker's frozen rows, ids filled in: an import's, with no instance made),
    each with its (area code, household id) from `places`: what the registration would look
    up through the row's relations. The snapshot is snapshot_fields's; returns the batch id."""
    batch = batch or str(uuid.uuid4())
    if not rows:
        return batch
    spec = tracked(model)
    names, values_of, to_convert = _snapshot_plan(model)
    pk = operator.attrgetter(model._meta.pk.attname)

    def records():
        for row, (area, household) in zip(rows, places, strict=True):
            values = list(values_of(row))
            for index in to_convert:
                values[index] = plain(values[index])
            name = spec.name(row)
            yield (
                spec.label,
                pk(row),
                (name if type(name) is str else str(name))[:200],
                area,
                household,
                ChangeAction.CREATE,
                dict(zip(names, values, strict=True)),
                getattr(row, "version", None),
            )

    _write(records(), actor=actor, source=source, batch=batch)
    _touched(spec.label, {area for area, _household in places})
    return batch


def _write(rows, *, actor, source: str, batch: str) -> None:
    """Change records from their ROW_COLUMNS values (changes as a dict), each made as it is
    written. On PostgreSQL the rows are COPY-ed: an import writes one record per household,
    member and income, and COPY takes a fraction of the time of INSERTs built by the ORM;
    PostgreSQL takes them in as they are made."""
    who = _signed(actor)
    source = source[:200]
    if connection.vendor != "postgresql":
        ChangeRecord.objects.bulk_create(
            [
                ChangeRecord(**dict(zip(ROW_COLUMNS, row, strict=True)), **who, source=source,
                             batch=batch)
                for row in rows
            ],
            batch_size=2000,
        )  # fmt: skip
        return
    now = timezone.now()
    actor_id = who["actor"].pk if who["actor"] is not None else None
    encode = DjangoJSONEncoder(ensure_ascii=False).encode  # one encoder for all the rows
    changes_at = ROW_COLUMNS.index("changes")
    copy_rows(
        ChangeRecord._meta.db_table,
        (*ROW_COLUMNS, "actor_id", "actor_name", "source", "batch", "at"),
        (
            (
                *row[:changes_at],
                encode(row[changes_at]),
                *row[changes_at + 1 :],
                actor_id,
                who["actor_name"],
                source,
                batch,
                now,
            )
            for row in rows
        ),
    )


def last_change(instance) -> ChangeRecord | None:
    """The latest change record of a tracked row: who saved it last, and when."""
    return (
        ChangeRecord.objects.filter(model=tracked(type(instance)).label, object_id=instance.pk)
        .order_by("-at", "-id")
        .first()
    )
