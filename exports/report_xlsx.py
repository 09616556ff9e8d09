"""The monitoring report as XLSX: one sheet per table, header row frozen, numbers as numbers, text neutralised."""
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from exports.tables import MonitoringReport
from exports.tables import Table as NeutralTable
from registry.core.xlsx import BOLD, BORDER, CENTER, HEAD_FILL, WRAP, put, workbook_bytes

SHEET_NAMES = ("По годам", "По подразделениям", "Полнота", "Своевременность", "Цели")
_FORMATS = {"percent": "0.0", "int": "0", "number": "0.0"}


def _sheet(ws, report: MonitoringReport, table: NeutralTable) -> None:
    width = len(table.columns)
    put(ws, 1, 1, report.title, font=BOLD)
    put(ws, 2, 1, ("ПРЕДВАРИТЕЛЬНЫЕ ДАННЫЕ. " if report.basis.preliminary else "Источник данных: ")
        + report.basis.description)
    put(ws, 3, 1, table.title, font=BOLD)
    for i, column in enumerate(table.columns, 1):
        put(ws, 4, i, column.header, font=BOLD, fill=HEAD_FILL, border=BORDER, alignment=CENTER)
        ws.column_dimensions[get_column_letter(i)].width = 12 if column.kind != "text" else 40
    for r, row in enumerate(table.rows, 5):
        for i, column in enumerate(table.columns, 1):
            value = row.get(column.key)
            if column.kind == "text":
                put(ws, r, i, "" if value is None else str(value), border=BORDER, alignment=WRAP)
            else:
                put(ws, r, i, value, border=BORDER, number_format=_FORMATS.get(column.kind, "General"))
    last = 5 + len(table.rows)
    if table.note:
        put(ws, last + 1, 1, table.note, alignment=WRAP)
    ws.freeze_panes = "B5"
    ws.print_title_rows = "4:4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.right.text = "Страница &P из &N"
    ws.auto_filter.ref = f"A4:{get_column_letter(width)}{max(last - 1, 4)}"


def render_report_xlsx(report: MonitoringReport) -> bytes:
    wb = Workbook()
    tables = list(report.tables) + ([report.missing] if report.missing is not None else [])
    names = [SHEET_NAMES[i] if i < len(SHEET_NAMES) else f"Таблица {i + 1}" for i in range(len(report.tables))]
    names.append("Не вошли")
    for index, table in enumerate(tables):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = names[index] if index < len(names) else f"Таблица {index + 1}"
        _sheet(ws, report, table)
    return workbook_bytes(wb, report.basis.frozen_at)
