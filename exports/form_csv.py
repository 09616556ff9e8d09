"""The statistics form as CSV for Russian Excel: UTF-8 with BOM, «;» delimiter, one line per (row, column)."""
import csv
import io

from exports import formatting as fmt
from exports.tables import FilledForm
from registry.core import cells

HEADER = ("Форма", "Год", "Код подразделения", "Раздел", "Строка", "Наименование строки", "Графа",
          "Наименование графы", "Значение", "Формула")


def render_form_csv(form: FilledForm) -> bytes:
    """Every data cell of every row, empty where there is no value; text neutralised against formula injection."""
    titles = {c.code: c.title for c in form.definition.data_columns}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for section in form.sections:
        for row in section.rows:
            for cell in row.cells:
                text = [cells.cell(v) for v in (form.definition.code, form.year, form.unit.code, section.code, row.code,
                                              row.title, cell.column, titles[cell.column])]
                # the value is a number (a minus sign is a sign, not a formula); the formula column is text
                value = fmt.number(cell.value) if cell.formula else ""
                writer.writerow([*text, value, cells.cell(cell.formula or "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
