"""Every CSV and XLSX writer neutralises text a spreadsheet would run as a formula (= + - @ tab CR), through
registry.core.cells.neutralize, and keeps numbers — negative ones too — as numbers."""
import csv
import io

import openpyxl
import pytest

from exports import jobs
from exports.builders.federal_form import fill_form
from exports.catalog import get_form
from exports.form_csv import render_form_csv
from exports.form_xlsx import render_form_xlsx
from exports.report_xlsx import render_report_xlsx
from exports.tables import Basis, MonitoringReport, Table, TableColumn, UnitInfo, UnitValues
from registry.core.cells import FORMULA_TRIGGERS, cell, neutralize
from tests.exports.conftest import scaled
from tests.registry.mentoring import builders

#: One hostile text per trigger character.
HOSTILE = ("=HYPERLINK(\"http://evil\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tx", "\rx")


def _triggered(texts) -> list[str]:
    return [t for t in texts if isinstance(t, str) and t.startswith(FORMULA_TRIGGERS)]


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _xlsx_values(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralize_quotes_every_trigger_and_leaves_numbers(text):
    assert neutralize(text) == "'" + text
    assert cell(text) == "'" + text
    assert cell(-5) == -5 and cell(-2.5) == -2.5 and cell(None) is None
    assert neutralize("Школа № 1 - лучшая") == "Школа № 1 - лучшая"  # a trigger inside text is harmless


def _hostile_unit_values(values: dict) -> UnitValues:
    unit = UnitInfo(HOSTILE[2], "organization", HOSTILE[0], tuple((f"Реквизит {i}", t) for i, t in enumerate(HOSTILE)))
    return UnitValues(unit, values, Basis(True, HOSTILE[2]), False)


def test_federal_form_csv_neutralises_text_and_keeps_negative_numbers():
    values = {**scaled(1), "students_total": -7}
    rows = _csv(render_form_csv(fill_form(get_form(), _hostile_unit_values(values), 2026)))
    value = rows[0].index("Значение")
    assert not _triggered(v for row in rows for i, v in enumerate(row) if i != value)
    assert {row[rows[0].index("Код подразделения")] for row in rows[1:]} == {"'" + HOSTILE[2]}
    assert "-7" in {row[value] for row in rows[1:]}  # the value column: a number, no apostrophe


def test_federal_form_xlsx_neutralises_text_and_keeps_negative_numbers():
    values = {**scaled(1), "students_total": -7}
    cells = _xlsx_values(render_form_xlsx(fill_form(get_form(), _hostile_unit_values(values), 2026)))
    assert not _triggered(cells)
    assert {"'" + t for t in HOSTILE[1:]} <= set(cells)  # the requisites, each quoted
    assert -7 in cells


def test_monitoring_report_xlsx_neutralises_text_and_keeps_negative_numbers():
    columns = (TableColumn("name", "Подразделение"), TableColumn("delta", "Изменение", "int"))
    table = Table("Сравнение", columns, tuple({"name": t, "delta": -3} for t in HOSTILE), note=HOSTILE[3])
    unit = UnitInfo("27", "region", "Хабаровский край")
    report = MonitoringReport(HOSTILE[0], unit, 2026, Basis(True, HOSTILE[2]), (table,), ())
    cells = _xlsx_values(render_report_xlsx(report))
    assert not _triggered(cells)
    assert {"'" + t for t in HOSTILE} <= set(cells)
    assert cells.count(-3) == len(HOSTILE)


def test_archive_manifest_csv_is_neutralised():
    form = fill_form(get_form(), _hostile_unit_values(scaled(1)), 2026)
    rows = _csv(jobs._manifest([(HOSTILE[1], form)]))
    assert not _triggered(v for row in rows for v in row)
    assert rows[1][:3] == ["'" + HOSTILE[1], "'" + HOSTILE[2], "'" + HOSTILE[0]]


@pytest.fixture
def hostile_mentors(world):
    people = [builders.published(world.school, f"Наставник {i}", position=text, competences=text)
              for i, text in enumerate(HOSTILE)]
    builders.commit()
    return people


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_records_export_is_neutralised(hostile_mentors, login_as, world, fmt):
    response = login_as(world.curator).get(f"/records/{world.school.code}/export/mentors.{fmt}")
    assert response.status_code == 200
    texts = [v for row in _csv(response.data) for v in row] if fmt == "csv" else _xlsx_values(response.data)
    assert not _triggered(texts)
    assert {"'" + t for t in HOSTILE} <= set(texts)


def test_open_data_csv_is_neutralised(hostile_mentors, client):
    response = client.get("/registry/data/mentors.csv")
    rows = _csv(response.data)
    assert not _triggered(v for row in rows for v in row)
    assert {"'" + t for t in HOSTILE} <= {v for row in rows for v in row}
