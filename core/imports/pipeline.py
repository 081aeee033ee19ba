"""The import pipeline every kind of file goes through (a household ledger, a roster, a list of
measures …): read the workbook, find the header row by the column names and their synonyms,
normalise and validate every row, report every problem at its sheet, row and column, then
apply all or nothing in one transaction. The file's hash is kept, so that the same file coming
again is recognised; a job (core.imports.jobs) runs it in the background with progress.

A kind subclasses Pipeline and declares its `kind`, `label`, `columns` and `required`, how the
rows become plans (`plan`), and how plans are written (`apply`); `ImportReport.counts` holds
what it counts.
"""

import functools
import gc
import hashlib
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import Action
from ..models import ImportRun
from .headers import ColumnSpec, find_header
from .issues import Issue, UnreadableFile
from .reading import read_workbook

MEMO_LIMIT = 4096
# Where each step of a run lies on a job's progress bar (percent), by its share of the time a
# large ledger takes here: reading, grouping rows, validating, writing.
PROGRESS_STEPS = {"read": (5, 15), "group": (15, 20), "validate": (20, 55), "apply": (55, 99)}
# How fast calamine reads a workbook here (bytes of file a second): the reading step, which
# cannot tell how far it has come, moves by the time it is expected to take.
READ_BYTES_PER_SECOND = 10_000_000


def without_cycle_collection(function):
    """An import makes hundreds of thousands of objects that live until it ends, none of them
    in reference cycles: the cycle collector would walk them all, again and again, for nothing
    (measured on the 500,000-row ledger: 148 s with it, 122 s without)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return wrapper


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What an import found and did. `counts` has one Counts per thing the kind writes
    ("households", "members" …), also readable as attributes (report.households)."""

    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    applied: bool = False
    file_hash: str = ""
    # Upload options the file turned out to need (a ledger with incomes and no year column asks
    # for the year): the job's page asks for them and checks the same file again.
    options_asked: list[str] = field(default_factory=list)

    def __getattr__(self, name):
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def as_dict(self, *, with_cells: bool = False) -> dict:
        """The command's JSON; with_cells adds each issue's column number (for marking cells)."""
        issue = (lambda i: {**i.as_dict(), "col": i.col}) if with_cells else (lambda i: i.as_dict())
        return {
            **{name: vars(counts) for name, counts in self.counts.items()},
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
            **({"options_asked": self.options_asked} if self.options_asked else {}),
        }


def file_hash(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class RowRef:
    """One row of a file: its number as Excel shows it and its cells by column key. The cells
    are a tuple beside the import's key -> position map: a dict per row would take four times
    the memory on a 500,000-row ledger."""

    __slots__ = ("cells", "positions", "row")

    def __init__(self, row: int, cells: tuple, positions: dict[str, int]):
        self.row = row
        self.cells = cells
        self.positions = positions

    def get(self, key: str, default=""):
        position = self.positions.get(key)
        return default if position is None else self.cells[position]


class Pipeline:
    """One run of an import of one kind, for one user (whose scope limits what it may change)."""

    do_not_call_in_templates = True  # pages show the class's label, never instantiate it
    kind = ""  # "registry.households"
    label = ""  # what the pages call it
    action = Action.IMPORT  # what the user's post must grant somewhere to start one
    columns: list[ColumnSpec] = []
    required: tuple[str, ...] = ()
    counted: dict = {}  # the report's counts and their labels, in the order they are shown
    # For the upload page: the kind's own questions (a Form class taking the uploader as
    # `user=`, its cleaned data becoming the pipeline's keyword arguments), a line about the file, the URL name of a template
    # to download, and where the imported rows can be seen.
    options_form = None
    file_help = ""
    template_url = ""
    result_url = ""
    result_label = ""

    @classmethod
    def options_said(cls, options: dict) -> list[str]:
        """The upload's options in words, for the job's page."""
        return []

    def __init__(self, *, actor, progress=None):
        self.actor = actor
        # progress(percent) is told how far the run has come, for a progress bar (tell()).
        self.progress = progress or (lambda _percent: None)
        self.progress_told = -1
        self.report = ImportReport(counts={name: Counts() for name in self.counted})
        # column key -> {(type, cell): (value, messages)}
        self.parsed: defaultdict[str, dict] = defaultdict(dict)
        self.sheet = ""
        self.columns_found: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        self.by_key = {spec.key: spec for spec in self.columns}
        self.source = ""  # what the history says the changes came from: "导入：<file>"
        self.file_name = ""  # the upload's name

    # --- what a kind provides -------------------------------------------------------------

    def plan(self, sheet, header_row: int, *, sheets, lap) -> list:
        """The sheet's rows (below header_row) as validated plans; problems go to the report.
        `sheets` may be released once the rows are read; lap(name) times a step."""
        raise NotImplementedError

    def apply(self, plans: list) -> None:
        """Write the plans, inside the pipeline's transaction."""
        raise NotImplementedError

    # --- reporting -------------------------------------------------------------------------

    def _issue(self, row: int | None, key: str, message: str) -> Issue:
        col = self.columns_found.get(key)
        return Issue(
            self.sheet,
            row,
            self.headers.get(key, ""),
            str(message),
            None if col is None else col + 1,
        )

    def error(self, row: int | None, key: str, message: str) -> None:
        self.report.errors.append(self._issue(row, key, message))

    def warn(self, row: int | None, key: str, message: str) -> None:
        self.report.warnings.append(self._issue(row, key, message))

    def field_errors(self, row: int, errors: dict, keys: dict[str, str] | None = None):
        """A model's errors by field name (RowMaker.make's) as errors at the row."""
        if not errors:
            return
        for name, messages in ValidationError(errors).message_dict.items():
            key = (keys or {}).get(name, name)
            for message in messages:
                self.error(row, key if key in self.headers else "", message)

    def value(self, ref, key: str, parse, *args):
        """A cell through its normaliser; a bad value is an error at the cell. A column's
        verdicts are remembered per value: its labels repeat on every row."""
        raw = ref.get(key)
        memo = self.parsed[key]
        # By type too, but for text: True == 1 == 1.0, and a 1 must not come back as True.
        memo_key = raw if type(raw) is str else (type(raw), raw)
        try:
            value, messages = memo[memo_key]
        except KeyError:
            try:
                value, messages = parse(raw, *args), ()
            except ValidationError as error:
                value, messages = None, error.messages
            if len(memo) < MEMO_LIMIT:
                memo[memo_key] = value, messages
        for message in messages:
            self.error(ref.row, key, message)
        return value

    def tell(self, step: str, done: float) -> None:
        """Tell the progress bar that the fraction `done` of a step (PROGRESS_STEPS) is done;
        said only when the percent moves."""
        start, end = PROGRESS_STEPS[step]
        percent = int(start + (end - start) * min(1.0, max(0.0, done)))
        if percent != self.progress_told:
            self.progress_told = percent
            self.progress(percent)

    def read(self, path) -> list:
        """The workbook's sheets. Calamine reads a sheet whole and lets other threads run
        meanwhile: the bar moves by the time the file's size should take, short of the end."""
        expected = max(0.5, Path(path).stat().st_size / READ_BYTES_PER_SECOND)
        finished = threading.Event()

        def tick():
            started = time.monotonic()
            while not finished.wait(0.5):
                self.tell("read", min(0.9, (time.monotonic() - started) / expected))

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            sheets = read_workbook(path)
        finally:
            finished.set()
            ticker.join()
        self.tell("read", 1)
        return sheets

    # --- the pipeline ----------------------------------------------------------------------

    @without_cycle_collection
    def run(self, path, *, dry_run: bool = False, name: str = "") -> ImportReport:
        """Import the file at `path`; `name` is what its user called it (the upload's name)."""
        name = name or Path(path).name
        self.file_name = name
        self.source = _("导入：%(file)s") % {"file": name}
        self.report.file_hash = file_hash(path)
        sheets = self.read(path)
        before = (
            ImportRun.objects.filter(kind=self.kind, file_hash=self.report.file_hash, applied=True)
            .select_related("user")
            .first()
        )
        if before is not None:
            self.report.warnings.append(
                Issue(
                    "",
                    None,
                    "",
                    _("同一文件已于 %(when)s 由 %(who)s 导入过。")
                    % {
                        "when": timezone.localtime(before.created_at).strftime("%Y-%m-%d %H:%M"),
                        "who": before.user.get_username() if before.user else "-",
                    },
                )
            )
        try:
            return self.run_sheets(sheets, dry_run=dry_run)
        finally:
            ImportRun.objects.create(
                kind=self.kind,
                user=self.actor if getattr(self.actor, "is_authenticated", False) else None,
                file_name=name[:255],
                file_hash=self.report.file_hash,
                dry_run=dry_run,
                applied=self.report.applied,
                result=self.report.as_dict(),
            )

    @without_cycle_collection
    def run_sheets(self, sheets, *, dry_run: bool, phases: dict | None = None) -> ImportReport:
        """The pipeline after reading; `phases` collects seconds per step (the benchmark's)."""
        phases = {} if phases is None else phases
        clock = time.perf_counter()

        def lap(name):
            nonlocal clock
            now = time.perf_counter()
            phases[name] = phases.get(name, 0) + now - clock
            clock = now

        # A header row names at least three known columns (a kind with fewer: all of them).
        header = find_header(sheets, self.columns, minimum=min(3, len(self.required) or 1))
        if header is None:
            raise UnreadableFile(
                _("找不到表头：应有“%(names)s”等列。")
                % {"names": "、".join(self.by_key[k].header for k in self.required)}
            )
        sheet = sheets[header.sheet_index]
        self.sheet = sheet.name
        self.columns_found = {spec.key: index for index, spec in header.columns.items()}
        self.headers = {spec.key: spec.header for spec in header.columns.values()}
        header_row = header.row + 1
        for name in header.unknown.values():
            self.report.warnings.append(
                Issue(self.sheet, header_row, name, _("未知的列，已忽略。"))
            )
        missing = [self.by_key[key].header for key in self.required if key not in self.headers]
        if missing:
            self.report.errors.append(
                Issue(
                    self.sheet,
                    header_row,
                    "",
                    _("缺少必需的列：%(names)s") % {"names": "、".join(missing)},
                )
            )
            return self.report
        lap("find header")
        plans = self.plan(sheet, header.row, sheets=sheets, lap=lap)
        for issues in (self.report.errors, self.report.warnings):
            issues.sort(key=lambda issue: (issue.row or 0, issue.col or 0))  # as the file reads
        lap("normalise and validate")
        if self.report.errors:
            return self.report
        with transaction.atomic():
            self.apply(plans)
            if dry_run:
                transaction.set_rollback(True)
        lap("apply (one transaction)")
        self.report.applied = not dry_run
        return self.report
