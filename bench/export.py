"""Benchmark: export a county's household list (issue 13 item 4; goal ≤ 5 s for ~60,000 members).

    .venv/bin/python bench/import_ledger.py --keep     # once: a 14,600-household county
    .venv/bin/python bench/export.py [--repeat 3]

Uses the import benchmark's database (BENCH_DATABASE_URL), as the county office of its county,
and times, in one run: the baseline (the same writer, core.xlsx, given the same number of rows
of fixed values: what writing the file costs, whatever reads the registry), openpyxl's
write-only mode on the same rows (what the export used before); the list's
synchronous export (`write_member_ledger` into memory); and the background job's path
(`export_job_run` in this process, as a worker runs it: read in chunks, written into a file).
Prints seconds, rows/s, peak memory and each against the baseline.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/poverty_registry_import_bench"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(rows: int, columns: int) -> float:
    """The same shape of sheet of fixed values through the same writer (core.xlsx): what
    writing the file costs, whatever reads the registry."""
    from core.xlsx import write_xlsx

    row = ["张建国", "620623198001010011", "户主", "汉族", "初中", 12.5, "否"] * (columns // 7)
    row += ["x"] * (columns - len(row))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        write_xlsx(
            out, sheet_name="台账", headers=["h"] * columns, rows=(row for _n in range(rows))
        )
    return time.perf_counter() - started


def openpyxl_baseline(rows: int, columns: int) -> float:
    """The same through openpyxl's write-only mode (what the export used before)."""
    from openpyxl import Workbook

    row = ["张建国", "620623198001010011", "户主", "汉族", "初中", 12.5, "否"] * (columns // 7)
    row += ["x"] * (columns - len(row))
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    for _n in range(rows):
        sheet.append(row)
    with tempfile.TemporaryFile() as out:
        book.save(out)
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from core.exports import export_job_run
    from core.models import ExportJob
    from core.posts import post_grant
    from core.presenter import Presenter
    from registry import ledger, selectors
    from registry.models import Household, Member

    households = Household.objects.count()
    members = Member.objects.live().count()
    if not households:
        print("no households: run .venv/bin/python bench/import_ledger.py --keep first")
        return 1
    user = post_grant(
        username="bench_county", role="county_office", area_code="620623", password="x"
    ).user
    print(f"command:  .venv/bin/python bench/export.py {' '.join(argv or sys.argv[1:])}")
    print(f"machine:  nproc={len(os.sched_getaffinity(0))}, database {DATABASE_URL}")
    print(f"data:     {households:,} households, {members:,} live members")

    def direct() -> int:
        qs = Household.objects.restrict(user, "export").order_by("id")
        year = selectors.current_income_year()
        content = ledger.write_member_ledger(
            selectors.ledger_families(qs, year), presenter=Presenter(user)
        )
        return len(content)

    def job() -> int:
        run = ExportJob.objects.create(kind="households", user=user, query="")
        export_job_run(run)
        run.file.delete(save=False)
        return run.rows

    columns = len(ledger.COLUMNS)
    timings = {
        "baseline": min(baseline(members, columns) for _n in range(args.repeat)),
        "openpyxl": openpyxl_baseline(members, columns),
    }
    for name, call in (("direct", direct), ("job", job)):
        best = None
        for _n in range(args.repeat):
            started = time.perf_counter()
            call()
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        timings[name] = best
    print(f"{'path':<10}{'seconds':>9}{'rows/s':>10}{'× baseline':>12}")
    for name, seconds in timings.items():
        print(
            f"{name:<10}{seconds:>9.2f}{members / seconds:>10,.0f}"
            f"{seconds / timings['baseline']:>12.2f}"
        )
    print(f"peak memory of the process: {peak_mb():.0f} MB")
    slowest = max(timings["direct"], timings["job"])
    goal = "ok" if slowest <= 5 else "not met"
    print(f"goal: the county export in ≤ 5 s — {goal} (the slower path: {slowest:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
