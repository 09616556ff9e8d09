"""A header with a huge number of columns is refused at once (linear check, MAX_COLUMNS), by both importers."""
import io
import time

import pytest
import sqlalchemy as sa

from hierarchy.importer import ImportRejected, parse
from registry.core.tabular import MAX_COLUMNS
from registry.extensions import db
from registry.imports.models import ImportJob
from registry.mentoring.models import Mentor
from tests.registry.mentoring.test_import import R

WIDE = 100_000


def _wide_csv(columns: list[str]) -> bytes:
    names = columns + [f"c{i}" for i in range(WIDE - len(columns))]
    return (";".join(names) + "\n" + ";".join("x" for _ in names) + "\n").encode()


def _timed_post(browser, url, data):
    """The response, and the CPU seconds this process spent on it (the upload, the job and its refusal all run here;
    CPU time, unlike wall time, does not count other programs on a busy machine). Quadratic work took minutes."""
    started = time.process_time()
    response = browser.client.post(url, data={"csrf_token": browser.csrf, **data}, content_type="multipart/form-data",
                                   follow_redirects=True)
    return response, time.process_time() - started


def test_hierarchy_import_refuses_100000_columns_within_a_second(world, login_as):
    b = login_as(world.admin)
    data = _wide_csv(["kind", "code", "name", "parent_code", "org_type", "reports_to", "timezone"])
    response, elapsed = _timed_post(b, "/hierarchy/import", {"file": (io.BytesIO(data), "units.csv")})
    assert elapsed < 1.0
    assert f"В заголовке {WIDE} столбцов, а допустимо не более {MAX_COLUMNS}" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(ImportJob.status)) == "failed"


def test_records_import_refuses_100000_columns_within_a_second(world, login_as):
    b = login_as(world.curator)
    data = _wide_csv(["code", "full_name", "category"])
    response, elapsed = _timed_post(b, R + "/import", {"kind": "mentors", "file": (io.BytesIO(data), "m.csv")})
    assert elapsed < 1.0
    assert f"В заголовке {WIDE} столбцов, а допустимо не более {MAX_COLUMNS}" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentor)) == 0


def test_the_limit_counts_named_columns_only(world):
    """Trailing empty cells (a spreadsheet's formatted but empty columns) do not count towards the limit."""
    header = "kind;code;name;parent_code;org_type;reports_to;timezone" + ";" * 500
    rows = parse((header + "\nregion;27;Хабаровский край;;;;Asia/Vladivostok\n").encode())
    assert [r.code for r in rows] == ["27"]
    with pytest.raises(ImportRejected) as refused:
        parse((";".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n").encode())
    assert [str(e) for e in refused.value.errors] == [
        f"строка 1: В заголовке {MAX_COLUMNS + 1} столбцов, а допустимо не более {MAX_COLUMNS}. "
        "Первая строка файла — заголовок со столбцами из шаблона."]
