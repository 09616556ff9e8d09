"""Every format read back and compared with the frozen snapshot: PDF (pypdf), XLSX (openpyxl), CSV, XML (XSD)."""
import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from freezegun import freeze_time
from lxml import etree
from pypdf import PdfReader

from exports import pdf as pdf_module
from exports.builders.federal_form import fill_form, form_for_unit
from exports.catalog import get_form
from exports.definition_files import FORMS_DIR
from exports.form_csv import render_form_csv
from exports.form_pdf import render_form_pdf
from exports.form_xlsx import render_form_xlsx
from exports.form_xml import NAMESPACE, render_form_xml
from exports.tables import Basis, UnitInfo, UnitValues
from monitoring.services import membership
from registry.core.xlsx import ZIP_DATE
from tests.exports.conftest import scaled, snapshot_sum

NS = {"r": NAMESPACE}
SCHEMA = etree.XMLSchema(etree.parse(str(FORMS_DIR / "report.xsd")))


def _school_form(frozen):
    world = frozen.world
    return form_for_unit(world.campaign, world.school, get_form(), membership(world.campaign, world.school))


def _pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_pdf_has_cyrillic_text_numbers_requisites_signatures_and_a_footer(frozen):
    form = _school_form(frozen)
    data = render_form_pdf(form)
    assert data.startswith(b"%PDF")
    text, pages = _pdf_text(data)
    world = frozen.world
    for expected in ("СВЕДЕНИЯ О РЕАЛИЗАЦИИ ЦЕЛЕВОЙ МОДЕЛИ НАСТАВНИЧЕСТВА", "1-ЦМН", world.school.name,
                     world.khv.name, "Хабаровский край", f"за {world.campaign.year} год",
                     "Численность обучающихся, всего", "Руководитель организации", "исполнитель", "Телефон",
                     "Дата составления документа", f"Срез № {frozen.regional.id}", form.checksum,
                     f"Страница 1 из {pages}"):
        assert expected in text, expected
    students = int(snapshot_sum(frozen.regional, "students_total", world.school.id))
    lines = text.splitlines()
    assert "01" in lines and str(students) in lines  # row code and the frozen value, each in its own cell
    assert b"/FontFile2" in data and b"+DejaVuSans" in data  # the TrueType font is embedded (subset)


def test_pdf_is_byte_for_byte_reproducible_and_dated_by_its_snapshot_in_the_regions_time(frozen):
    form = _school_form(frozen)
    data = render_form_pdf(form)
    assert data == render_form_pdf(_school_form(frozen))
    created = PdfReader(io.BytesIO(data)).metadata.creation_date
    frozen_at = form.basis.frozen_at.astimezone(ZoneInfo("Asia/Vladivostok")).replace(microsecond=0)
    assert created.year > 2000 and created == frozen_at and created.utcoffset().total_seconds() == 36000


@freeze_time("2026-12-03T08:45:00Z")
def test_a_preliminary_pdf_is_dated_by_the_clock_in_the_regions_time(world):
    form = fill_form(get_form(), UnitValues(UnitInfo("X", "organization", "Школа"), scaled(1),
                                            Basis(True, "текущий отчёт"), False), 2026)
    created = PdfReader(io.BytesIO(render_form_pdf(form))).metadata.creation_date
    assert (created.isoformat(), created.utcoffset().total_seconds()) == ("2026-12-03T18:45:00+10:00", 36000)


def test_pdf_of_preliminary_data_says_so():
    form = fill_form(get_form(), UnitValues(UnitInfo("X", "organization", "Школа"), scaled(1),
                                            Basis(True, "текущий отчёт"), False), 2026)
    text, _ = _pdf_text(render_form_pdf(form))
    assert "ПРЕДВАРИТЕЛЬНЫЕ ДАННЫЕ" in text and "Предварительные данные (срез не зафиксирован)" in text


def test_missing_font_gives_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("REGISTRY_PDF_FONT", raising=False)
    with pytest.raises(pdf_module.FontMissing) as error:
        pdf_module.find_font((tmp_path / "none.ttf",))
    assert "fonts-dejavu-core" in error.value.message and error.value.status == 500


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def _find(ws, value):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not in the sheet")


def test_xlsx_is_laid_out_like_a_form_and_its_numbers_match_the_snapshot(frozen):
    world = frozen.world
    khv = form_for_unit(world.campaign, world.khv, get_form())
    ws = _sheet(render_form_xlsx(khv))
    code_cell = _find(ws, "01")  # row code column
    row = code_cell.row
    header = _find(ws, "3").row  # the row of column codes
    columns = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
    assert ws.cell(row, columns["3"]).value == snapshot_sum(frozen.municipal, "students_total")
    assert ws.cell(row + 1, columns["4"]).value == snapshot_sum(frozen.municipal, "mentees_form_student_student")
    assert ws.cell(row, columns["4"]).value is None  # no data source
    assert ws.cell(row, columns["3"]).number_format == "0"
    assert any(ws.cell(r.min_row, r.min_col).value == "в том числе по формам наставничества"
               for r in ws.merged_cells.ranges)
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows and "&P" in ws.oddFooter.right.text
    assert _find(ws, khv.unit.name).column == 2  # requisites
    assert any(khv.checksum in str(c.value) for r in ws.iter_rows() for c in r if c.value)


def test_xlsx_is_reproducible_with_fixed_timestamps(frozen):
    form = _school_form(frozen)
    data = render_form_xlsx(form)
    assert data == render_form_xlsx(_school_form(frozen))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_DATE}
    props = openpyxl.load_workbook(io.BytesIO(data)).properties
    assert props.modified.replace(tzinfo=UTC) == frozen.regional.created_at.replace(microsecond=0)


def _hostile_form():
    unit = UnitInfo("27-X", "organization", "=HYPERLINK(\"http://evil\")", (("Наименование", "+1+cmd|' /C calc'!A0"),
                                                                           ("Адрес", "@SUM(1)"), ("Прочее", "\tx")))
    return fill_form(get_form(), UnitValues(unit, scaled(1), Basis(True, "-2+3"), False), 2026)


def test_xlsx_text_cells_are_neutralised_against_formula_injection():
    ws = _sheet(render_form_xlsx(_hostile_form()))
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'+1+cmd|' /C calc'!A0" in texts and "'@SUM(1)" in texts and "'\tx" in texts
    assert any(t.startswith("Форма организации") and "=HYPERLINK" in t for t in texts)  # inside text: harmless


def _csv_rows(data: bytes) -> list[dict]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_one_line_per_row_and_column_and_matches_the_snapshot(frozen):
    world = frozen.world
    form = form_for_unit(world.campaign, world.region, get_form())
    rows = _csv_rows(render_form_csv(form))
    assert len(rows) == 7 * 6
    by_cell = {(r["Строка"], r["Графа"]): r for r in rows}
    assert int(by_cell[("01", "3")]["Значение"]) == snapshot_sum(frozen.regional, "students_total")
    assert int(by_cell[("04", "3")]["Значение"]) == snapshot_sum(frozen.regional, "mentors_total")
    assert by_cell[("01", "5")]["Значение"] == "" and by_cell[("01", "5")]["Формула"] == ""
    # the footer's checksum can be recomputed from the CSV alone
    cells = {f"{r['Раздел']}:{r['Строка']}:{r['Графа']}": int(r["Значение"]) if r["Значение"] else None
             for r in rows if r["Формула"]}
    canonical = json.dumps(cells, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert hashlib.sha256(canonical).hexdigest() == form.checksum


def test_csv_text_is_neutralised():
    rows = _csv_rows(render_form_csv(_hostile_form()))
    assert all(not v.startswith(("=", "+", "-", "@", "\t")) for r in rows for v in r.values())


def test_xml_validates_against_the_shipped_schema_and_matches_the_snapshot(frozen):
    world = frozen.world
    form = form_for_unit(world.campaign, world.khv, get_form())
    doc = etree.fromstring(render_form_xml(form))
    SCHEMA.assertValid(doc)
    col = doc.find("r:sections/r:section[@code='1']/r:row[@code='01']/r:col[@code='3']", NS)
    assert int(col.text) == snapshot_sum(frozen.municipal, "students_total") and col.get("formula") == "students_total"
    assert doc.find("r:sections/r:section/r:row[@code='01']/r:col[@code='4']", NS) is None
    basis = doc.find("r:basis", NS)
    assert basis.get("snapshotId") == str(frozen.municipal.id) and basis.get("checksum") == form.checksum
    control = doc.find("r:sections/r:section/r:controls/r:control[@id='1.1']", NS)
    assert control.get("left") == "r02" and control.get("op") == "<=" and control.get("right") == "r01"
    assert control.find("r:result", NS).get("status") == "passed"


def test_xml_reports_a_failed_control_and_still_validates():
    values = scaled(1) | {"mentees_students": 1200}
    form = fill_form(get_form(), UnitValues(UnitInfo("X", "organization", "Школа"), values,
                                            Basis(True, "тест"), False), 2026)
    doc = etree.fromstring(render_form_xml(form))
    SCHEMA.assertValid(doc)
    result = doc.find("r:sections/r:section/r:controls/r:control[@id='1.1']/r:result", NS)
    assert (result.get("status"), result.get("left"), result.get("right"), result.get("difference")) == (
        "failed", "1200", "1000", "200")
    assert "Раздел 1, строка 02, графа 3" in result.get("message")


def test_the_schema_rejects_a_malformed_report(frozen):
    doc = etree.fromstring(render_form_xml(_school_form(frozen)))
    doc.find("r:sections/r:section/r:row/r:col", NS).text = "много"
    assert not SCHEMA.validate(doc)
