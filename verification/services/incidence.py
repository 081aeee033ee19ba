"""Poverty incidence (贫困发生率) = the registered poor people remaining at the end of a year ÷
the registered rural population (户籍农业人口), per village, township or county.

Who was poor at the end of a year is read from each household's status years: identified by
then, and not exited by then (or exited and returned by then); households removed as wrongly
identified never count. People are the household's members on the roll today: the registry
keeps who joined and left, but not the roll of past years."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core import scope
from core.models import Area
from registry.choices import HouseholdStatus
from registry.models import Member

S = HouseholdStatus
HUNDRED = Decimal(100)


def poor_at_end_of(year: int, prefix: str = "household__") -> Q:
    """Households (through `prefix`) registered poor at the end of `year`."""

    def f(name):
        return f"{prefix}{name}"

    identified = Q(**{f("first_identified_year__lte"): year}) | Q(
        **{f("first_identified_year__isnull"): True, f("status"): S.REGISTERED}
    )
    not_out = (
        Q(**{f("exit_year__isnull"): True})
        | Q(**{f("exit_year__gt"): year})
        | Q(**{f("return_year__lte"): year, f("status"): S.REGISTERED})
    )
    return Q(**{f("status__in"): (S.REGISTERED, S.EXITED)}) & identified & not_out


@dataclass(frozen=True)
class Incidence:
    area: Area
    year: int
    poor: int
    population: int | None

    @property
    def rate(self) -> Decimal | None:
        """In percent, two decimals; None where the rural population is not on record."""
        if not self.population:
            return None
        return (Decimal(self.poor) * HUNDRED / Decimal(self.population)).quantize(Decimal("0.01"))

    def meets(self, threshold: Decimal | None) -> bool | None:
        rate = self.rate
        if rate is None or threshold is None:
            return None
        return rate < threshold


def _poor_people_by_village(area_code: str, year: int) -> dict[str, int]:
    members = scope.within(Member.objects.live(), area_code)
    return dict(
        members.filter(poor_at_end_of(year))
        .values_list("household__village_id")
        .annotate(n=Count("*"))
        .values_list("household__village_id", "n")
    )


def _population(area: Area) -> int | None:
    """The area's own figure, or the sum of its villages' where it has none."""
    if area.rural_population is not None or area.level == "village":
        return area.rural_population
    total = scope.within(Area.objects.filter(level="village"), area.code).aggregate(
        n=Sum("rural_population")
    )["n"]
    return total or None


def incidence_of(area: Area, year: int) -> Incidence:
    poor = sum(_poor_people_by_village(area.code, year).values())
    return Incidence(area=area, year=year, poor=poor, population=_population(area))


def incidence_below(area: Area, year: int) -> list[Incidence]:
    """The incidence of each area one level below `area` (a county's townships, a township's
    villages), in two queries for the people and one for the populations."""
    prefix = scope.significant_prefix(area.code)
    digits = scope.child_prefix_length(prefix)
    if digits is None:
        return []
    children = list(Area.objects.filter(parent=area).order_by("code"))
    poor = _poor_people_by_village(area.code, year)
    villages = scope.within(Area.objects.filter(level="village"), area.code).values_list(
        "code", "rural_population"
    )
    village_population: dict[str, int] = {}
    for code, population in villages:
        if population is not None:
            key = code[:digits]
            village_population[key] = village_population.get(key, 0) + population
    rows = []
    for child in children:
        key = child.code[:digits]
        population = child.rural_population
        if population is None and child.level != "village":
            population = village_population.get(key)
        rows.append(
            Incidence(
                area=child,
                year=year,
                poor=sum(n for code, n in poor.items() if code.startswith(key)),
                population=population,
            )
        )
    return rows
