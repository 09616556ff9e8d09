"""Filling a form: cells from indicator codes, control ratios checked and reported as statisticians read them."""
import hashlib
import json

import pytest

from exports.builders.federal_form import fill_form
from exports.definition_files import FORMS_DIR, load
from exports.definition_parser import build
from exports.formatting import check_message
from exports.tables import Basis, UnitInfo, UnitValues
from tests.exports.conftest import scaled

FORM = load(FORMS_DIR / "mentoring_federal.json")


def _unit_values(values: dict, preliminary: bool = False) -> UnitValues:
    return UnitValues(UnitInfo("27-KHV-S1", "organization", "Школа № 1"), values,
                      Basis(preliminary, "тест", snapshot_id=None if preliminary else 7, snapshot_version=1), False)


def _cells(form) -> dict:
    return {(r.code, c.column): c.value for s in form.sections for r in s.rows for c in r.cells if c.formula}


def test_cells_follow_the_layout():
    form = fill_form(FORM, _unit_values(scaled(1)), 2026)
    cells = _cells(form)
    assert cells[("01", "3")] == 1000 and cells[("02", "3")] == 200 and cells[("02", "4")] == 80
    assert cells[("03", "3")] == 120 and cells[("04", "3")] == 60 and cells[("07", "3")] == 15
    assert ("01", "4") not in cells and ("02", "5") not in cells  # no data source: stays empty


def test_a_consistent_form_passes_every_control():
    form = fill_form(FORM, _unit_values(scaled(2)), 2026)
    assert form.checks and form.failures == () and form.unchecked == ()
    # "по всем графам" applies only where both rows have a data source: column 3 here
    assert {(c.control_id, c.column) for c in form.checks if c.control_id == "1.1"} == {("1.1", "3")}


def test_a_failed_control_names_section_row_column_both_sides_and_the_difference():
    values = scaled(1) | {"mentees_students": 1200}
    form = fill_form(FORM, _unit_values(values), 2026)
    (failure,) = form.failures
    assert (failure.section, failure.row, failure.column) == ("1", "02", "3")
    assert (failure.left, failure.right, failure.difference) == (1200, 1000, 200)
    message = check_message(failure)
    assert message.startswith("Раздел 1, строка 02, графа 3: левая часть 1200 > правая часть 1000, разница 200")
    assert "строка 02 ≤ строки 01 по всем графам" in message


def test_missing_values_leave_cells_empty_and_controls_unchecked():
    form = fill_form(FORM, _unit_values({"students_total": 10}, preliminary=True), 2026)
    assert _cells(form)[("02", "3")] is None
    assert form.failures == () and {c.control_id for c in form.unchecked} >= {"1.1", "1.2"}
    assert "не проверено" in check_message(form.unchecked[0])


def test_the_checksum_is_sha256_of_the_canonical_json_of_the_values():
    form = fill_form(FORM, _unit_values(scaled(1)), 2026)
    cells = {f"1:{row}:{column}": int(value) for (row, column), value in _cells(form).items()}
    canonical = json.dumps(cells, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert form.checksum == hashlib.sha256(canonical).hexdigest()
    assert fill_form(FORM, _unit_values(scaled(2)), 2026).checksum != form.checksum


@pytest.mark.parametrize("op", ["<", "=", ">=", ">"])
def test_every_comparison_operator_is_supported(op):
    raw = json.loads((FORMS_DIR / "mentoring_federal.json").read_text(encoding="utf-8"))
    raw["sections"][0]["controls"] = [{"id": "x", "text": "t", "left": "r01", "op": op, "right": "r01",
                                       "over": "columns", "columns": ["3"]}]
    form = fill_form(build(raw), _unit_values(scaled(1)), 2026)
    assert form.checks[0].passed is (op in ("=", ">="))
