"""Load benchmark: the registry read by many users at once, at province scale (issue 14).

Uses the database of bench/registry_api.py (250,000 households, ~1,000,000 members; seeded when
missing), adds history when it has none (a 'create' record for every household and member and
two edits per household, as registration and later visits leave them), then starts gunicorn as
the README's deployment section says (DEBUG off, static files collected, Redis for the cache
and sessions; 3 workers, bound to 127.0.0.1) and drives it with wrk: a fixed number of
connections for a fixed time per scenario. Prints req/s and p50/p95/p99 for each scenario, with
a trivial endpoint (/healthz/: one SELECT 1) as the same run's baseline, each scenario's goal
and whether it is met; stops gunicorn at the end, whatever happens.

    .venv/bin/python bench/registry_load.py [--duration 20] [--connections 8] [--workers 3]

Needs wrk (Debian: apt-get install wrk) and Redis on 127.0.0.1:6379 (database 3 is used).
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")

import registry_api  # noqa: E402  (sets the bench database before Django reads settings)

PORT = 8765
EDITS_PER_HOUSEHOLD = 2

# wrk's Lua: each connection walks the paths file, sends the session cookie, and the run ends
# with one line of figures (latencies in microseconds).
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local cookie = os.getenv("BENCH_COOKIE")
local turn = math.random(#paths)
request = function()
  turn = turn % #paths + 1
  local headers = {}
  if cookie ~= "" then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[turn], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Scenario:
    name: str
    paths: list[str]
    cookie: str
    goal: str  # "p95<=100" (ms) or "rps>=250"
    connections: int | None = None  # None: --connections


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--households", type=int, default=250_000)
    return parser.parse_args(argv)


def seed_history() -> None:
    """History as the registry keeps it, written by SQL (the ORM would take an hour): a create
    record per household and member, and EDITS_PER_HOUSEHOLD edits of each household's phone,
    spread over the past year; skipped when the history already holds them."""
    from django.db import connection, transaction

    from core.models import ChangeRecord

    if ChangeRecord.objects.filter(source="bench").exists():
        print("history already seeded")
        return
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO core_changerecord (model, object_id, object_repr, area_code, household_id,
                action, changes, version, actor_name, source, batch, at)
            SELECT 'registry.household', h.id, h.head_name, h.village_id, h.id, 'create',
                to_jsonb(h) - 'id' - 'version' - 'created_at' - 'updated_at', 1, 'bench',
                'bench', '', now() - interval '400 days' + (h.id % 1000) * interval '1 minute'
            FROM registry_household h
            """
        )
        cursor.execute(
            """
            INSERT INTO core_changerecord (model, object_id, object_repr, area_code, household_id,
                action, changes, version, actor_name, source, batch, at)
            SELECT 'registry.member', m.id, m.name, h.village_id, h.id, 'create',
                to_jsonb(m) - 'id' - 'version' - 'created_at' - 'updated_at', 1, 'bench',
                'bench', '', now() - interval '400 days' + (h.id % 1000) * interval '1 minute'
            FROM registry_member m JOIN registry_household h ON h.id = m.household_id
            """
        )
        cursor.execute(
            """
            INSERT INTO core_changerecord (model, object_id, object_repr, area_code, household_id,
                action, changes, version, actor_name, source, batch, at)
            SELECT 'registry.household', h.id, h.head_name, h.village_id, h.id, 'update',
                jsonb_build_object('phone', jsonb_build_array('', h.phone)), 1 + edit, 'bench',
                'bench', '', now() - (h.id %% 365 + edit * 7) * interval '1 day'
            FROM registry_household h CROSS JOIN generate_series(1, %s) AS edit
            """,
            [EDITS_PER_HOUSEHOLD],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) core_changerecord")
    print(
        f"history seeded: {ChangeRecord.objects.count():,} records in "
        f"{time.perf_counter() - started:.0f}s"
    )


def session_cookie(user) -> str:
    """A logged-in session of the user, stored as the server will read it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )

    # As the test client's force_login: the first backend that can load a user (not the
    # login lockout's).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def scenarios(users, cadre_village: str) -> list[Scenario]:
    from registry.models import Household

    rng = random.Random(registry_api.SEED)
    cadre = session_cookie(users["bench_cadre"])
    county = session_cookie(users["bench_county"])
    households = list(
        Household.objects.filter(village_id=cadre_village).values_list("pk", flat=True)
    )
    rng.shuffle(households)
    return [
        Scenario("baseline: /healthz/ (SELECT 1, no login)", ["/healthz/"], "", "none"),
        Scenario(
            "list API, a cadre's village (page of 50)", ["/api/households/"], cadre, "p95<=100"
        ),
        Scenario("list API, the county (count 125,000)", ["/api/households/"], county, "p95<=100"),
        Scenario(
            "household page, cadre session",
            [f"/households/{pk}/" for pk in households],
            cadre,
            "rps>=250",
        ),
        Scenario("home page /, county office", ["/"], county, "p95<=300"),
        Scenario("home page /, county office, one client", ["/"], county, "p95<=50", 1),
    ]


def start_gunicorn(workers: int, env: dict) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{PORT}",
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        str(Path(tempfile.gettempdir()) / "bench_gunicorn.log"),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz/", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise SystemExit("gunicorn did not answer /healthz/ within 60 s: see bench_gunicorn.log")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def run_wrk(scenario: Scenario, duration: int, connections: int, script: Path) -> dict:
    connections = scenario.connections or connections
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as paths:
        paths.write("\n".join(scenario.paths) + "\n")
    env = {**os.environ, "BENCH_PATHS": paths.name, "BENCH_COOKIE": scenario.cookie}
    # Warm every worker (connections, caches, the first import of each view) off the clock.
    subprocess.run(
        ["wrk", "-t1", f"-c{connections}", "-d3s", "-s", str(script), f"http://127.0.0.1:{PORT}"],
        env=env,
        capture_output=True,
        check=True,
    )
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(paths.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, micros, p50, p95, p99, bad_status, socket_errors = map(int, line.split()[1:])
    return {
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "errors": bad_status + socket_errors,
        "connections": connections,
    }


def verdict(goal: str, figures: dict) -> str:
    if goal == "none":
        return "baseline"
    measure, bound = goal.split("<=") if "<=" in goal else goal.split(">=")
    value = figures[measure]
    met = value <= float(bound) if "<=" in goal else value >= float(bound)
    return "ok" if met else "not met"


def main(argv=None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    registry_api.seed_if_needed(args.households, reseed=False)
    seed_history()
    call_command("rebuild_figures")
    call_command("collectstatic", interactive=False, verbosity=0)
    users, cadre_village = registry_api.bench_users()
    planned = scenarios(users, cadre_village)
    connection.close()

    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": registry_api.DATABASE_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
    }
    script = Path(tempfile.gettempdir()) / "bench_registry_load.lua"
    script.write_text(WRK_SCRIPT)
    results = []
    server = start_gunicorn(args.workers, env)
    try:
        for scenario in planned:
            figures = run_wrk(scenario, args.duration, args.connections, script)
            results.append((scenario, figures))
            print(
                f"  {scenario.name}: {figures['rps']:.1f} req/s, p95 {figures['p95']:.1f} ms",
                file=sys.stderr,
                flush=True,
            )
    finally:
        stop(server)

    print(
        f"\n{args.workers} gunicorn workers, {args.duration} s per scenario, wrk on 127.0.0.1, "
        f"{os.cpu_count()} cores\n"
    )
    print("| scenario | clients | req/s | p50 ms | p95 ms | p99 ms | goal | |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for scenario, figures in results:
        print(
            f"| {scenario.name} | {figures['connections']} | {figures['rps']:.1f} | "
            f"{figures['p50']:.1f} | {figures['p95']:.1f} | {figures['p99']:.1f} | "
            f"{scenario.goal if scenario.goal != 'none' else '—'} | {verdict(scenario.goal, figures)} |"
        )
    baseline = results[0][1]["rps"]
    print(f"\nbaseline {baseline:.0f} req/s; each scenario's req/s as a share of it:")
    for scenario, figures in results[1:]:
        print(f"  {figures['rps'] / baseline:6.1%}  {scenario.name}")
    failed = [scenario.name for scenario, figures in results if figures["errors"]]
    if failed:
        print(f"\nnon-2xx answers or socket errors in: {', '.join(failed)}")
        return 1
    print(json.dumps({s.name: f for s, f in results}, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
