"""Which exit standard applies: the most specific area (a county's own set over its province's,
a province's over the national one), then the latest year it applies from."""

from ..models import ExitStandard


def standards_of(level: str, year: int) -> list[ExitStandard]:
    """The standards of a level that apply in `year` somewhere, with their items, read once for
    a list of areas."""
    return list(
        ExitStandard.objects.filter(level=level, active=True, year_from__lte=year).prefetch_related(
            "items"
        )
    )


def pick(standards: list[ExitStandard], area_code: str) -> ExitStandard | None:
    return max(
        (s for s in standards if area_code.startswith(s.area_prefix)),
        key=lambda standard: (len(standard.area_prefix), standard.year_from),
        default=None,
    )


def standard_for(level: str, area_code: str, year: int) -> ExitStandard | None:
    return pick(standards_of(level, year), area_code)
