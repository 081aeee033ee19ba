"""Where one request's time goes: the scenarios of bench/registry_load.py run in-process, one at a
time, with the main steps of each timed (the database of bench/registry_api.py, seeded first by
registry_load.py). Prints, per scenario, the time of a whole request and of each step, in ms.

    .venv/bin/python bench/registry_segments.py [--requests 300]
"""

import argparse
import collections
import functools
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ["DEBUG"] = "0"

import registry_api  # noqa: E402,F401  (sets the bench database before Django reads settings)

SPENT: collections.Counter = collections.Counter()


def timed(owner, name: str, label: str) -> None:
    """Replace owner.name by a wrapper adding its time to SPENT[label]."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def instrument() -> None:
    import django.contrib.auth
    from django.template.backends.django import Template

    import core.api.lean
    import core.paging
    import registry.selectors
    import registry.views
    from core.api.renderers import FastJSONRenderer
    from registry import figures, panels

    timed(django.contrib.auth, "get_user", "session and user")
    timed(Template, "render", "templates")  # the backend's: once a page, includes inside
    timed(FastJSONRenderer, "render", "JSON")
    timed(core.paging, "count_rows", "count")
    timed(core.paging.ValuesPage, "__getitem__", "page of households")
    timed(registry.selectors, "live_members_of", "their members")
    timed(registry.selectors, "other_causes_of", "their other causes")
    timed(core.api.lean.LeanRows, "build", "rows built")
    timed(registry.views, "get_object_or_404", "household, members, incomes, causes")
    timed(registry.views, "log_access", "access log")
    timed(registry.selectors, "household_history_start", "history")
    timed(figures, "by_child_area", "kept figures")
    timed(registry.selectors, "area_breakdown", "township names")
    timed(registry.selectors, "home_summary", "home summary (figures, recent changes)")
    for provider in list(panels.HOME_PANELS):
        index = panels.HOME_PANELS.index(provider)
        label = f"panel {provider.__module__}.{provider.__name__}"
        panels.HOME_PANELS[index] = _timed_panel(provider, label)


def _timed_panel(provider, label):
    @functools.wraps(provider)
    def wrapper(request):
        started = time.perf_counter()
        try:
            return provider(request)
        finally:
            SPENT[label] += time.perf_counter() - started

    return wrapper


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from registry.models import Household

    instrument()
    users = get_user_model().objects
    cadre, county = users.get(username="bench_cadre"), users.get(username="bench_county")
    village = cadre.posts.get().area_id
    pages = [
        f"/households/{pk}/"
        for pk in Household.objects.filter(village_id=village).values_list("pk", flat=True)[:50]
    ]
    scenarios = [
        ("list API, a cadre's village", cadre, ["/api/households/"]),
        ("list API, the county", county, ["/api/households/"]),
        ("household page, cadre", cadre, pages),
        ("home page, county office", county, ["/"]),
    ]
    for name, user, paths in scenarios:
        client = Client()
        client.force_login(user)
        for turn in range(20):
            client.get(paths[turn % len(paths)])
        SPENT.clear()
        started = time.perf_counter()
        for turn in range(args.requests):
            response = client.get(paths[turn % len(paths)])
            assert response.status_code == 200, (name, response.status_code)
        total = (time.perf_counter() - started) / args.requests * 1000
        print(f"{name}: {total:.1f} ms a request")
        for label, seconds in SPENT.most_common():
            print(f"  {seconds / args.requests * 1000:6.2f}  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
