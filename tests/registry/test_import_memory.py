"""An import's memory is bounded by its file, at a few kilobytes a row (issue 13: 500,000 rows
within 1.5 GB). Measured in fresh processes, where nothing an earlier import freed can be
reused: the most memory each held above what it held before importing."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from .test_import import family, sample_people, workbook

MEASURE = """
import json, os, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from registry.imports.households import import_ledger

def resident_kb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

actor = get_user_model().objects.get(username="root")
import_ledger(sys.argv[1], actor=actor, dry_run=True)  # code and caches loaded once
with open("/proc/self/clear_refs", "w") as clear_refs:
    clear_refs.write("5")  # the high-water mark starts again from here
before = resident_kb()
report = import_ledger(sys.argv[2], actor=actor, dry_run=True)
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"errors": [str(issue) for issue in report.errors[:5]], "growth_kb": peak - before}))
"""


def _ledger(tmp_path, families: int):
    rows = []
    for index in range(families):
        people = sample_people()
        rows += family(f"M{index:05d}", people["head"], people["wife"], people["son"])
    return workbook(tmp_path / f"ledger-{families}.xlsx", rows)


def _growth_kb(warm_up, path) -> int:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "IMPORT_PARALLEL_FROM": str(10**9),  # one process: the one measured
    }
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(warm_up), str(path)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["errors"] == [], result["errors"]
    return result["growth_kb"]


@pytest.mark.django_db(transaction=True)  # the measuring processes read what the fixtures wrote
def test_memory_grows_by_a_few_kilobytes_a_row(reference_data, tmp_path, superuser):
    warm_up = _ledger(tmp_path, 1)
    small_kb = _growth_kb(warm_up, _ledger(tmp_path, 300))
    large_kb = _growth_kb(warm_up, _ledger(tmp_path, 1500))
    per_row_kb = (large_kb - small_kb) / ((1500 - 300) * 3)
    # Measured here: 2.6 MB and 10.0 MB, 2.0 KB a row (at 500,000 rows the reader's own copy
    # of the file comes on top: bench/import_ledger.py).
    assert large_kb < 16 * 1024, large_kb  # 4,500 rows
    assert 0 < per_row_kb < 3, (small_kb, large_kb)
