"""Sections other apps add to a household's page and to the home page. The registry imports no
app above it, so they register a provider here from their AppConfig.ready():
provider(request, household) or provider(request) returns {"template": ..., **context} to
show, or None."""

from collections.abc import Callable

HOUSEHOLD_PANELS: list[Callable] = []
HOUSEHOLD_FACTS: dict[str, Callable] = {}


def household_fact(name: str, expression: Callable) -> None:
    """A yes or no that a panel asks of a household (expression() is an Exists on the
    household's pk), answered by the household page's own query: a household with nothing for
    the panel, as most have, then costs the panel no query. The provider reads it as
    getattr(household, name, True)."""
    HOUSEHOLD_FACTS[name] = expression


def household_panel(provider: Callable) -> Callable:
    HOUSEHOLD_PANELS.append(provider)
    return provider


def panels_for(request, household) -> list[dict]:
    return [panel for provider in HOUSEHOLD_PANELS if (panel := provider(request, household))]


HOME_PANELS: list[Callable] = []


def home_panel(provider: Callable) -> Callable:
    HOME_PANELS.append(provider)
    return provider


def home_panels_for(request) -> list[dict]:
    return [panel for provider in HOME_PANELS if (panel := provider(request))]
