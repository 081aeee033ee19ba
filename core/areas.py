"""Loading areas (行政区划) from the official list, by code."""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .idnumbers import normalize
from .models import Area
from .scope import LEVEL_DIGITS, level_of


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def normalize_area_code(raw: str) -> str:
    """Accept a code as the official list prints it (12 digits) or with only its significant
    digits (62, 6206, 620623, 620623100, 620623100200)."""
    code = normalize(raw)
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
