"""The monitoring report as PDF: neutral tables drawn with platypus, bar charts with reportlab.graphics."""
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import CondPageBreak, Spacer, Table, TableStyle

from exports import formatting as fmt
from exports.pdf import FONT, FONT_BOLD, build_pdf, para, styles
from exports.tables import BarChart, MonitoringReport
from exports.tables import Table as NeutralTable

PAGE = landscape(A4)
WIDTH = PAGE[0] - 56
SERIES_COLORS = (colors.HexColor("#1f6fb2"), colors.HexColor("#f2b705"), colors.HexColor("#5f6b7a"))
TARGET_COLOR = colors.HexColor("#c62828")
GRID = colors.HexColor("#777777")


def cell_text(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "percent":
        return fmt.number(value)
    if kind in ("int", "number"):
        return fmt.number(value)
    return str(value)


def table_flowables(table: NeutralTable, st: dict) -> list:
    """A titled table; text columns wrap, numeric columns are right-aligned."""
    header = [para(c.header, st["head"]) for c in table.columns]
    body = [[para(cell_text(row.get(c.key), c.kind), st["cell"]) if c.kind == "text"
             else cell_text(row.get(c.key), c.kind) for c in table.columns] for row in table.rows]
    numeric = [i for i, c in enumerate(table.columns) if c.kind != "text"]
    text_cols = len(table.columns) - len(numeric)
    num_width = min(62, (WIDTH * 0.6) / max(len(numeric), 1))
    text_width = (WIDTH - num_width * len(numeric)) / max(text_cols, 1)
    widths = [num_width if i in numeric else text_width for i in range(len(table.columns))]
    if text_cols > 1:  # a short code column next to a long name: give the name most of the room
        short = [i for i, c in enumerate(table.columns) if c.kind == "text" and c.key in ("code", "level", "status")]
        for i in short:
            widths[i] = 70
        rest = [i for i, c in enumerate(table.columns) if c.kind == "text" and i not in short]
        free = WIDTH - sum(widths[i] for i in range(len(widths)) if i not in rest)
        for i in rest:
            widths[i] = free / len(rest)
    grid = Table([header, *body] if body else [header, ["Нет данных"] + [""] * (len(header) - 1)],
                 colWidths=widths, repeatRows=1)
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("GRID", (0, 0), (-1, -1), 0.4, GRID), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf1")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    style += [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
    for index, row in enumerate(table.rows, 1):
        if row.get("name") in ("Итого", "Цель"):
            style.append(("FONTNAME", (0, index), (-1, index), FONT_BOLD))
    grid.setStyle(TableStyle(style))
    parts = [CondPageBreak(80), para(table.title, st["h2"]), grid]
    if table.note:
        parts.append(para(table.note, st["small"]))
    return parts


def chart_drawing(chart: BarChart, width: float = 370) -> Drawing:
    """One bar chart with its title and legend; None values draw no bar."""
    bars = len(chart.categories) * len(chart.series)
    height = max(150, 40 + 11 * bars) if chart.horizontal else 170
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, chart.title, fontName=FONT_BOLD, fontSize=8))
    plot = HorizontalBarChart() if chart.horizontal else VerticalBarChart()
    left = 150 if chart.horizontal else 30
    plot.x, plot.y = left, 28
    plot.width, plot.height = width - left - 10, height - 60
    plot.data = [list(values) for _, values in chart.series]  # reportlab draws no bar (and no label) for None
    values = [v for _, series in chart.series for v in series if v is not None] + (
        [chart.target] if chart.target is not None else []) + [v for v in chart.target_line or () if v is not None]
    plot.valueAxis.valueMin = 0
    top = max(values, default=0.0)
    plot.valueAxis.valueMax = 100.0 if 60 < top <= 100 else max(10.0, top * 1.15)
    plot.valueAxis.labels.fontName = FONT
    plot.valueAxis.labels.fontSize = 7
    plot.categoryAxis.categoryNames = list(chart.categories)
    plot.categoryAxis.labels.fontName = FONT
    plot.categoryAxis.labels.fontSize = 7
    if chart.horizontal:
        plot.categoryAxis.labels.boxAnchor = "e"
        plot.categoryAxis.reverseDirection = True
    for i in range(len(chart.series)):
        plot.bars[i].fillColor = SERIES_COLORS[i % len(SERIES_COLORS)]
        plot.bars[i].strokeColor = None
    plot.barLabelFormat = lambda v: fmt.number(v)
    plot.barLabels.fontName = FONT
    plot.barLabels.fontSize = 6
    drawing.add(plot)
    pairs = [(SERIES_COLORS[i % len(SERIES_COLORS)], name) for i, (name, _) in enumerate(chart.series)]
    if chart.target is not None:
        share = chart.target / plot.valueAxis.valueMax
        if chart.horizontal:
            x = plot.x + plot.width * share
            drawing.add(Line(x, plot.y, x, plot.y + plot.height, strokeColor=TARGET_COLOR, strokeWidth=1.2))
        else:
            y = plot.y + plot.height * share
            drawing.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=TARGET_COLOR, strokeWidth=1.2))
        pairs.append((TARGET_COLOR, f"Цель: {fmt.number(chart.target)}"))
    if chart.target_line is not None and not chart.horizontal:
        _target_line(drawing, plot, chart.target_line)
        pairs.append((TARGET_COLOR, "Цель"))
    legend = Legend()
    legend.x, legend.y = left, 10
    legend.fontName, legend.fontSize = FONT, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 60
    legend.colorNamePairs = pairs
    drawing.add(legend)
    return drawing


def _target_line(drawing: Drawing, plot: VerticalBarChart, targets: tuple[float | None, ...]) -> None:
    """The targets of the categories as a line with a dot at each category's centre (a gap where one is None)."""
    step = plot.width / max(1, len(targets))
    points = [None if t is None else (plot.x + step * (i + 0.5), plot.y + plot.height * t / plot.valueAxis.valueMax)
              for i, t in enumerate(targets)]
    for a, b in zip(points, points[1:], strict=False):
        if a is not None and b is not None:
            drawing.add(Line(*a, *b, strokeColor=TARGET_COLOR, strokeWidth=1.5))
    for point in points:
        if point is not None:
            drawing.add(Circle(*point, 2.2, fillColor=TARGET_COLOR, strokeColor=None))


def chart_grid(charts: tuple[BarChart, ...]) -> list:
    """Charts two per row."""
    drawings = [chart_drawing(c) for c in charts]
    rows = [drawings[i:i + 2] + [""] * (2 - len(drawings[i:i + 2])) for i in range(0, len(drawings), 2)]
    if not rows:
        return []
    grid = Table(rows, colWidths=[WIDTH / 2, WIDTH / 2])
    grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
    return [grid]


def render_report_pdf(report: MonitoringReport) -> bytes:
    st = styles()
    story = [para(report.title.upper(), st["title"]), para(report.unit.name, st["center"]), Spacer(1, 6)]
    if report.basis.preliminary:
        story.append(para(f"ПРЕДВАРИТЕЛЬНЫЕ ДАННЫЕ. {report.basis.description}.", st["warning"]))
    else:
        story.append(para(f"Источник данных: {report.basis.description}.", st["base"]))
    per_year, per_unit, *others = report.tables
    story += table_flowables(per_year, st)
    story += [CondPageBreak(200), para("Факт и цель по годам", st["h2"]), *chart_grid(report.charts)]
    story += table_flowables(per_unit, st)
    if report.unit_charts:
        story += [CondPageBreak(200), para(f"Сравнение подразделений, {report.year} год", st["h2"]),
                  *chart_grid(report.unit_charts)]
    for table in others:
        story += table_flowables(table, st)
    if report.missing is not None:
        story += table_flowables(report.missing, st)
    story += [Spacer(1, 6), *[para(n, st["small"]) for n in report.notes]]
    footer = f"{report.unit.code} · {report.year} · " + (
        f"Срез № {report.basis.snapshot_id} (версия {report.basis.snapshot_version})" if report.basis.snapshot_id
        else "Предварительные данные")
    return build_pdf(story, pagesize=PAGE, title=report.title, footer=footer, created=report.basis.frozen_at)
