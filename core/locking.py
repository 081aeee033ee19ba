"""Optimistic locking, once for every interface: an edit names the version it started from.

Services lock the row and compare versions (`lock`); the admin's form checks before saving
(`check`). An edit that started from an older version is refused with ConflictError, unless
the caller says what the user saw when they opened the record (`opened`) and nobody has since
changed any field this edit changes: then the edit goes on top of the newer version. The pages
pass what they showed; the API passes nothing, so a stale API edit is always a 409.
"""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import ConflictError


def require(version) -> int:
    if version in (None, ""):
        raise ValidationError({"version": _("修改时必须提供当前版本号 version。")})
    try:
        return int(version)
    except (TypeError, ValueError):
        raise ValidationError({"version": _("版本号应为整数。")}) from None


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | models.Manager):
        value = value.all()
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return sorted(_comparable(item) for item in value)
    return value


def changed_since(current, opened: Mapping, names: Iterable[str]) -> list[str]:
    """Of the fields an edit changes, those whose stored value is no longer what the user saw."""
    return [
        name
        for name in names
        if name not in opened or _comparable(getattr(current, name)) != _comparable(opened[name])
    ]


def _judge(current, version: int, changes, opened):
    if version == current.version:
        return current
    if opened is None or changes is None:
        raise ConflictError(current)
    overlap = changed_since(current, opened, changes)
    if overlap:
        raise ConflictError(current, fields=overlap)
    return current


def lock(instance, version, *, changes: Iterable[str] | None = None, opened=None):
    """The stored row, locked for this transaction, if an edit from `version` may go ahead."""
    version = require(version)
    current = type(instance).objects.select_for_update().get(pk=instance.pk)
    return _judge(current, version, None if changes is None else list(changes), opened)


def check(instance, version) -> None:
    """Raise ConflictError if the row has moved on from `version` (no lock: for a form's clean)."""
    version = require(version)
    current = type(instance).objects.get(pk=instance.pk)
    _judge(current, version, None, None)
