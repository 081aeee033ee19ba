"""The project's own error types. Services raise them; one handler per interface (API, pages)
turns them into responses. Field errors use Django's ValidationError; permission errors use
Django's PermissionDenied."""

from django.db import DataError
from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """An edit started from an old version: someone saved a newer one in between. `fields`
    names the fields both changed, when known."""

    message = _("该记录已被他人修改（当前为第 %(version)s 版），请查看最新内容后重新修改。")

    def __init__(self, current, fields=()):
        self.current = current
        self.fields = list(fields)
        super().__init__(str(self.message % {"version": current.version}))


def is_nul_error(error: Exception) -> bool:
    """PostgreSQL refused a NUL character (in a URL, an id or a form value)."""
    return isinstance(error, DataError) and "NUL" in str(error)
