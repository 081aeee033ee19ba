"""What a reader may see of personal data: one presenter for pages, the API, exports, the admin
and printed notices.

Who keeps an area (the edit action over it, core.scope) sees ID numbers, bank accounts,
disability certificates and birth dates in full; everyone else who may read it sees them
masked. Instances are never masked in place: a reader gets a masked copy, which refuses to be
saved (core.models.Versioned.save).
"""

import copy

from django.utils.functional import cached_property

from . import scope
from .choices import Action


def mask(value: str, keep_start: int = 6, keep_end: int = 4) -> str:
    """620623199001011234 -> 620623********1234; short values are hidden entirely."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_date(value: str) -> str:
    """1984-01-05 -> ****-**-**: the date is the eight digits an ID mask hides, and even the
    year, with the check character, would narrow a masked number to a few dozen candidates
    (issue 9 item 7)."""
    return "****-**-**" if value else value


# What a read-only role sees masked. A disability certificate number is the ID number plus two
# digits, and the birth date is the middle of the ID number, so both are masked with it.
MASKERS = {
    "id_number": mask,
    "bank_account": mask,
    "disability_certificate": mask,
    "birth_date": mask_date,
}


def mask_data(data: dict) -> dict:
    """A copy of a record's values, or of a change record's {field: [old, new]}, masked."""
    masked = dict(data)
    for key, masker in MASKERS.items():
        value = masked.get(key)
        if isinstance(value, str):
            masked[key] = masker(value)
        elif isinstance(value, list):
            masked[key] = [masker(v) if isinstance(v, str) else v for v in value]
    return masked


def _masked_value(name: str, value):
    if name == "birth_date":
        return mask_date(value.isoformat())
    return MASKERS[name](value) if isinstance(value, str) else value


def masked_copy(instance):
    """A copy of a row with its sensitive values masked, for display only. A masked birth date
    is kept as text in `masked_birth_date` (the date field itself becomes empty)."""
    shown = copy.copy(instance)
    shown._masked = True
    for name, masker in MASKERS.items():
        value = shown.__dict__.get(name)
        if name == "birth_date":
            if name in shown.__dict__:
                shown.masked_birth_date = mask_date(value.isoformat()) if value else ""
                shown.birth_date = None
        elif isinstance(value, str):
            setattr(shown, name, masker(value))
    return shown


class Presenter:
    """What one user may see: `in_full(area_code)`, and rows or values as that user sees them."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def full(self) -> scope.Reach:
        return scope.reach(self.user, Action.EDIT)

    def in_full(self, area_code: str) -> bool:
        return self.full.covers(area_code)

    def data(self, data: dict, area_code: str) -> dict:
        return data if self.in_full(area_code) else mask_data(data)

    def values(self, row, area_code: str):
        """A row of plain values (a namedtuple named by field) as this reader sees it: where
        the reader does not keep the area, its sensitive fields masked (a date as masked
        text)."""
        if self.in_full(area_code):
            return row
        return row._replace(
            **{
                name: _masked_value(name, value)
                for name in MASKERS.keys() & row._fields
                if (value := getattr(row, name))
            }
        )

    def row(self, instance, area_code: str):
        """The instance itself for a reader who keeps its area, else a masked copy."""
        return instance if self.in_full(area_code) else masked_copy(instance)

    def rows(self, instances, area_code: str) -> list:
        return [self.row(instance, area_code) for instance in instances]
