"""Sections other apps add to a household's page and to the home page. The registry imports no
app above it, so they register a provider here from their AppConfig.ready():
provider(request, household) or provider(request) returns {"template": ..., **context} to
show, or None."""

from collections.abc import Callable

HOUSEHOLD_PANELS: list[Callable] = []


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
