"""Change records (变更记录): the who / when / what of every change to the registry."""

import datetime as dt
import uuid
from decimal import Decimal

from django.db import models

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


def snapshot_fields(instance) -> dict:
    """The tracked column values of an instance, as JSON-ready values keyed by field name."""
    return {
        field.name: _plain(getattr(instance, field.attname))
        for field in tracked_fields(type(instance))
    }


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


def _village_code(instance) -> str:
    if isinstance(instance, Household):
        return instance.village_id
    return instance.household.village_id


def record(instance, *, action: str, changes: dict, actor, batch: str = "") -> ChangeRecord:
    return ChangeRecord.objects.create(**_record_fields(instance, action, changes, actor, batch))


def record_many(entries, *, actor, batch: str | None = None) -> str:
    """Write the history of a bulk change in one statement; returns the batch id."""
    batch = batch or str(uuid.uuid4())
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(**_record_fields(instance, action, changes, actor, batch))
            for instance, action, changes in entries
        ],
        batch_size=2000,
    )
    return batch


def _record_fields(instance, action, changes, actor, batch) -> dict:
    household_id = instance.pk if isinstance(instance, Household) else instance.household_id
    return {
        "model": TRACKED_MODELS[type(instance)],
        "object_id": instance.pk,
        "household_id": household_id,
        "village_code": _village_code(instance),
        "action": action,
        "changes": changes,
        "version": instance.version,
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "actor_name": actor.get_username() if actor is not None and actor.is_authenticated else "",
        "batch": batch,
    }
