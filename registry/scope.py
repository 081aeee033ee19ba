"""Area scope: who may read and change what.

A user holds posts (岗位: a role in an area). Everything a user may see lies inside the areas of
their posts, and "inside" is a prefix test on the 12-digit statistical code. Every queryset that a
page, endpoint, export or admin list reads is narrowed here, through `visible_to(user)`.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import AreaLevel, Role

LEVEL_DIGITS = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
}
# Roles that keep the registry: they change households and see ID and bank numbers in full.
EDITOR_ROLES = frozenset({Role.VILLAGE_CADRE, Role.ADMIN})


def level_of(code: str) -> AreaLevel:
    for level, digits in LEVEL_DIGITS.items():
        if set(code[digits:]) <= {"0"}:
            return level
    raise ValueError(code)


def significant_prefix(code: str) -> str:
    """620623000000 -> 620623: the digits that every code inside the area starts with."""
    return code[: LEVEL_DIGITS[level_of(code)]]


def _minimal(prefixes: Iterable[str]) -> list[str]:
    """Drop prefixes already covered by a shorter one, so each row is tested once."""
    kept: list[str] = []
    for prefix in sorted(set(prefixes), key=len):
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return sorted(kept)


def _posts(user) -> list[tuple[str, str]]:
    cached = getattr(user, "_registry_posts", None)
    if cached is None:
        from .models import Post

        cached = [
            (role, significant_prefix(area_id))
            for role, area_id in Post.objects.filter(user_id=user.pk).values_list("role", "area_id")
        ]
        user._registry_posts = cached
    return cached


def area_prefixes(user, roles: Iterable[str] | None = None) -> list[str] | None:
    """The area prefixes a user reaches, or None when the user reaches everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    wanted = set(roles) if roles is not None else None
    return _minimal(prefix for role, prefix in _posts(user) if wanted is None or role in wanted)


def prefix_q(prefixes: list[str] | None, field: str) -> Q:
    """Rows whose area code lies inside any of the prefixes (None: everything)."""
    if prefixes is None:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        # A whole village code is an equality: the (village, id) index then yields rows in id
        # order and a page stops after 50, where a LIKE range would sort (bench: 20 ms -> 1 ms).
        lookup = field if len(prefix) == LEVEL_DIGITS[AreaLevel.VILLAGE] else f"{field}__startswith"
        q |= Q(**{lookup: prefix})
    return q


def covers(prefixes: list[str] | None, code: str) -> bool:
    return prefixes is None or any(code.startswith(prefix) for prefix in prefixes)


def can_edit(user, area_code: str) -> bool:
    return covers(area_prefixes(user, EDITOR_ROLES), area_code)


def ensure_can_edit(user, area_code: str) -> None:
    if not can_edit(user, area_code):
        raise PermissionDenied(_("您没有修改该地区数据的权限。"))


def can_register(user) -> bool:
    """May this user register households somewhere (a cadre's or an admin's post)?"""
    return bool(roles_of(user) & EDITOR_ROLES)


def roles_of(user) -> set[str]:
    if user.is_superuser:
        return set(Role.values)
    return {role for role, _prefix in _posts(user)}


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which field holds its rows' area code."""

    area_field = ""

    def visible_to(self, user):
        return self.filter(prefix_q(area_prefixes(user), self.area_field))

    def editable_by(self, user):
        return self.filter(prefix_q(area_prefixes(user, EDITOR_ROLES), self.area_field))
