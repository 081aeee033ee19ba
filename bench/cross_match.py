"""Benchmark: cross-match about 1,000,000 members against a 300,000-entry 低保 roster.

    .venv/bin/python bench/cross_match.py [--households 250000] [--entries 300000] [--reseed]

Uses the registry bench database of bench/registry_api.py (seeded there when missing: ≈1M
members, ≈4 min), writes a new 低保 roster version of --entries entries (half of them people of
the registry, one in a hundred of those under another name; the rest people in no household),
empties the findings, then times the cross-match twice: the first run opens the findings, the
second finds nothing new. Each run is timed whole and by phase (the SQL joins and building the
findings; writing them). Goal (issue 10): each run ≤ 30 s on this 2-core machine.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registry_api  # sets the bench database before Django starts

GOAL_SECONDS = 30.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--entries", type=int, default=300_000)
    parser.add_argument("--reseed", action="store_true", help="rebuild the registry data")
    return parser.parse_args()


def write_roster(entries: int):
    """A 低保 roster for the first county: half registry people, half outsiders."""
    import datetime as dt

    from django.db import connection

    from core import idnumbers
    from core.bulk import copy_insert
    from core.models import Area
    from identification.models import Finding, Roster, RosterEntry
    from registry.models import Member

    rng = random.Random(20261130)
    Finding.objects.all().delete()
    Roster.objects.all().delete()
    county = Area.objects.filter(level="county").order_by("code").first()
    insiders = entries // 2
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, name FROM {Member._meta.db_table} WHERE left_on IS NULL "
            "ORDER BY md5(id::text) LIMIT %s",
            [insiders],
        )
        people = cursor.fetchall()
    rows = []
    for id_number, name in people:
        rows.append((id_number, name + "某" if rng.random() < 0.01 else name))
    serial = 0
    while len(rows) < entries:
        serial += 1
        first17 = f"620699{dt.date(1950, 1, 1) + dt.timedelta(days=serial // 500):%Y%m%d}"
        first17 += f"{serial % 500 * 2:03d}"
        rows.append((first17 + idnumbers.check_character(first17), f"外人{serial}"))
    roster = Roster.objects.create(
        type_id="dibao", area=county, as_of=dt.date(2026, 11, 1), heads_only=False
    )
    copy_insert(
        RosterEntry,
        [
            RosterEntry(roster=roster, row=row, id_number=number, name=name, details={})
            for row, (number, name) in enumerate(rows, start=2)
        ],
    )
    Roster.objects.filter(pk=roster.pk).update(entry_count=len(rows))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {RosterEntry._meta.db_table}")
    return roster


def timed_run(label: str):
    from identification.models import Finding, Roster
    from identification.services.findings import findings_reconcile
    from identification.services.matching import roster_findings

    roster = (
        Roster.objects.newest_versions().select_related("type", "type__attribute", "area").get()
    )
    started = time.perf_counter()
    found = roster_findings(roster)
    matched = time.perf_counter()
    among = Finding.objects.filter(
        source="roster", roster__type=roster.type, roster__area=roster.area
    )
    result = findings_reconcile(found=found, among=among)
    done = time.perf_counter()
    total = done - started
    print(
        f"{label}: {total:6.1f} s  (match in SQL and build {matched - started:5.1f} s, "
        f"write {done - matched:5.1f} s)  opened {len(result.opened):,}  "
        f"still open {result.still_open:,}  resolved {result.resolved:,}  "
        f"goal {GOAL_SECONDS:.0f} s: {total / GOAL_SECONDS:.2f} of it"
    )
    return total


def main():
    args = parse_args()
    import django

    django.setup()
    registry_api.seed_if_needed(args.households, args.reseed)
    from registry.models import Member

    started = time.perf_counter()
    roster = write_roster(args.entries)
    print(
        f"roster of {roster.entries.count():,} entries written in "
        f"{time.perf_counter() - started:.1f} s; {Member.objects.live().count():,} live members"
    )
    timed_run("first run (findings written)")
    timed_run("second run (nothing new)  ")


if __name__ == "__main__":
    main()
