"""Benchmark: validate and import a county-sized household ledger on PostgreSQL.

    .venv/bin/python bench/import_ledger.py [--households 14600] [--keep]

Generates a 天祝-sized ledger (14,600 households, about 56,000 members, every column) with the
demo generator, writes it as .xlsx, then times each phase of `import_ledger` into an empty
dedicated database and prints rows/s and peak memory. Goal (issue 4): ≤ 5 s for 56,300 rows;
500,000 rows (--households 130000) in ≤ 60 s within 1.5 GB.
"""

import argparse
import os
import random
import resource
import sys
import threading
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
os.environ.setdefault("IMPORT_MAX_ROWS", "2000000")
os.environ.setdefault("IMPORT_MAX_FILE_BYTES", str(500 * 1024 * 1024))
OUTPUT = ROOT / "bench" / "output"


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    name = psycopg.conninfo.conninfo_to_dict(DATABASE_URL)["dbname"]
    with psycopg.connect(DATABASE_URL, dbname="postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def write_ledger(path: Path, households: int) -> int:
    """The demo county's families as ledger rows, every column, household cells on the first
    row of each family only (as real ledgers leave them)."""
    import datetime as dt

    from openpyxl import Workbook

    from registry import demo
    from registry.imports.households import COLUMNS, TEMPLATE_EXAMPLE_IDS

    headers = [spec.header for spec in COLUMNS if spec.key != "serial"]
    rng = random.Random(7)
    people = demo.PeopleFactory(rng)
    villages = [(f"乡镇{t:02d}", f"村{t:02d}{v:02d}") for t in range(19) for v in range(40)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(["天祝县建档立卡贫困人口台账"])
    sheet.append(headers)
    rows = 0
    today = dt.date(2021, 12, 31)
    labels = {
        "head": "户主", "spouse": "配偶", "son": "之子", "daughter": "之女", "father": "之父", "mother": "之母",
    }  # fmt: skip
    for index in range(households):
        township, village = villages[index % len(villages)]
        family = demo.generate_family(rng, people, "620623", today)
        # The template's example people never import: a random one may be born on their day.
        while any(person["id_number"] in TEMPLATE_EXAMPLE_IDS for person in family):
            family = demo.generate_family(rng, people, "620623", today)
        for position, person in enumerate(family):
            first = position == 0
            row = {
                "县": "天祝藏族自治县" if first else "",
                "乡镇": township if first else "",
                "行政村": village if first else "",
                "村民小组": f"{rng.randint(1, 8)}组" if first else "",
                "户编号": f"62062310{index:08d}" if first else "",
                "户主姓名": family[0]["name"] if first else "",
                "家庭人口数": len(family) if first else "",
                "姓名": person["name"],
                "证件号码": person["id_number"],
                "性别": "男" if person["sex"] == "male" else "女",
                "民族": person["ethnicity"],
                "出生日期": person["birth_date"],
                "与户主关系": labels[person["relation"]],
                "文化程度": "小学",
                "在校生状况": "非在校生",
                "健康状况": "健康",
                "劳动技能": "普通劳动力",
                "务工状况": "未外出务工",
                "务工时间": "",
                "贫困户属性": "一般贫困户" if first else "",
                "识别标准": "国家标准" if first else "",
                "主要致贫原因": "缺资金" if first else "",
                "其他致贫原因": "因病、缺技术" if first else "",
                "计划脱贫年度": 2020 if first else "",
                # A ledger from the national system: a migration import takes the status.
                "户状态": "贫困户" if first else "",
                "识别年度": 2015 if first else "",
                "脱贫年度": "",
                "清退/减少原因": "",
                "联系电话": f"138{index:08d}" if first else "",
                "开户银行": "农村信用社" if first else "",
                "银行账号": f"622{index:016d}" if first else "",
                "年度": 2021 if first else "",
                "工资性收入": f"{rng.randint(2000, 20000)}" if first else "",
                "生产经营性收入": rng.randint(0, 8000) if first else "",
                "财产性收入": 0 if first else "",
                "转移性收入": rng.randint(0, 3000) if first else "",
                "生产经营性支出": rng.randint(0, 1000) if first else "",
            }
            sheet.append([row[name] for name in headers])
            rows += 1
    book.save(path)
    return rows


class MemorySampler:
    """The process's resident memory every 20 ms, in a thread, to tell which phase peaks; and,
    every 100 ms, that plus what its children (the forked validating process) hold of their
    own: memory they still share with this process is counted once."""

    def __init__(self):
        self.samples: list[tuple[float, float]] = []
        self.with_children = 0.0
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        page_mb = os.sysconf("SC_PAGE_SIZE") / 1048576
        with open("/proc/self/statm") as statm:
            while self.running:
                statm.seek(0)
                resident = int(statm.read().split()[1]) * page_mb
                self.samples.append((time.perf_counter(), resident))
                if len(self.samples) % 5 == 0:
                    own = sum(map(_private_mb, _children()))
                    self.with_children = max(self.with_children, resident + own)
                time.sleep(0.02)

    def stop(self) -> None:
        self.running = False
        self.thread.join()

    def peak_between(self, start: float, end: float) -> float:
        """The highest sample in [start, end], or the last one before it for a short phase."""
        inside = [mb for at, mb in self.samples if start <= at <= end]
        before = [mb for at, mb in self.samples if at < start]
        return max(inside) if inside else (before[-1] if before else 0.0)


def _children() -> list[int]:
    pids = []
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as children:
            pids += [int(pid) for pid in children.read().split()]
    return pids


def _private_mb(pid: int) -> float:
    """What a process holds that no other does (Private_Clean + Private_Dirty), in MB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return (
                sum(int(line.split()[1]) for line in rollup if line.startswith("Private_")) / 1024
            )
    except OSError:  # it has just ended
        return 0.0


def reset_peak_memory() -> None:
    """Start the process's high-water mark of resident memory afresh (Linux): the floor's
    read of every cell as Python lists must not count as the import's."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def peak_memory() -> float:
    """The process's high-water mark of resident memory since reset_peak_memory(), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(path: Path) -> tuple[float, int]:
    """What the hardware does with the file at best (issue 13): read every cell with calamine
    and COPY every row, as text, into a scratch table. Returns (seconds, rows)."""
    from django.db import connection
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    width = max(len(row) for row in rows)
    with connection.cursor() as cursor:
        raw = cursor.connection
        columns = ", ".join(f"c{n} text" for n in range(width))
        raw.execute("DROP TABLE IF EXISTS bench_floor")
        raw.execute(f"CREATE UNLOGGED TABLE bench_floor ({columns})")
        with raw.cursor().copy("COPY bench_floor FROM STDIN") as copy:
            for row in rows:
                copy.write_row([None if v in (None, "") else str(v) for v in row])
        raw.execute("DROP TABLE bench_floor")
        raw.commit()
    return time.perf_counter() - started, len(rows) - 1


def floor_apart(path: Path) -> tuple[float, int]:
    """The floor, measured in a process of its own: its rows as Python lists take a gigabyte
    at 500,000 rows, which would stay in this process's heap and count as the import's."""
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--floor-only", "--file", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, rows = done.stdout.split()
    return float(seconds), int(rows)


def timed_import(actor, path: Path, label: str, floor_seconds: float | None = None):
    from core.imports.reading import read_workbook
    from registry.imports.households import LedgerImport
    from registry.models import Household, Member

    phases = {}
    reset_peak_memory()
    sampler = MemorySampler()
    t0 = time.perf_counter()
    sheets = read_workbook(path)
    phases["read (calamine)"] = time.perf_counter() - t0
    report = LedgerImport(actor=actor).run_sheets(sheets, dry_run=False, phases=phases)
    total = time.perf_counter() - t0
    sampler.stop()
    rows = sum(vars(report.members).values())
    peak_mb = peak_memory()
    # The forked process that validates half the families: its own peak (the most of any
    # child so far), counting the pages it still shares with this one.
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print()
    print(f"{path.name}, {label}:")
    print(f"result:   {len(report.errors)} errors, {len(report.warnings)} warnings;"
          f" households {vars(report.households)}, members {vars(report.members)}")  # fmt: skip
    print(f"stored:   {Household.objects.count():,} households, {Member.objects.count():,} members")
    start = 0.0
    for name, seconds in phases.items():
        peak = sampler.peak_between(t0 + start, t0 + start + seconds)
        print(f"  {name:<28} {seconds:7.2f} s   memory up to {peak:,.0f} MB")
        start += seconds
    print(
        f"  {'total':<28} {total:7.2f} s   {rows / total:,.0f} rows/s   peak memory {peak_mb:,.0f} MB"
    )
    print(
        f"  {'memory with the child':<28} {sampler.with_children:,.0f} MB at most (this process"
        f" + the validating child's own pages; the child's resident peak {child_mb:,.0f} MB"
        " counts pages it shares)"
    )
    if floor_seconds:
        ratio = total / floor_seconds
        verdict = "ok" if ratio <= 4 else "not met"
        print(f"  {'× floor':<28} {ratio:7.2f}     goal ≤ 4: {verdict}")
    return report


def timed_job(actor, path: Path, command_seconds: float) -> None:
    """The browser's path, as a Celery worker runs it: the upload's check (the preview), then,
    once the user confirms, the apply (which checks again, inside its transaction)."""
    from django.core.files import File

    from core.imports.jobs import import_job_run
    from core.models import ImportJob

    with path.open("rb") as upload:
        job = ImportJob.objects.create(
            kind="registry.households",
            user=actor,
            file=File(upload, name=path.name),
            original_name=path.name,
        )
    timings = {}
    for label, apply in (("preview (check only)", False), ("apply after confirming", True)):
        started = time.perf_counter()
        import_job_run(job=job, apply=apply)
        timings[label] = time.perf_counter() - started
        job.refresh_from_db()
    print()
    print(f"{path.name}, through an import job (the browser's path), status {job.status}:")
    for label, seconds in timings.items():
        print(f"  {label:<28} {seconds:7.2f} s")
    apply_seconds = timings["apply after confirming"]
    print(
        f"  apply − command              {apply_seconds - command_seconds:+7.2f} s"
        "   (the command's run of the same file, above)"
    )
    job.file.delete(save=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=14_600)
    parser.add_argument("--keep", action="store_true", help="keep the generated file and data")
    parser.add_argument("--file", type=Path, help="import this ledger instead of generating one")
    parser.add_argument("--again", action="store_true", help="then re-import the same file")
    parser.add_argument(
        "--job", action="store_true", help="then import it again through an import job"
    )
    parser.add_argument("--floor-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    import django

    if args.floor_only:  # floor_apart's process: prints "seconds rows"
        django.setup()
        print(*floor(args.file))
        return 0

    recreate_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from core.areas import areas_load
    from core.posts import post_grant

    areas_load(
        [{"code": "620623", "name": "天祝藏族自治县"}]
        + [{"code": f"620623{100 + t}", "name": f"乡镇{t:02d}"} for t in range(19)]
        + [
            {"code": f"620623{100 + t}{200 + v}", "name": f"村{t:02d}{v:02d}"}
            for t in range(19)
            for v in range(40)
        ]
    )
    actor = post_grant(username="bench_admin", role="admin", area_code="620623", password="x").user
    OUTPUT.mkdir(parents=True, exist_ok=True)
    if args.file:
        path = args.file
    else:
        path = OUTPUT / f"ledger-{args.households}.xlsx"
        started = time.perf_counter()
        write_ledger(path, args.households)
        print(f"generated {args.households:,} households in {time.perf_counter() - started:.1f}s")

    print(
        f"command:  {' '.join(['.venv/bin/python', 'bench/import_ledger.py', *(argv or sys.argv[1:])])}"
    )
    print(f"machine:  nproc={len(os.sched_getaffinity(0))}, database {DATABASE_URL}")
    floor_seconds, floor_rows = floor_apart(path)
    print(
        f"floor:    {floor_seconds:.2f} s to read every cell (calamine) and COPY "
        f"{floor_rows:,} rows into a scratch table"
    )
    report = timed_import(actor, path, "into an empty registry", floor_seconds)
    if args.again and not report.errors:
        report = timed_import(actor, path, "the same file again (nothing changes)", floor_seconds)
    if args.job and not report.errors:
        # The command once more on the registry as it now is, then the job on the same.
        started = time.perf_counter()
        report = timed_import(actor, path, "by the command once more, for the job to compare")
        timed_job(actor, path, time.perf_counter() - started)
    if not args.keep and not args.file:
        path.unlink()
    return 0 if not report.errors else 1


if __name__ == "__main__":
    sys.exit(main())
