"""XLSX downloads of the lists officials work from: the review queue, the completeness matrix, a missing list.

Each is one sheet: a title row, a bold header (frozen, repeated on every printed page) and one row per unit, with
unit names, Russian status labels and times in the region's time. Cells are neutralised against formulas."""
from flask import Response
from openpyxl import Workbook

from hierarchy.models import ORG_TYPE_LABELS
from monitoring.labels import NOT_STARTED
from monitoring.models import SUBMISSION_STATUS_LABELS
from registry.core.clock import now_utc
from registry.core.downloads import as_download
from registry.core.web import format_local
from registry.core.xlsx import BOLD, HEAD_FILL, WRAP, put, workbook_bytes

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(title: str, header: list[str], rows: list[list], filename: str, widths: list[int]) -> Response:
    """One sheet: `title` in A1, the header in row 3, then `rows`; a private, uncached download."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Список"
    put(sheet, 1, 1, title, font=BOLD)
    for column, caption in enumerate(header, start=1):
        put(sheet, 3, column, caption, font=BOLD, fill=HEAD_FILL, alignment=WRAP)
    for line, row in enumerate(rows, start=4):
        for column, value in enumerate(row, start=1):
            put(sheet, line, column, value)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=column).column_letter].width = width
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    return as_download(Response(workbook_bytes(book, now_utc()), mimetype=XLSX_MIME), filename)


def review_queue(campaign, rows: list) -> Response:
    tz = campaign.region.timezone
    lines = []
    for member, org, submission, municipality, is_overdue in rows:
        status = SUBMISSION_STATUS_LABELS[submission.status] if submission else NOT_STARTED
        lines.append([org.name, org.code, ORG_TYPE_LABELS[member.org_type],
                      municipality.name if municipality else "региональный оператор", status,
                      "да" if is_overdue else "нет", format_local(submission.updated_at, tz) if submission else "—"])
    header = ["Организация", "Код", "Тип", "Проверяющий", "Состояние", "Просрочен", "Изменён (время региона)"]
    return table_response(f"Проверка отчётов организаций, {campaign.year} год: {campaign.region.name}", header,
                          lines, f"проверка-отчётов-{campaign.region.code}-{campaign.year}.xlsx",
                          [50, 16, 28, 30, 16, 11, 20])


def completeness_matrix(campaign, board: dict) -> Response:
    columns = board["columns"]
    header = ["Подразделение", "Муниципальный отчёт", *(label for _, label, _ in columns), "просрочено",
              "сдано с опозданием", "всего", "принято, %"]

    def line(name: str, report: str, row: dict) -> list:
        counts = row["counts"]
        return [name, report, *(counts[key] for key, _, _ in columns), counts["overdue"], counts["late"],
                counts["expected"], row["share"] if row["share"] is not None else "—"]

    lines = [line(row["municipality"].name, row["report_label"], row) for row in board["rows"]]
    lines.append(line("Организации, подчинённые региону", "—", board["direct"]))
    lines.append(line("Всего по региону", "", board["total"]))
    return table_response(f"Полнота и своевременность, {campaign.year} год: {campaign.region.name}", header, lines,
                          f"полнота-{campaign.region.code}-{campaign.year}.xlsx", [40, 22] + [12] * (len(header) - 2))


def missing_list(campaign, snapshot, unit_name: str, missing: list[dict]) -> Response:
    lines = [[m.get("name") or "", m.get("code") or "", m.get("level_name") or "", m.get("status_label") or ""]
             for m in missing]
    title = (f"Отсутствуют в срезе версии {snapshot.version} ({unit_name}), {campaign.year} год, "
             f"на {format_local(snapshot.created_at, campaign.region.timezone)}")
    return table_response(title, ["Подразделение", "Код", "Уровень", "Состояние на момент среза"], lines,
                          f"отсутствующие-{snapshot.unit_code}-{campaign.year}-v{snapshot.version}.xlsx",
                          [50, 18, 18, 26])
