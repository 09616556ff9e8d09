"""Fill a form definition with one unit's values and check its control ratios: a pure function, no database.

`fill_form(definition, unit_values, year)` depends only on its arguments, so a form rendered today can be
rendered again byte for byte from the same snapshot later (the scheduler that stores forms relies on it).
"""
from dataclasses import replace

from deadlines.models import Campaign
from exports import sources
from exports.definitions import Control, FormDefinition, Section
from exports.formulas import evaluate
from exports.tables import ControlCheck, FilledForm, FormCell, FormRow, FormSection, UnitValues, values_checksum
from hierarchy.models import Organization, Unit
from monitoring.models import CampaignMember

#: Values closer than this compare as equal (sums of integers; this only absorbs float noise from divisions).
TOLERANCE = 1e-9
_NO_SOURCE = object()


def fill_form(definition: FormDefinition, unit_values: UnitValues, year: int) -> FilledForm:
    """Compute every cell from the unit's values, then every control ratio instance."""
    values = unit_values.values
    sections, checks = [], []
    for section in definition.sections:
        rows = []
        for row in section.rows:
            cells = tuple(
                FormCell(column.code, evaluate(row.cells[column.code], values), row.cells[column.code].source)
                if column.code in row.cells else FormCell(column.code, None, None)
                for column in definition.data_columns)
            rows.append(FormRow(row.code, row.title, row.indent, cells, row.note))
        filled = FormSection(section.code, section.title, tuple(rows))
        sections.append(filled)
        checks += _check_section(section, filled)
    form = FilledForm(definition=definition, year=year, unit=unit_values.unit, basis=unit_values.basis,
                      consolidated=unit_values.consolidated, sections=tuple(sections), checks=tuple(checks))
    return replace(form, checksum=values_checksum(form.cell_values()))


def _grid(section: FormSection) -> dict[tuple[str, str], object]:
    """(row, column) → value, or _NO_SOURCE for a cell without a formula."""
    return {(row.code, cell.column): (cell.value if cell.formula is not None else _NO_SOURCE)
            for row in section.rows for cell in row.cells}


def _check_section(section: Section, filled: FormSection) -> list[ControlCheck]:
    grid = _grid(filled)
    checks = []
    for control in section.controls:
        if control.over == "columns":
            for column in control.scope:
                checks += _instance(control, section.code, grid, lambda name, c=column: (name[1:], c))
        elif control.over == "rows":
            for row in control.scope:
                checks += _instance(control, section.code, grid, lambda name, r=row: (r, name[1:]))
        else:
            checks += _instance(control, section.code, grid, _cell_of)
    return checks


def _cell_of(name: str) -> tuple[str, str]:
    row, _, column = name[1:].partition("c")
    return row, column


def _instance(control: Control, section: str, grid: dict, locate) -> list[ControlCheck]:
    """One check, or none when a referenced cell has no data source (the ratio does not apply there)."""
    cells = {name: locate(name) for name in control.left.names | control.right.names}
    if any(grid.get(cell, _NO_SOURCE) is _NO_SOURCE for cell in cells.values()):
        return []
    lookup = {name: grid[cell] for name, cell in cells.items()}
    left, right = evaluate(control.left, lookup), evaluate(control.right, lookup)
    passed = None if left is None or right is None else _holds(left, control.op, right)
    rows = sorted({cells[n][0] for n in control.left.names}) or sorted({c[0] for c in cells.values()})
    columns = sorted({cells[n][1] for n in control.left.names}, key=int) or sorted({c[1] for c in cells.values()})
    return [ControlCheck(control.id, control.text, section, ", ".join(rows), ", ".join(columns), control.op,
                         left, right, passed)]


def _holds(left: float, op: str, right: float) -> bool:
    diff = left - right
    if op == "=":
        return abs(diff) <= TOLERANCE
    if op == "<=":
        return diff <= TOLERANCE
    if op == "<":
        return diff < -TOLERANCE
    if op == ">=":
        return diff >= -TOLERANCE
    return diff > TOLERANCE


def form_for_unit(campaign: Campaign, unit: Unit, definition: FormDefinition,
                  member: CampaignMember | None = None, viewer=None) -> FilledForm:
    """The form of one unit, read from its snapshot or live data (exports.sources), then filled; survey
    percentages as `viewer` may see them (surveys.privacy)."""
    if isinstance(unit, Organization):
        unit_values = sources.organization_values(campaign, [(unit, member)], viewer)[unit.id]
    else:
        unit_values = sources.consolidated_values(campaign, unit, viewer)
    return fill_form(definition, unit_values, campaign.year)


def file_name(form: FilledForm, extension: str) -> str:
    return f"{form.definition.code}_{form.unit.code}_{form.year}.{extension}"
