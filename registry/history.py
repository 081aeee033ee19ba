"""Change records (变更记录): the who / when / what of every change to the registry."""

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from .bulk import copy_rows
from .models import ChangeRecord, Household, Income, Member

TRACKED_MODELS = {Household: "household", Member: "member", Income: "income"}
UNTRACKED_FIELDS = {"id", "version", "created_at", "updated_at", "head_name", "size"}


def tracked_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in UNTRACKED_FIELDS and field.attname not in UNTRACKED_FIELDS
    ]


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@functools.cache
def _snapshot_plan(model) -> tuple:
    """The tracked fields' names, a getter for their values, and which of those need _plain;
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
        values[index] = _plain(values[index])
    return dict(zip(names, values, strict=True))


@functools.cache
def _names_by_attname(model) -> dict[str, str]:
    return {field.attname: field.name for field in model._meta.concrete_fields}


def copy_changes(target, source, attnames) -> dict:
    """Copy the given fields from source onto target; {field name: [old, new]} for those that
    differed, as diff() gives them."""
    names = _names_by_attname(type(target))
    changes = {}
    for attname in attnames:
        old, new = getattr(target, attname), getattr(source, attname)
        if old != new:
            changes[names[attname]] = [_plain(old), _plain(new)]
            setattr(target, attname, new)
    return changes


def snapshot(instance) -> dict:
    """snapshot_fields, plus a household's other causes of poverty (one more query)."""
    values = snapshot_fields(instance)
    if isinstance(instance, Household) and instance.pk:
        values["other_causes"] = sorted(instance.other_causes.values_list("code", flat=True))
    return values


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose values differ."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


ROW_COLUMNS = ("model", "object_id", "household_id", "village_code", "action", "changes", "version")


def _row(instance, action: str, changes: dict) -> tuple:
    """The record's columns that depend on the changed row, in ROW_COLUMNS order."""
    if isinstance(instance, Household):
        household_id, village_code = instance.pk, instance.village_id
    else:
        household_id, village_code = instance.household_id, instance.household.village_id
    return (
        TRACKED_MODELS[type(instance)],
        instance.pk,
        household_id,
        village_code,
        action,
        changes,
        instance.version,
    )


def _signed(actor) -> dict:
    if actor is not None and actor.is_authenticated:
        return {"actor": actor, "actor_name": actor.get_username()}
    return {"actor": None, "actor_name": ""}


def record(instance, *, action: str, changes: dict, actor, batch: str = "") -> ChangeRecord:
    return ChangeRecord.objects.create(
        **dict(zip(ROW_COLUMNS, _row(instance, action, changes), strict=True)),
        **_signed(actor),
        batch=batch,
    )


def record_many(entries: Sequence, *, actor, batch: str | None = None) -> str:
    """Write the history of a bulk change in one go; returns the batch id. An entry is
    (instance, action, changes); changes None stands for the instance's snapshot, taken as its
    record is written, so that an import does not hold a snapshot of every row it creates.

    On PostgreSQL the rows are COPY-ed: an import writes one record per household, member and
    income, and COPY takes a fraction of the time of INSERTs built by the ORM."""
    batch = batch or str(uuid.uuid4())
    if not entries:
        return batch
    rows = (
        _row(instance, action, snapshot_fields(instance) if changes is None else changes)
        for instance, action, changes in entries
    )
    who = _signed(actor)
    if connection.vendor != "postgresql":
        ChangeRecord.objects.bulk_create(
            [ChangeRecord(**dict(zip(ROW_COLUMNS, row, strict=True)), **who, batch=batch)
             for row in rows],
            batch_size=2000,
        )  # fmt: skip
        return batch
    now = timezone.now()
    actor_id = who["actor"].pk if who["actor"] is not None else None
    encode = DjangoJSONEncoder(ensure_ascii=False).encode  # one encoder for all the rows
    copy_rows(
        ChangeRecord._meta.db_table,
        (*ROW_COLUMNS, "actor_id", "actor_name", "batch", "at"),
        (
            (*row[:5], encode(row[5]), row[6], actor_id, who["actor_name"], batch, now)
            for row in rows
        ),
    )
    return batch
