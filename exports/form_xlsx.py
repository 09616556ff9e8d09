"""The statistics form as XLSX, laid out like a paper form: title, codes, requisites, merged header, coded rows
and columns with number formats, control results, signature block, A4 landscape print setup."""
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from exports import formatting as fmt
from exports.tables import FilledForm
from registry.core.xlsx import BOLD, BORDER, CENTER, HEAD_FILL, WRAP, number_format, put, workbook_bytes


def _merge(ws, row: int, first: int, last: int) -> None:
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _title(ws, form: FilledForm, width: int) -> int:
    d = form.definition
    put(ws, 1, 1, "СТАТИСТИЧЕСКАЯ ОТЧЁТНОСТЬ", alignment=CENTER, font=BOLD)
    _merge(ws, 1, 1, width)
    codes = [("Код формы по ОКУД", d.okud or "—"), ("Форма №", d.form_number), ("Периодичность", d.periodicity or "—"),
             ("Код подразделения в реестре", form.unit.code)]
    for i, (label, value) in enumerate(codes):
        put(ws, 2, 3 + i, label, alignment=CENTER, border=BORDER, fill=HEAD_FILL)
        put(ws, 3, 3 + i, value, alignment=CENTER, border=BORDER)
    kind = "Сводная форма" if form.consolidated else "Форма организации"
    lines = [(d.title.upper(), BOLD), (f"{kind} за {form.year} год · {fmt.LEVEL_LABELS[form.unit.level]}: "
                                      f"{form.unit.name}", None)]
    if d.deadline:
        lines.append((f"Срок представления: {d.deadline}", None))
    basis = form.basis
    lines.append((("ПРЕДВАРИТЕЛЬНЫЕ ДАННЫЕ. " if basis.preliminary else "Источник данных: ") + basis.description, BOLD
                  if basis.preliminary else None))
    row = 5
    for text, font in lines:
        put(ws, row, 1, text, alignment=CENTER, **({"font": font} if font else {}))
        _merge(ws, row, 1, width)
        row += 1
    row += 1
    for label, value in form.unit.requisites:
        put(ws, row, 1, label, font=BOLD, border=BORDER, alignment=WRAP)
        put(ws, row, 2, value, border=BORDER, alignment=WRAP)
        _merge(ws, row, 2, width)
        row += 1
    return row + 1


def _section(ws, form: FilledForm, section, row: int) -> int:
    d = form.definition
    columns = [c for c in d.columns if c.role != "data"] + list(d.data_columns)
    put(ws, row, 1, section.title, font=BOLD)
    row += 1
    if d.unit_of_measure:
        put(ws, row, 1, f"Единица измерения: {d.unit_of_measure}")
        row += 1
    header_start = row
    has_groups = any(c.group for c in columns)
    for i, column in enumerate(columns, 1):
        if has_groups and column.group:
            if i == 1 or columns[i - 2].group != column.group:
                last = i
                while last < len(columns) and columns[last].group == column.group:
                    last += 1
                put(ws, row, i, column.group, alignment=CENTER, border=BORDER, fill=HEAD_FILL)
                _merge(ws, row, i, last)
            put(ws, row + 1, i, column.title, alignment=CENTER, border=BORDER, fill=HEAD_FILL)
        else:
            put(ws, row, i, column.title, alignment=CENTER, border=BORDER, fill=HEAD_FILL)
            if has_groups:
                put(ws, row + 1, i, None, border=BORDER, fill=HEAD_FILL)
                ws.merge_cells(start_row=row, start_column=i, end_row=row + 1, end_column=i)
    row += 2 if has_groups else 1
    for i, column in enumerate(columns, 1):
        put(ws, row, i, column.code, alignment=CENTER, border=BORDER, font=BOLD, fill=HEAD_FILL)
    ws.print_title_rows = f"{header_start}:{row}"
    row += 1
    for form_row in section.rows:
        cells = {cell.column: cell for cell in form_row.cells}
        for i, column in enumerate(columns, 1):
            if column.role == "label":
                put(ws, row, i, form_row.title, border=BORDER,
                    alignment=Alignment(wrap_text=True, vertical="top", indent=form_row.indent * 2))
            elif column.role == "row_code":
                put(ws, row, i, form_row.code, border=BORDER, alignment=CENTER)
            else:
                cell = cells[column.code]
                put(ws, row, i, cell.value if cell.formula else None, border=BORDER,
                    number_format=number_format(cell.value))
        row += 1
    return row + 1


def _controls(ws, form: FilledForm, row: int, width: int) -> int:
    put(ws, row, 1, "Контрольные соотношения", font=BOLD)
    row += 1
    failures = form.failures
    passed = len(form.checks) - len(failures) - len(form.unchecked)
    put(ws, row, 1, f"Проверено: {len(form.checks)}; выполнено: {passed}; нарушено: {len(failures)}; "
                    f"не проверено (нет значения): {len(form.unchecked)}.")
    row += 1
    if failures:
        for i, title in enumerate(("Раздел", "Строка", "Графа", "Левая часть", "Правая часть", "Разница",
                                   "Соотношение"), 1):
            put(ws, row, i, title, font=BOLD, border=BORDER, fill=HEAD_FILL, alignment=CENTER)
        row += 1
        for check in failures:
            values = (check.section, check.row, check.column, check.left, check.right, check.difference,
                      f"{check.control_id}: {check.text}")
            for i, value in enumerate(values, 1):
                put(ws, row, i, value, border=BORDER)
            row += 1
    return row + 1


def _signatures(ws, row: int) -> int:
    for label in ("Руководитель организации (уполномоченное лицо): должность, Ф.И.О., подпись",
                  "Должностное лицо, ответственное за составление формы (исполнитель): должность, Ф.И.О., подпись",
                  "Телефон, e-mail", "Дата составления документа"):
        put(ws, row, 1, label, alignment=WRAP)
        put(ws, row, 2, "_" * 60)
        row += 2
    return row


def render_form_xlsx(form: FilledForm) -> bytes:
    """Bytes of the form's XLSX; the same FilledForm always gives the same bytes."""
    d = form.definition
    width = len(d.columns)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Форма {d.form_number}"[:31]
    row = _title(ws, form, width)
    for section in form.sections:
        row = _section(ws, form, section, row)
    row = _controls(ws, form, row, width)
    row = _signatures(ws, row)
    basis = form.basis
    source = f"Срез № {basis.snapshot_id} (версия {basis.snapshot_version})" if basis.snapshot_id else \
        "Предварительные данные (срез не зафиксирован)"
    put(ws, row, 1, f"{source} · SHA-256 значений: {form.checksum}")
    ws.column_dimensions["A"].width = 58
    for i in range(2, width + 1):
        ws.column_dimensions[get_column_letter(i)].width = 9 if d.columns[i - 1].role == "row_code" else 15
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.left.text = f"{d.form_number} · {form.unit.code} · {form.year}"
    ws.oddFooter.right.text = "Страница &P из &N"
    ws.print_area = f"A1:{get_column_letter(width)}{row}"
    return workbook_bytes(wb, basis.frozen_at)
