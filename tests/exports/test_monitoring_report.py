"""The consolidated monitoring report: fact vs target per year and per sub-unit, completeness, timeliness,
missing units — as PDF (with reportlab charts) and XLSX, compared with the frozen snapshot."""
import io

import openpyxl
import pytest
from freezegun import freeze_time
from pypdf import PdfReader
from reportlab.graphics.shapes import Circle, Line

from exports.builders.monitoring_report import monitoring_report
from exports.report_pdf import TARGET_COLOR, chart_drawing, render_report_pdf
from exports.report_xlsx import render_report_xlsx
from monitoring import campaigns
from registry.extensions import db


def _by_name(table) -> dict:
    return {row.get("name"): row for row in table.rows}


def test_region_report_tables_follow_the_snapshot(frozen):
    world = frozen.world
    report = monitoring_report(world.campaign, world.region)
    assert not report.basis.preliminary and report.basis.snapshot_id == frozen.regional.id
    per_year, per_unit, completeness, timeliness, _ = report.tables  # the last: the municipalities' targets
    indicators = frozen.regional.summary["indicators"]
    r2 = next(r for r in per_year.rows if r["code"] == "R2")
    assert r2[f"fact_{world.campaign.year}"] == pytest.approx(indicators["R2"]["value"])
    assert r2[f"target_{world.campaign.year}"] == indicators["R2"]["target"]
    units = _by_name(per_unit)
    assert units[world.khv.name]["R2"] == pytest.approx(20.0)  # the school: 200 of 1000 general students
    assert units["Организации регионального подчинения"]["R6"] == pytest.approx(20.0)  # the college
    assert world.van.name not in units  # nothing of VAN was accepted, so nothing frozen
    assert units["Итого"]["F1"] == pytest.approx(indicators["F1"]["value"])
    counts = _by_name(completeness)
    assert (counts["Итого"]["expected"], counts["Итого"]["accepted"]) == (4, 3)
    assert counts[world.van.name]["share"] == 0
    rows = _by_name(timeliness)
    assert rows[world.khv.name]["verdict"] == "в срок" and rows[world.van.name]["verdict"] == "не отправлен"
    assert rows[world.khv.name]["orgs_on_time"] == 2
    missing = {r["code"]: r for r in report.missing.rows}
    assert set(missing) == {world.van.code}  # the regional snapshot's own list: VAN sent no report
    assert missing[world.van.code]["level"] == "муниципалитет"


def test_report_covers_every_campaign_year_and_marks_live_years(frozen):
    world = frozen.world
    campaigns.open_campaign(world.region, world.campaign.year - 1, actor=world.admin)
    db.session.commit()
    report = monitoring_report(world.campaign, world.region)
    headers = [c.header for c in report.tables[0].columns]
    assert f"{world.campaign.year - 1}: факт (предв.)" in headers and f"{world.campaign.year}: факт" in headers
    r2_chart = next(c for c in report.charts if c.title.startswith("Доля обучающихся общеобразовательных"))
    assert all("%, %" not in c.title for c in report.charts + report.unit_charts)
    assert r2_chart.categories == (str(world.campaign.year - 1), str(world.campaign.year))
    # the target is a line through the years, not a second series of bars
    r2 = next(r for r in report.tables[0].rows if r["code"] == "R2")
    assert [name for name, _ in r2_chart.series] == ["Факт"]
    years = (world.campaign.year - 1, world.campaign.year)
    assert r2_chart.target_line == tuple(r2[f"target_{y}"] for y in years) and None not in r2_chart.target_line
    drawing = chart_drawing(r2_chart)
    dots = [s for s in drawing.contents if isinstance(s, Circle)]
    lines = [s for s in drawing.contents if isinstance(s, Line) and s.strokeColor == TARGET_COLOR]
    assert (len(dots), len(lines)) == (2, 1)


@freeze_time("2026-12-03T08:45:00Z")
def test_region_report_pdf_has_charts_tables_and_missing_units(frozen):
    world = frozen.world
    data = render_report_pdf(monitoring_report(world.campaign, world.region))
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in ("МОНИТОРИНГ ЦЕЛЕВОЙ МОДЕЛИ НАСТАВНИЧЕСТВА", "Показатели по годам", world.khv.name,
                     "Полнота сдачи", "Своевременность", "Не вошли в сводку (1)", world.van.name,
                     "Факт", "Цель", f"Срез № {frozen.regional.id}"):
        assert expected in text, expected
    assert data == render_report_pdf(monitoring_report(world.campaign, world.region))  # reproducible


def test_municipal_report_lists_its_organizations(frozen):
    world = frozen.world
    report = monitoring_report(world.campaign, world.khv)
    assert report.basis.snapshot_id == frozen.municipal.id
    units = _by_name(report.tables[1])
    assert {world.school.name, world.dod.name, "Итого", "Цель"} <= set(units)
    assert units[world.dod.name]["R4"] == pytest.approx(20.0)
    timeliness = {r["code"]: r for r in report.tables[3].rows}
    assert timeliness[world.school.code]["verdict"] == "в срок"
    assert report.missing.rows == ()


def test_report_xlsx_has_a_sheet_per_table_with_numbers(frozen):
    world = frozen.world
    wb = openpyxl.load_workbook(io.BytesIO(render_report_xlsx(monitoring_report(world.campaign, world.region))))
    assert wb.sheetnames == ["По годам", "По подразделениям", "Полнота", "Своевременность", "Цели", "Не вошли"]
    ws = wb["По подразделениям"]
    header = [c.value for c in ws[4]]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == world.khv.name)
    assert row[header.index("Обучающиеся ОО")] == pytest.approx(20.0)
    assert ws.freeze_panes == "B5"


def test_preliminary_report_without_snapshots(world):
    report = monitoring_report(world.campaign, world.khv)
    assert report.basis.preliminary
    text = PdfReader(io.BytesIO(render_report_pdf(report))).pages[0].extract_text()
    assert "ПРЕДВАРИТЕЛЬНЫЕ ДАННЫЕ" in text
