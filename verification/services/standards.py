"""Which exit standard applies: the most specific area (a county's own set over its province's,
a province's over the national one), then the latest year it applies from."""

from ..models import ExitStandard


def standard_for(level: str, area_code: str, year: int) -> ExitStandard | None:
    candidates = [
        standard
        for standard in ExitStandard.objects.filter(level=level, active=True, year_from__lte=year)
        if area_code.startswith(standard.area_prefix)
    ]
    return max(
        candidates,
        key=lambda standard: (len(standard.area_prefix), standard.year_from),
        default=None,
    )
