"""One import pipeline for every kind of file: a kind is its columns, its checks and its
apply step. Here a second kind, declared by the test (an area list), goes through the same
upload, background validation, marked errors, preview and confirmation as the ledger."""

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from core.areas import areas_load, normalize_area_code
from core.imports import kinds
from core.imports import normalise as norm
from core.imports.headers import ColumnSpec
from core.imports.pipeline import Pipeline
from core.models import Area, ImportJob, ImportRun


class AreaListImport(Pipeline):
    """区划名单: code and name per row; a new code is created, a changed name updated."""

    kind = "tests.areas"
    label = "区划名单"
    columns = [ColumnSpec("code", "区划代码", ("代码",)), ColumnSpec("name", "名称", ("区划名称",))]
    required = ("code", "name")
    counted = {"areas": "区划"}

    def plan(self, sheet, header_row, *, sheets, lap):
        keys = list(self.columns_found)
        plans = []
        for index, row in enumerate(sheet.rows()):
            if index <= header_row:
                continue
            cells = dict(zip(keys, (row[self.columns_found[k]] for k in keys), strict=True))
            ref = _Ref(index + 1, cells)
            code = self.value(ref, "code", _code)
            name = self.value(ref, "name", norm.text)
            if not name:
                self.error(ref.row, "name", "请填写名称。")
            if code and name:
                plans.append({"code": code, "name": name})
        return plans

    def apply(self, plans):
        stored = set(
            Area.objects.filter(code__in=[p["code"] for p in plans]).values_list("code", flat=True)
        )
        result = areas_load(plans)
        self.report.areas.created += result.created
        self.report.areas.updated += result.updated
        self.report.areas.unchanged += len(stored) - result.updated


class _Ref:
    def __init__(self, row, cells):
        self.row, self.cells = row, cells

    def get(self, key, default=""):
        return self.cells.get(key, default)


def _code(value):
    try:
        return normalize_area_code(norm.text(value))
    except ValidationError as error:
        raise ValidationError(error.messages) from None


@pytest.fixture
def area_kind():
    kinds.register(AreaListImport)
    yield AreaListImport
    kinds._KINDS.pop(AreaListImport.kind)


def _sheet(path, rows):
    book = Workbook()
    book.active.append(["区划代码", "区划名称"])
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_second_kind_runs_by_itself(area_kind, superuser, tmp_path):
    path = _sheet(tmp_path / "a.xlsx", [["620623102", "松山镇"], ["620623102201", "达隆村"]])
    report = AreaListImport(actor=superuser).run(path, dry_run=True)
    assert report.errors == [] and vars(report.areas)["created"] == 2
    assert not Area.objects.filter(code="620623102000").exists()  # a dry run writes nothing
    report = AreaListImport(actor=superuser).run(path)
    assert report.applied and Area.objects.get(code="620623102201").parent_id == "620623102000"
    assert ImportRun.objects.filter(kind="tests.areas", applied=True).count() == 1


def test_a_second_kinds_errors_are_at_their_cells_and_nothing_is_written(
    area_kind, superuser, tmp_path
):
    path = _sheet(tmp_path / "b.xlsx", [["620623102", "松山镇"], ["12345", ""]])
    report = AreaListImport(actor=superuser).run(path)
    assert {(issue.row, issue.column) for issue in report.errors} == {
        (3, "区划代码"),
        (3, "名称"),
    }
    assert not report.applied and not Area.objects.filter(code="620623102000").exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_kind_goes_through_the_same_pages(
    reference_data,
    area_kind,
    client,
    superuser,
    tmp_path,
    eager_tasks,
):
    client.force_login(superuser)
    page = client.get("/imports/new/tests.areas/")
    assert page.status_code == 200 and "导入区划名单" in page.text
    bad = _sheet(tmp_path / "bad.xlsx", [["620623102", "松山镇"], ["12345", "某村"]])
    with open(bad, "rb") as handle, eager_tasks():
        response = client.post("/imports/new/tests.areas/", {"file": handle})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "tests.areas" and job.status == "invalid"
    marked = client.get(f"/imports/{job.pk}/errors.xlsx")
    book = load_workbook(__import__("io").BytesIO(marked.content))
    assert book["Sheet"]["A3"].comment is not None  # the bad code's cell is marked
    good = _sheet(tmp_path / "good.xlsx", [["620623102", "松山镇"]])
    with open(good, "rb") as handle, eager_tasks():
        client.post("/imports/new/tests.areas/", {"file": handle})
    job = ImportJob.objects.latest("id")
    preview = client.get(f"/imports/{job.pk}/")
    assert job.status == "ready" and "区划" in preview.text
    with eager_tasks():
        client.post(f"/imports/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == "applied" and Area.objects.filter(code="620623102000").exists()


def test_an_unknown_kind_is_a_404(client, superuser):
    client.force_login(superuser)
    assert client.get("/imports/new/nothing.here/").status_code == 404
