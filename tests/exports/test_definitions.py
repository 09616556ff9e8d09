"""Form layouts are data files, validated on load with every problem listed; a new layout needs no code."""
import copy
import io
import json
import re

import openpyxl
import pytest
from pypdf import PdfReader

from exports import catalog
from exports.builders.federal_form import form_for_unit
from exports.builders.monitoring_report import monitoring_report
from exports.definition_files import FORMS_DIR, load
from exports.definition_parser import build
from exports.definitions import FormDefinitionError
from exports.form_pdf import render_form_pdf
from exports.form_xlsx import render_form_xlsx
from exports.report_pdf import render_report_pdf
from exports.report_xlsx import render_report_xlsx
from monitoring.indicators import CODES
from monitoring.services import membership

BUILT_IN = json.loads((FORMS_DIR / "mentoring_federal.json").read_text(encoding="utf-8"))


def test_the_built_in_layout_is_product_section_5():
    form = load(FORMS_DIR / "mentoring_federal.json")
    section = form.sections[0]
    assert [r.code for r in section.rows] == ["01", "02", "03", "04", "05", "06", "07"]
    assert [c.code for c in form.data_columns] == ["3", "4", "5", "6", "7", "8"]
    assert section.rows[0].cells["3"].source == "students_total"
    assert section.rows[1].cells["4"].source == "mentees_form_student_student"
    assert "5" not in section.rows[1].cells and section.rows[1].note  # empty cells are documented
    every_name = {n for r in section.rows for f in r.cells.values() for n in f.names}
    assert every_name <= set(CODES)
    assert any(c.text == "строка 02 ≤ строки 01 по всем графам" for c in section.controls)


def _broken(**changes) -> dict:
    raw = copy.deepcopy(BUILT_IN)
    rows = raw["sections"][0]["rows"]
    if "unknown_code" in changes:
        rows[0]["cells"]["3"] = "students_totl"
    if "duplicate_row" in changes:
        rows[1]["code"] = "01"
    if "bad_formula" in changes:
        rows[2]["cells"]["3"] = "mentees_students_full_cycle +"
    if "call" in changes:
        rows[3]["cells"]["3"] = "__import__('os')"
    if "unknown_column" in changes:
        rows[4]["cells"]["9"] = "mentors_total"
    if "bad_control" in changes:
        raw["sections"][0]["controls"][0]["right"] = "r99"
    return raw


@pytest.mark.parametrize(("change", "message"), [
    ("unknown_code", "раздел 1, строка 01, графа 3: неизвестный код показателя «students_totl»"),
    ("duplicate_row", "раздел 1: код строки «01» повторяется"),
    ("bad_formula", "раздел 1, строка 03, графа 3: синтаксическая ошибка"),
    ("call", "недопустимая конструкция"),
    ("unknown_column", "графа «9» не описана"),
    ("bad_control", "контроль 1.1, правая часть: ссылка «r99» на несуществующий код строки"),
])
def test_each_kind_of_error_is_reported_clearly(change, message):
    with pytest.raises(FormDefinitionError) as error:
        build(_broken(**{change: True}), "test.json")
    assert any(message in e for e in error.value.errors), error.value.errors
    assert "test.json" in str(error.value)


def test_all_errors_are_listed_at_once():
    with pytest.raises(FormDefinitionError) as error:
        build(_broken(unknown_code=True, duplicate_row=True, bad_formula=True), "test.json")
    assert len(error.value.errors) >= 3


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"code": "broken",', encoding="utf-8")
    with pytest.raises(FormDefinitionError) as error:
        load(path)
    assert "не читается как JSON" in str(error.value) and "строка 1" in str(error.value)


def _official_layout() -> dict:
    """A made-up 'official' layout: another code, other rows and a cell-level control."""
    return {
        "code": "official_test", "form_number": "1-ТЕСТ", "title": "Официальная тестовая форма", "okud": "0609999",
        "columns": [{"code": "1", "title": "Показатель", "role": "label"},
                    {"code": "2", "title": "Код", "role": "row_code"}, {"code": "3", "title": "Число"}],
        "sections": [{"code": "2", "title": "Раздел 2", "rows": [
            {"code": "10", "title": "Участников", "cells": {"3": "mentees_students + mentors_total"}},
            {"code": "11", "title": "Обучающихся", "cells": {"3": "students_total"}}],
            "controls": [{"id": "2.1", "text": "стр. 10 гр. 3 ≤ стр. 11 гр. 3", "left": "r10c3", "op": "<=",
                          "right": "r11c3"}]}],
    }


def test_a_new_layout_dropped_into_the_forms_directory_is_available(app, tmp_path, monkeypatch):
    (tmp_path / "official_test.json").write_text(json.dumps(_official_layout()), encoding="utf-8")
    monkeypatch.setitem(app.config, "EXPORT_FORMS_DIR", str(tmp_path))
    assert {"mentoring_federal", "official_test"} <= set(catalog.available_forms())
    form = catalog.get_form("official_test")
    assert form.okud == "0609999" and form.sections[0].controls[0].over == "none"


def test_a_broken_layout_on_disk_is_refused_with_its_errors(app, tmp_path, monkeypatch):
    raw = _official_layout()
    raw["sections"][0]["rows"][0]["cells"]["3"] = "nope"
    (tmp_path / "official_test.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setitem(app.config, "EXPORT_FORMS_DIR", str(tmp_path))
    with pytest.raises(catalog.FormLayoutInvalid) as error:
        catalog.get_form("official_test")
    assert "неизвестный код показателя «nope»" in error.value.message


def test_the_printed_texts_of_every_form_carry_no_developer_references():
    """An official form says nothing of our docs: no «PRODUCT», no «§», no «.md» in any text it prints."""
    for path in sorted(FORMS_DIR.glob("*.json")):
        layout = json.loads(path.read_text(encoding="utf-8"))
        printed = [layout.get(key) or "" for key in ("title", "periodicity", "deadline", "unit_of_measure", "basis")]
        for text in printed:
            assert not any(mark in text for mark in ("PRODUCT", "§", ".md")), (path.name, text)


#: What an official document must not print: a field or indicator code (R10, F2, I1), a snake_case name,
#: a reference to the developers' documents.
DEVELOPER_TEXT = re.compile(r"\b[RFI]\d+\b|\b[a-z]+_[a-z_]+\b|PRODUCT|§|\.md\b")


def _developer_text(text: str) -> list[str]:
    return sorted({m.group(0) for m in DEVELOPER_TEXT.finditer(text)})


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str)) + "\n" + "\n".join(ws.title for ws in book.worksheets)


def test_every_official_document_prints_no_codes_and_no_developer_references(frozen, login_as):
    """Every form layout × PDF/XLSX for each level, the monitoring report PDF/XLSX, the targets pages."""
    world = frozen.world
    found = {}
    for code in catalog.available_forms():
        layout = catalog.get_form(code)
        for unit, member in ((world.school, membership(world.campaign, world.school)), (world.khv, None),
                             (world.region, None)):
            form = form_for_unit(world.campaign, unit, layout, member)
            found[code, unit.code, "pdf"] = _developer_text(_pdf_text(render_form_pdf(form)))
            found[code, unit.code, "xlsx"] = _developer_text(_xlsx_text(render_form_xlsx(form)))
    for unit in (world.region, world.khv):
        report = monitoring_report(world.campaign, unit)
        found["report", unit.code, "pdf"] = _developer_text(_pdf_text(render_report_pdf(report)))
        found["report", unit.code, "xlsx"] = _developer_text(_xlsx_text(render_report_xlsx(report)))
    args = f"/campaigns/{world.region.code}/{world.campaign.year}"
    for user, path in ((world.operator, f"{args}/edit"), (world.khv_official, f"{args}/plans/{world.khv.code}"),
                       (world.curator, f"{args}/plans/{world.school.code}")):
        html = login_as(user).get(path).get_data(as_text=True)
        main = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>")[0])
        found["page", path, "html"] = _developer_text(main)
    wrong = {key: marks for key, marks in found.items() if marks}
    assert not wrong, "\n".join(f"{key}: {marks}" for key, marks in wrong.items())
