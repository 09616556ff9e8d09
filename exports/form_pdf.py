"""The statistics form as PDF: title and codes, the unit's requisites, the coded table, control results,
signature block, and a footer with the snapshot id and the values' checksum on every page."""
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from exports import formatting as fmt
from exports.pdf import FONT, FONT_BOLD, build_pdf, para, styles
from exports.tables import FilledForm

PAGE = landscape(A4)
GRID = colors.HexColor("#555555")
HEAD = colors.HexColor("#e8ecf1")


def footer_text(form: FilledForm) -> str:
    basis = form.basis
    source = (f"Срез № {basis.snapshot_id} (версия {basis.snapshot_version})" if basis.snapshot_id
              else "Предварительные данные (срез не зафиксирован)")
    return f"{form.definition.form_number} · {form.unit.code} · {form.year} · {source} · SHA-256: {form.checksum}"


def title_block(form: FilledForm, st: dict) -> list:
    d = form.definition
    codes = Table([
        [para("Код формы по ОКУД", st["small"]), para("Форма №", st["small"]), para("Периодичность", st["small"]),
         para("Код подразделения в реестре", st["small"])],
        [para(d.okud or "—", st["center"]), para(d.form_number, st["center"]), para(d.periodicity or "—", st["center"]),
         para(form.unit.code, st["center"])],
    ], colWidths=[120, 120, 120, 200], hAlign="RIGHT")
    codes.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    kind = "Сводная форма" if form.consolidated else "Форма организации"
    parts = [para("СТАТИСТИЧЕСКАЯ ОТЧЁТНОСТЬ", st["center"]), Spacer(1, 4), codes, Spacer(1, 8),
             para(d.title.upper(), st["title"]),
             para(f"{kind} за {form.year} год · {fmt.LEVEL_LABELS[form.unit.level]}: {form.unit.name}", st["center"])]
    if d.deadline:
        parts.append(para(f"Срок представления: {d.deadline}", st["center"]))
    if d.basis:
        parts.append(para(d.basis, st["small"]))
    parts.append(Spacer(1, 6))
    if form.basis.preliminary:
        parts.append(para(f"ПРЕДВАРИТЕЛЬНЫЕ ДАННЫЕ. {form.basis.description}.", st["warning"]))
    else:
        parts.append(para(f"Источник данных: {form.basis.description}.", st["base"]))
    if not form.unit.requisites:
        return parts
    requisites = Table([[para(label, st["bold"]), para(value, st["base"])] for label, value in form.unit.requisites],
                       colWidths=[200, PAGE[0] - 56 - 200])
    requisites.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [*parts, requisites]


def section_table(form: FilledForm, section, st: dict) -> Table:
    d = form.definition
    label_cols = [c for c in d.columns if c.role != "data"]
    data_cols = list(d.data_columns)
    columns = label_cols + data_cols
    has_groups = any(c.group for c in columns)
    header_top, header_mid, spans = [], [], []
    for i, column in enumerate(columns):
        if has_groups and column.group:
            first = i == 0 or columns[i - 1].group != column.group
            header_top.append(para(column.group, st["head"]) if first else "")
            if first:
                last = i
                while last + 1 < len(columns) and columns[last + 1].group == column.group:
                    last += 1
                spans.append(("SPAN", (i, 0), (last, 0)))
            header_mid.append(para(column.title, st["head"]))
        else:
            header_top.append(para(column.title, st["head"]))
            header_mid.append("")
            if has_groups:
                spans.append(("SPAN", (i, 0), (i, 1)))
    header = [header_top, header_mid] if has_groups else [header_top]
    code_row = [column.code for column in columns]
    body = []
    for row in section.rows:
        cells = {cell.column: cell for cell in row.cells}
        line = []
        for column in label_cols:
            if column.role == "row_code":
                line.append(row.code)
            else:
                line.append(para("\u00a0" * 4 * row.indent + row.title, st["cell"]))
        line += [fmt.number(cells[c.code].value) if cells[c.code].formula else "" for c in data_cols]
        body.append(line)
    data_width = min(76, (PAGE[0] - 56 - 260) / max(len(data_cols), 1))
    label_width = PAGE[0] - 56 - data_width * len(data_cols) - 44 * (len(label_cols) - 1)
    widths = [label_width if c.role == "label" else 44 for c in label_cols] + [data_width] * len(data_cols)
    first_data = len(label_cols)
    head_rows = len(header) + 1
    table = Table(header + [code_row] + body, colWidths=widths, repeatRows=head_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD), ("ALIGN", (0, head_rows - 1), (-1, head_rows - 1), "CENTER"),
        ("FONTNAME", (0, head_rows - 1), (-1, head_rows - 1), FONT_BOLD),
        ("ALIGN", (first_data - 1, head_rows), (first_data - 1, -1), "CENTER"),
        ("ALIGN", (first_data, head_rows), (-1, -1), "RIGHT"),
        *spans,
    ]))
    return table


def controls_block(form: FilledForm, st: dict) -> list:
    parts = [para("Контрольные соотношения", st["h2"])]
    failures, unchecked = form.failures, form.unchecked
    if not form.checks:
        return [*parts, para("Контрольные соотношения к заполненным ячейкам не применимы.", st["base"])]
    passed = len(form.checks) - len(failures) - len(unchecked)
    parts.append(para(f"Проверено: {len(form.checks)}; выполнено: {passed}; нарушено: {len(failures)}; "
                      f"не проверено (нет значения): {len(unchecked)}.", st["base"]))
    if failures:
        rows = [["Раздел", "Строка", "Графа", "Левая часть", "Правая часть", "Разница", "Соотношение"]]
        rows += [[c.section, c.row, c.column, fmt.number(c.left), fmt.number(c.right), fmt.number(c.difference),
                  para(f"{c.control_id}: {c.text}", st["cell"])] for c in failures]
        table = Table(rows, colWidths=[50, 50, 50, 80, 80, 70, PAGE[0] - 56 - 380], repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                                   ("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                                   ("ALIGN", (3, 1), (5, -1), "RIGHT")]))
        parts.append(table)
    return parts


def signature_block(st: dict) -> KeepTogether:
    line = "_" * 28
    rows = [
        [para("Руководитель организации (уполномоченное лицо)", st["base"]), line, line, line],
        ["", para("(должность)", st["small"]), para("(Ф.И.О.)", st["small"]), para("(подпись)", st["small"])],
        [para("Должностное лицо, ответственное за составление формы (исполнитель)", st["base"]), line, line, line],
        ["", para("(должность)", st["small"]), para("(Ф.И.О.)", st["small"]), para("(подпись)", st["small"])],
        [para("Телефон", st["base"]), line, para("E-mail", st["base"]), line],
        [para("Дата составления документа", st["base"]), "«____» ____________ 20___ г.", "", ""],
    ]
    table = Table(rows, colWidths=[260, 170, 170, 170])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (1, 0), (-1, -1), "CENTER")]))
    return KeepTogether([para("Подписи", st["h2"]), table])


def render_form_pdf(form: FilledForm) -> bytes:
    """Bytes of the form's PDF; the same FilledForm always gives the same bytes."""
    st = styles()
    story = title_block(form, st)
    for section in form.sections:
        story += [para(section.title, st["h2"])]
        if form.definition.unit_of_measure:
            story.append(para(f"Единица измерения: {form.definition.unit_of_measure}", st["small"]))
        story += [Spacer(1, 3), section_table(form, section, st)]
    story += controls_block(form, st)
    notes = [f"Строка {r.code}: {r.note}" for s in form.sections for r in s.rows if r.note]
    notes += list(form.definition.notes)
    if notes:
        story += [para("Пояснения к макету", st["h2"]), *[para(n, st["small"]) for n in notes]]
    story += [Spacer(1, 6), signature_block(st)]
    title = f"{form.definition.form_number} {form.unit.name} {form.year}"
    return build_pdf(story, pagesize=PAGE, title=title, footer=footer_text(form), created=form.basis.frozen_at)
