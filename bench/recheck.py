"""Benchmark: the periodic re-check (回头核查) over about 1,000,000 members.

    .venv/bin/python bench/recheck.py [--households 250000] [--past-years 2] [--reseed]

Uses the registry bench database of bench/registry_api.py (seeded there when missing: ≈1M
members, ≈4 min). That data holds this year's incomes only, no poverty line for 2022 to last
year, nobody who left and no birth date out of range: six of the eight rules would find nothing
at all. The setup step adds what they look at, once, in bulk SQL (each step is skipped when its
data is there already):

* the poverty lines of the years between the reference fixtures' last (2021) and this year,
  the last known line again, as registry.demo does for this year;
* --past-years years of past incomes for each household with an income this year: that income
  times 0.75-1.25, fixed per household and year (registered_above_line compares two years);
* this year's income not yet entered for 1 registered or exited household in 100
  (no_income_this_year), unless the seeded data already leaves some out (registry.demo does
  since it leaves 5 % of registered households without one);
* 1 live member in 100, not a head, left a month ago, the household's size brought down as
  member_leave does while this year's income still counts them (size_counts_departed); every
  member of 1 kept household in 1,000 left (no_live_members);
* birth dates typed wrong: 1 live member in 5,000 born 1900-1909 (member_too_old), the head of
  1 household in 2,000 aged 6-15 (head_too_young).

exited_below_line and below_monitoring_threshold find what the seeded incomes hold. Then the
rule findings are emptied and recheck() runs twice: the first run opens the findings, the
second finds nothing new. Each run is timed whole and per rule, split into finding (the rule's
query and building its findings) and writing (findings_reconcile). Goal: each run ≤ 60 s on
this 2-core machine (the nightly job).
"""

import argparse
import collections
import contextlib
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registry_api  # sets the bench database before Django starts

GOAL_SECONDS = 60.0
KEPT = ("registered", "exited")  # statuses with this year's income to leave out


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument(
        "--past-years", type=int, default=2, help="years of past incomes per household"
    )
    parser.add_argument("--reseed", action="store_true", help="rebuild the registry data")
    return parser.parse_args()


def _exists(cursor, sql: str, params=()) -> bool:
    cursor.execute(f"SELECT EXISTS ({sql})", params)
    return cursor.fetchone()[0]


def add_rule_data(past_years: int) -> list[str]:
    """What the rules look at and the seeded data lacks (see the docstring); returns the steps
    it took, none when the data already holds them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from registry import demo, selectors
    from registry.models import PovertyLine

    year = selectors.current_income_year()
    today = timezone.localdate()
    left_on = today - dt.timedelta(days=30)
    done = []
    with transaction.atomic(), connection.cursor() as cursor:
        first = PovertyLine.objects.order_by("year").values_list("year", flat=True).first()
        have = set(PovertyLine.objects.values_list("year", flat=True))
        for line_year in range(min(first or year, year - past_years), year + 1):
            if line_year not in have:
                demo._demo_line(line_year)  # the last known line again, marked as demo data
                done.append(f"poverty line {line_year}")

        for past in range(year - past_years, year):
            if _exists(cursor, "SELECT 1 FROM registry_income WHERE year = %s", [past]):
                continue
            cursor.execute(
                """
                INSERT INTO registry_income (household_id, year, wage_income, production_income,
                    property_income, transfer_income, production_cost, household_size,
                    version, created_at, updated_at)
                SELECT i.household_id, %(past)s, round(i.wage_income * f.f),
                    round(i.production_income * f.f), round(i.property_income * f.f),
                    round(i.transfer_income * f.f), round(i.production_cost * f.f),
                    i.household_size, 1, now(), now()
                FROM registry_income i,
                    LATERAL (SELECT 0.75 + mod(hashtext(i.household_id::text || ':'
                        || %(past)s::text)::bigint + 2147483648, 1001) / 2000.0 AS f) f
                WHERE i.year = %(year)s
                """,
                {"past": past, "year": year},
            )
            done.append(f"{cursor.rowcount:,} incomes of {past}")

        missing_income = """
            SELECT 1 FROM registry_household h WHERE h.status = ANY(%s) AND NOT EXISTS (
                SELECT 1 FROM registry_income i WHERE i.household_id = h.id AND i.year = %s)
        """
        if not _exists(cursor, missing_income, [list(KEPT), year]):
            cursor.execute(
                "DELETE FROM registry_income i USING registry_household h"
                " WHERE i.household_id = h.id AND i.year = %s AND h.status = ANY(%s)"
                " AND mod(h.id, 100) = 37",
                [year, list(KEPT)],
            )
            done.append(f"{cursor.rowcount:,} incomes of {year} not yet entered")

        if not _exists(cursor, "SELECT 1 FROM registry_member WHERE left_on IS NOT NULL"):
            reason = (
                "CASE WHEN m.relation IN ('head', 'father', 'mother') THEN 'death'"
                " WHEN m.relation = 'daughter' THEN 'married_out' ELSE 'other_out' END"
            )
            cursor.execute(
                f"UPDATE registry_member m SET left_on = GREATEST(m.joined_on, %s),"
                f" leave_reason = {reason}, version = m.version + 1, updated_at = now()"
                " WHERE m.left_on IS NULL AND m.relation <> 'head' AND mod(m.id, 100) = 41",
                [left_on],
            )
            done.append(f"{cursor.rowcount:,} members left")
            cursor.execute(
                f"UPDATE registry_member m SET left_on = GREATEST(m.joined_on, %s),"
                f" leave_reason = {reason}, version = m.version + 1, updated_at = now()"
                " FROM registry_household h WHERE h.id = m.household_id"
                " AND h.status <> 'removed' AND mod(h.id, 1000) = 3 AND m.left_on IS NULL",
                [left_on],
            )
            done.append(f"{cursor.rowcount:,} members of households left whole")
            # The household row keeps its live member count (registry refresh_summary).
            cursor.execute(
                "UPDATE registry_household h SET size = l.n FROM ("
                "  SELECT household_id, count(*) FILTER (WHERE left_on IS NULL) AS n"
                "  FROM registry_member GROUP BY household_id"
                ") l WHERE l.household_id = h.id AND h.size <> l.n"
            )
            done.append(f"{cursor.rowcount:,} household sizes brought down")

        if not _exists(
            cursor,
            "SELECT 1 FROM registry_member WHERE left_on IS NULL AND birth_date < '1911-01-01'",
        ):
            cursor.execute(
                "UPDATE registry_member SET birth_date = DATE '1900-01-01' + mod(id, 3650)::int,"
                " version = version + 1, updated_at = now()"
                " WHERE left_on IS NULL AND mod(id, 5000) = 11"
            )
            done.append(f"{cursor.rowcount:,} members born 1900-1909")
            cursor.execute(
                "UPDATE registry_member SET birth_date = %s::date - (365 * (6 + mod(id, 10)))::int,"
                " version = version + 1, updated_at = now()"
                " WHERE left_on IS NULL AND relation = 'head' AND mod(household_id, 2000) = 17",
                [today],
            )
            done.append(f"{cursor.rowcount:,} heads aged under 16")
    if done:
        with connection.cursor() as cursor:
            for table in ("registry_income", "registry_member", "registry_household"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    return done


def empty_findings() -> int:
    from django.db import connection

    from identification.choices import FindingSource
    from identification.models import Finding

    deleted, _by_model = Finding.objects.filter(source=FindingSource.RULE).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {Finding._meta.db_table}")
    return deleted


@contextlib.contextmanager
def timed_rules():
    """Time each rule's finding and its writing inside one whole recheck(): the rules of the
    RULES registry, and findings_reconcile as rechecks calls it, wrapped for the run."""
    from identification.services import rechecks

    stats: dict[str, dict] = collections.defaultdict(dict)
    rules = dict(rechecks.RULES)
    reconcile = rechecks.findings_reconcile
    running = []

    def timed_rule(code, function):
        def run(check):
            started = time.perf_counter()
            found = function(check)
            stats[code].update(find=time.perf_counter() - started, found=len(found))
            running.append(code)
            return found

        return run

    def timed_reconcile(*, found, among):
        started = time.perf_counter()
        result = reconcile(found=found, among=among)
        stats[running[-1]].update(write=time.perf_counter() - started, result=result)
        return result

    rechecks.RULES.update({code: timed_rule(code, function) for code, function in rules.items()})
    rechecks.findings_reconcile = timed_reconcile
    try:
        yield stats
    finally:
        rechecks.RULES.update(rules)
        rechecks.findings_reconcile = reconcile


def timed_run(label: str) -> float:
    from identification.services.rechecks import recheck

    with timed_rules() as stats:
        started = time.perf_counter()
        result = recheck()
        total = time.perf_counter() - started
    print(f"\n{label}")
    header = (
        f"  {'rule':<28} {'found':>8} {'opened':>8} {'still open':>10} {'resolved':>8}"
        f" {'find s':>7} {'write s':>7} {'rule s':>7}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for code, s in stats.items():
        r = s["result"]
        print(
            f"  {code:<28} {s['found']:>8,} {len(r.opened):>8,} {r.still_open:>10,}"
            f" {r.resolved:>8,} {s['find']:>7.1f} {s['write']:>7.1f}"
            f" {s['find'] + s['write']:>7.1f}"
        )
    print(
        f"  whole run: {total:6.1f} s  ({result.checked} rules; finding"
        f" {sum(s['find'] for s in stats.values()):5.1f} s, writing"
        f" {sum(s['write'] for s in stats.values()):5.1f} s)  opened {len(result.opened):,}"
        f"  still open {result.still_open:,}  resolved {result.resolved:,}"
        f"  goal {GOAL_SECONDS:.0f} s: {total / GOAL_SECONDS:.2f} of it"
    )
    return total


def main():
    args = parse_args()
    import django

    django.setup()
    registry_api.seed_if_needed(args.households, args.reseed)
    from registry.models import Household, Income, Member

    started = time.perf_counter()
    steps = add_rule_data(args.past_years)
    print(
        f"rule data added in {time.perf_counter() - started:.1f} s: " + "; ".join(steps)
        if steps
        else "rule data already there"
    )
    print(f"emptied {empty_findings():,} rule findings")
    print(
        f"{Household.objects.count():,} households, {Member.objects.count():,} members"
        f" ({Member.objects.live().count():,} live), {Income.objects.count():,} incomes"
    )
    timed_run("first run (findings written)")
    timed_run("second run (nothing new)")


if __name__ == "__main__":
    main()
