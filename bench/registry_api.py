"""Benchmark: the household list API and the status count at province scale.

Seeds ~1,000,000 members (250,000 households of ~4 people) over 2 counties x 20 townships x 20 villages in a
dedicated PostgreSQL database, then prints p50/p95/max of

* GET /api/households/?area=<village>    (county office user, 12-digit village code)
* GET /api/households/?area=<township>   (county office user, 9-digit prefix)
* GET /api/households/?q=<name>          (county office user, a real member's name)
* GET /api/households/                   (village cadre, own village)
* selectors.status_counts(user=<the county office>)

and EXPLAIN ANALYZE of the main queries of the slowest scenario. Goal: list p95 <= 100 ms.

    .venv/bin/python bench/registry_api.py [--households N] [--requests N] [--reseed]

The database (default postgres://postgres@127.0.0.1:5432/poverty_registry_bench, or
BENCH_DATABASE_URL) is created when missing and seeded only when it holds fewer households than
asked for, so re-runs take seconds.
"""

import argparse
import gc
import json
import os
import random
import secrets
import shlex
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/poverty_registry_bench"
COUNTY = "620623"
TARGET_MS = 100.0
WARMUP = 10
SEED = 20160101
REGISTRY_TABLES = [
    "core_area",
    "registry_household",
    "registry_household_other_causes",
    "registry_member",
    "registry_income",
    "core_post",
]

# Running `python bench/registry_api.py` puts bench/ on sys.path, not the project root.
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
# Set before Django reads settings: the dedicated database, never the developer's.
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
# Production runs with DEBUG off; DEBUG on would log every query and skew the timings.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--reseed", action="store_true", help="drop the database and seed again")
    return parser.parse_args(argv)


def ensure_database(*, drop: bool) -> None:
    """Create (or drop and create) the bench database, via the 'postgres' maintenance db."""
    import psycopg
    from psycopg import sql

    name = psycopg.conninfo.conninfo_to_dict(DATABASE_URL)["dbname"]
    with psycopg.connect(DATABASE_URL, dbname="postgres", autocommit=True) as conn:
        if drop:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def seed_if_needed(households: int, reseed: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from registry import demo
    from registry.models import Household

    ensure_database(drop=reseed)
    call_command("migrate", interactive=False, verbosity=0)
    have = Household.objects.count()
    if have >= households:
        print(f"database already holds {have:,} households; not seeding (--reseed to redo)")
    else:
        if have:
            # demo.seed cannot top up: a fresh generator repeats the ID numbers already stored,
            # which the one-live-record-per-person constraint refuses. Start from empty.
            print(f"database holds {have:,} < {households:,} households; recreating it")
            connection.close()
            ensure_database(drop=True)
            call_command("migrate", interactive=False, verbosity=0)
        started = time.perf_counter()

        def progress(done: int) -> None:
            elapsed = time.perf_counter() - started
            eta = elapsed / done * (households - done)
            print(
                f"  seeded {done:,}/{households:,} households  {elapsed:6.0f}s  eta {eta:5.0f}s",
                file=sys.stderr,
                flush=True,
            )

        demo.seed(
            households=households,
            counties=2,
            townships=20,
            villages=20,
            with_history=False,
            progress=progress,
        )
        print(f"seeded {households:,} households in {time.perf_counter() - started:.0f}s")
    # Bulk-loaded tables have no statistics and no visibility map until (auto)vacuum gets to
    # them: the planner then guesses row counts and cannot use index-only scans. Do it now.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in REGISTRY_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    print(f"VACUUM (ANALYZE) of registry tables: {time.perf_counter() - started:.1f}s")


def bench_users():
    """A county office user for COUNTY and a village cadre for one of its villages."""
    from core.choices import RoleCode as Role
    from core.models import Area, Post
    from core.posts import post_grant

    village = (
        Area.objects.within(COUNTY.ljust(12, "0")).filter(level="village").order_by("code").first()
    )
    users = {}
    for username, role, code in [
        ("bench_county", Role.COUNTY_OFFICE, COUNTY),
        ("bench_cadre", Role.VILLAGE_CADRE, village.code),
    ]:
        # The password is never used (the client logs in with force_login); it is set only
        # because post_grant wants one for a login-capable user.
        post = post_grant(
            username=username, role=role, area_code=code, password=secrets.token_urlsafe(16)
        )
        # Drop posts left by earlier runs, so the user's scope is exactly this one post.
        Post.objects.filter(user=post.user).exclude(pk=post.pk).delete()
        users[username] = post.user
    return users, village.code


def sample_values(rng: random.Random, n: int) -> dict[str, list[str]]:
    """Village codes, township prefixes and member names drawn from real rows in COUNTY."""
    from django.db import connection

    from core.models import Area

    villages = list(
        Area.objects.within(COUNTY.ljust(12, "0"))
        .filter(level="village")
        .order_by("code")
        .values_list("code", flat=True)
    )
    townships = sorted({code[:9] for code in villages})
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registry_member")
        low, high = cursor.fetchone()
        # Random members rather than distinct names: a common name (Tibetan 卓玛, 扎西 ...) is
        # searched as often as it occurs, which is what makes name search expensive.
        ids = sorted({rng.randint(low, high) for _ in range(n * 4)})
        cursor.execute(
            "SELECT m.name FROM registry_member m"
            " JOIN registry_household h ON h.id = m.household_id"
            " WHERE m.id = ANY(%s) AND m.left_on IS NULL AND h.village_id LIKE %s ORDER BY m.id",
            [ids, COUNTY + "%"],
        )
        names = [row[0] for row in cursor.fetchall()]
    return {
        "village": [rng.choice(villages) for _ in range(n)],
        "township": [rng.choice(townships) for _ in range(n)],
        "name": [rng.choice(names) for _ in range(n)],
    }


class Scenario:
    def __init__(self, name: str, run, params: list, rows_of):
        self.name = name
        self.run = run  # run(param) -> result; only this call is timed
        self.params = params
        self.rows_of = rows_of  # result -> rows found, checked after the timer stops
        self.times: list[float] = []
        self.db_times: list[float] = []  # time inside cursor.execute, per call
        self.rows: list[int] = []
        self.slowest_param = None

    def measure(self, requests: int) -> None:
        from django.db import connection

        in_db = [0.0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_db[0] += (time.perf_counter() - started) * 1000

        for param in self.params[:WARMUP]:
            self.run(param)
        with connection.execute_wrapper(timed):
            for param in self.params[:requests]:
                in_db[0] = 0.0
                started = time.perf_counter()
                result = self.run(param)
                elapsed = (time.perf_counter() - started) * 1000
                if not self.times or elapsed > max(self.times):
                    self.slowest_param = param
                self.times.append(elapsed)
                self.db_times.append(in_db[0])
                self.rows.append(self.rows_of(result))

    def percentile(self, p: int) -> float:
        # Inclusive method: with 200 samples p95 lies between the 190th and 191st fastest.
        return statistics.quantiles(self.times, n=100, method="inclusive")[p - 1]


def api_list(client):
    """GET /api/households/ straight through the production WSGI application (config/wsgi.py),
    with the session the test client logged in. The test client itself is not used for the
    timed calls: it connects signal receivers on every request, which the GC then rescans."""
    from urllib.parse import urlencode
    from wsgiref.util import setup_testing_defaults

    from config.wsgi import application

    cookie = f"sessionid={client.cookies['sessionid'].value}"

    def run(param):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/api/households/",
            "QUERY_STRING": urlencode(param or {}),
            "HTTP_COOKIE": cookie,
            "HTTP_HOST": "127.0.0.1",
        }
        setup_testing_defaults(environ)
        status = []
        body = b"".join(application(environ, lambda s, _headers, _exc=None: status.append(s)))
        return status[0], body

    return run


def api_count(response) -> int:
    """The list's total; also proves the request worked and the filter matched something."""
    status, body = response
    if not status.startswith("200"):
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return json.loads(body)["count"]


def explain(run, param) -> None:
    """Re-run one call, then EXPLAIN ANALYZE its slowest queries (the time goes there)."""
    from django.db import connection

    # Timed here rather than read from CaptureQueriesContext, which rounds to whole ms.
    queries: list[tuple[float, str, object]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql, params))

    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        run(param)
    wall = (time.perf_counter() - started) * 1000
    in_db = sum(ms for ms, _sql, _params in queries)
    print(
        f"  this call: {wall:.1f} ms, of which {in_db:.1f} ms in {len(queries)} queries"
        f" (the rest is Python: DRF, serializers, middleware); slowest first:"
    )
    queries.sort(key=lambda q: q[0], reverse=True)
    for ms, sql, _params in queries:
        print(f"    {ms:7.2f} ms  {' '.join(sql.split())[:140]}")
    selects = [q for q in queries if q[1].lstrip().upper().startswith("SELECT")]
    for ms, sql, params in selects[:3]:
        with connection.cursor() as cursor:
            print(f"\n  {ms:.2f} ms: {connection.ops.compose_sql(sql, params)}\n")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            for (line,) in cursor.fetchall():
                print("    " + line)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from registry import selectors
    from registry.models import Household, Member

    seed_if_needed(args.households, args.reseed)
    users, cadre_village = bench_users()
    rng = random.Random(SEED)
    n = WARMUP + args.requests
    values = sample_values(rng, n)

    county = Client()
    county.force_login(users["bench_county"])
    cadre = Client()
    cadre.force_login(users["bench_cadre"])
    scenarios = [
        Scenario(
            "list ?area=<village> (county user)",
            api_list(county),
            [{"area": code} for code in values["village"]],
            api_count,
        ),
        Scenario(
            "list ?area=<township> (county user)",
            api_list(county),
            [{"area": prefix} for prefix in values["township"]],
            api_count,
        ),
        Scenario(
            "list ?q=<name> (county user)",
            api_list(county),
            [{"q": name} for name in values["name"]],
            api_count,
        ),
        Scenario(f"list, cadre of {cadre_village}", api_list(cadre), [None] * n, api_count),
        Scenario(
            f"status_counts(user=<county office of {COUNTY}>)",
            lambda _param: selectors.status_counts(user=users["bench_county"]),
            [None] * n,
            lambda counts: sum(counts.values()),
        ),
    ]
    # Seeding leaves garbage behind; collect it now rather than inside the first timed call.
    gc.collect()
    # Load the application as a production worker does (config/wsgi.py, with its gc.freeze()).
    import config.wsgi  # noqa: F401

    load_before = os.getloadavg()[0]
    for scenario in scenarios:
        print(f"measuring: {scenario.name}", file=sys.stderr, flush=True)
        scenario.measure(args.requests)

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    command = shlex.join([".venv/bin/python", "bench/registry_api.py", *(argv or sys.argv[1:])])
    if "BENCH_DATABASE_URL" in os.environ:
        command = f"BENCH_DATABASE_URL={shlex.quote(DATABASE_URL)} {command}"
    print()
    print(f"command:   {command}")
    print(
        f"machine:   nproc={len(os.sched_getaffinity(0))}, PostgreSQL {pg_version}"
        f" (shared_buffers={shared_buffers}), Python {sys.version.split()[0]}"
    )
    # Other work on the machine shows up in the tails (p95, max); the load average tells.
    print(f"load avg:  {load_before:.2f} before measuring, {os.getloadavg()[0]:.2f} after")
    print(f"database:  {DATABASE_URL}")
    print(
        f"rows:      {Household.objects.count():,} households,"
        f" {Member.objects.count():,} members"
        f" ({Member.objects.filter(left_on__isnull=True).count():,} live),"
        f" 2 counties x 20 townships x 20 villages"
    )
    print(f"timing:    in-process WSGI calls (config.wsgi), {WARMUP} warm-up calls, then per call")
    print()
    header = (
        f"{'scenario':<40} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
        f" {'db p50':>7} {'db p95':>7} {'rows(median)':>12}  goal"
    )
    print(header)
    print("-" * len(header))
    for s in scenarios:
        db = statistics.quantiles(s.db_times, n=100, method="inclusive")
        verdict = "ok" if s.percentile(95) <= TARGET_MS else f"p95 > {TARGET_MS:.0f} ms"
        print(
            f"{s.name:<40} {len(s.times):>8} {s.percentile(50):>7.1f} {s.percentile(95):>7.1f}"
            f" {max(s.times):>7.1f} {db[49]:>7.1f} {db[94]:>7.1f}"
            f" {statistics.median(s.rows):>12,.0f}  {verdict}"
        )
    print("db p50/p95: time inside cursor.execute per call; the rest is Python (DRF, Django).")

    # Where the time goes: the slowest scenario by p95, plus any other that misses the goal.
    by_p95 = sorted(scenarios, key=lambda s: s.percentile(95), reverse=True)
    to_explain = [by_p95[0]] + [s for s in by_p95[1:] if s.percentile(95) > TARGET_MS]
    for s in to_explain:
        print(f"\n=== {s.name}: p95 {s.percentile(95):.1f} ms; slowest call {s.slowest_param}")
        explain(s.run, s.slowest_param)
    return 0


if __name__ == "__main__":
    sys.exit(main())
