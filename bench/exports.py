"""Benchmark of the statistics forms and the monitoring report (printed figures, not tests).

    .venv/bin/python -m bench.exports                                  # a throwaway SQLite database
    BENCH_DATABASE_URL=postgresql://…/empty_db .venv/bin/python -m bench.exports
    .venv/bin/python -m bench.exports --organizations 100              # smaller, quicker

It migrates an empty database, generates one region of N organizations (default 700) across 19
municipalities with accepted, frozen municipal reports (bench/generate.py), consolidates the region, and then
measures in one process:

- `forms`: every organization's form built from the regional snapshot (exports.sources, one batch) and
  rendered as PDF and as XLSX by the real renderers: total and per-form median / p95;
- `bare`: the same cells drawn with bare reportlab (canvas.drawString per cell, same TTF) and written with
  bare openpyxl (ws.append per row), so `ratio_*` = our renderer / bare calls tells the cost of the form
  layout (merged headers, wrapped names, requisites, signatures, controls) over the minimum;
- `archive`: the real ZIP job (exports.jobs.build_archive) for the whole region, PDF and XLSX;
- `regional_report`: the monitoring report built, then rendered as PDF (with charts) and XLSX;
- `linearity`: a synthetic layout with R rows and with 4R rows rendered several times; the median time ratio
  must stay ≤ 5 (time grows linearly with rows).

It prints one JSON document (times in ms) and states whether the linearity target is met.
"""
import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import openpyxl
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/exports.py`
    sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402 - after the path fix above
from exports import jobs, sources  # noqa: E402
from exports.builders.federal_form import fill_form  # noqa: E402
from exports.builders.monitoring_report import monitoring_report  # noqa: E402
from exports.catalog import get_form  # noqa: E402
from exports.definition_parser import build  # noqa: E402
from exports.form_pdf import render_form_pdf  # noqa: E402
from exports.form_xlsx import render_form_xlsx  # noqa: E402
from exports.formatting import number  # noqa: E402
from exports.pdf import FONT, register_fonts  # noqa: E402
from exports.report_pdf import render_report_pdf  # noqa: E402
from exports.report_xlsx import render_report_xlsx  # noqa: E402
from exports.tables import Basis, UnitInfo, UnitValues  # noqa: E402
from monitoring import reports  # noqa: E402
from monitoring.indicators import CODES  # noqa: E402
from registry import create_app  # noqa: E402
from registry.config import BaseConfig  # noqa: E402
from registry.extensions import db  # noqa: E402


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"total_ms": _ms(sum(times)), "median_ms": _ms(statistics.median(times)),
            "p95_ms": _ms(ordered[int(0.95 * (len(ordered) - 1))]), "count": len(times)}


def _cells(form) -> list[list[str]]:
    """The form's grid as text: what the bare baselines draw."""
    return [[row.title, row.code, *(number(c.value) if c.formula else "" for c in row.cells)]
            for section in form.sections for row in section.rows]


def bare_pdf(grid: list[list[str]]) -> bytes:
    """The same cells with bare reportlab: one drawString per cell, same font, no layout."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    y = 800
    for row in grid:
        x = 30
        for text in row:
            canvas.setFont(FONT, 8)
            canvas.drawString(x, y, text[:60])
            x += 70 if x > 30 else 250
        y -= 12
        if y < 40:
            canvas.showPage()
            y = 800
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def bare_xlsx(grid: list[list[str]]) -> bytes:
    """The same cells with bare openpyxl: one append per row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in grid:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def measure_forms(campaign) -> dict:
    definition = get_form()
    members = sources.members_of(campaign)
    load_s, values = _timed(lambda: sources.organization_values(campaign, members))
    forms = [fill_form(definition, values[org.id], campaign.year) for org, _ in members]
    out = {"organizations": len(forms), "load_values_ms": _ms(load_s),
           "snapshot_based": sum(1 for f in forms if not f.basis.preliminary)}
    for name, render in (("pdf", render_form_pdf), ("xlsx", render_form_xlsx)):
        times, sizes = [], 0
        for form in forms:
            seconds, data = _timed(lambda f=form, r=render: r(f))
            times.append(seconds)
            sizes += len(data)
        out[name] = _stats(times) | {"bytes_per_form": sizes // len(forms)}
    grids = [_cells(f) for f in forms]
    for name, render in (("bare_reportlab", bare_pdf), ("bare_openpyxl", bare_xlsx)):
        out[name] = _stats([_timed(lambda g=g, r=render: r(g))[0] for g in grids])
    out["ratio_pdf_to_bare"] = round(out["pdf"]["total_ms"] / out["bare_reportlab"]["total_ms"], 2)
    out["ratio_xlsx_to_bare"] = round(out["xlsx"]["total_ms"] / out["bare_openpyxl"]["total_ms"], 2)
    out["all_forms_pdf_and_xlsx_s"] = round((out["pdf"]["total_ms"] + out["xlsx"]["total_ms"]) / 1000, 2)
    return out


def measure_archive(campaign, region) -> dict:
    out = {}
    for fmt in ("pdf", "xlsx"):
        job, _ = jobs.request_archive(campaign, region, fmt, get_form(), actor=None)
        db.session.commit()
        seconds, _ = _timed(lambda j=job.id: jobs.build_archive(j))
        db.session.expire_all()
        job = db.session.get(type(job), job.id)
        out[fmt] = {"forms": job.total, "status": job.status.value, "total_ms": _ms(seconds),
                    "per_form_ms": _ms(seconds / max(job.total, 1)), "zip_bytes": job.size}
    return out


def measure_report(campaign, region) -> dict:
    build_s, report = _timed(lambda: monitoring_report(campaign, region))
    pdf_s, pdf = _timed(lambda: render_report_pdf(report))
    xlsx_s, xlsx = _timed(lambda: render_report_xlsx(report))
    return {"build_ms": _ms(build_s), "pdf_ms": _ms(pdf_s), "xlsx_ms": _ms(xlsx_s), "pdf_bytes": len(pdf),
            "xlsx_bytes": len(xlsx), "charts": len(report.charts) + len(report.unit_charts)}


def synthetic_form(rows: int):
    """A valid layout of `rows` coded rows × 6 data columns, each cell a formula, with a control per row pair."""
    data_columns = [{"code": str(c), "title": f"Графа {c}"} for c in range(3, 9)]
    raw = {"code": f"synthetic_{rows}", "form_number": "СИНТ", "title": "Синтетическая форма",
           "columns": [{"code": "1", "title": "Показатель", "role": "label"},
                       {"code": "2", "title": "№", "role": "row_code"}, *data_columns],
           "sections": [{"code": "1", "title": "Раздел 1", "rows": [
               {"code": f"{r:04d}", "title": f"Строка {r} с длинным наименованием показателя для переноса",
                "cells": {str(c): f"{CODES[(r + c) % 10]} + {r}" for c in range(3, 9)}}
               for r in range(1, rows + 1)],
               "controls": [{"id": "1", "text": "строка 0001 ≥ 0", "left": "r0001", "op": ">=", "right": "0",
                             "over": "columns"}]}]}
    return build(raw)


def measure_linearity(base_rows: int, runs: int) -> dict:
    values = {code: 100.0 + i for i, code in enumerate(CODES)}
    unit = UnitValues(UnitInfo("X", "organization", "Организация", (("Наименование", "Организация"),)), values,
                      Basis(False, "синтетика", snapshot_id=1, snapshot_version=1), False)
    out = {}
    renderers = {"pdf": render_form_pdf, "xlsx": render_form_xlsx,
                 "bare_reportlab": lambda form: bare_pdf(_cells(form)),
                 "bare_openpyxl": lambda form: bare_xlsx(_cells(form))}
    for name, render in renderers.items():
        medians = {}
        for rows in (base_rows, 4 * base_rows):
            form = fill_form(synthetic_form(rows), unit, 2026)
            medians[rows] = statistics.median(_timed(lambda r=render, f=form: r(f))[0] for _ in range(runs))
        ratio = medians[4 * base_rows] / medians[base_rows]
        out[name] = {f"{base_rows}_rows_ms": _ms(medians[base_rows]), f"{4 * base_rows}_rows_ms":
                     _ms(medians[4 * base_rows]), "ratio_4x": round(ratio, 2), "linear": ratio <= 5.0}
    return out


def run(url: str, organizations: int, base_rows: int, runs: int) -> dict:
    config = type("BenchConfig", (BaseConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
        register_fonts()
        year = datetime.now(UTC).year + 1  # every window still open, so the region can consolidate
        generated = generate(prefix="B", organizations=organizations, municipalities=19, year=year)
        db.session.commit()
        campaign, region = generated.campaign, generated.region
        consolidate_s, snapshot = _timed(lambda: reports.consolidate(campaign, actor=None))
        db.session.commit()
        result = {"database": db.engine.dialect.name, "generate_s": round(generated.seconds, 2),
                  "consolidate_ms": _ms(consolidate_s), "regional_snapshot": snapshot.id}
        result["forms"] = measure_forms(campaign)
        result["archive"] = measure_archive(campaign, region)
        result["regional_report"] = measure_report(campaign, region)
        result["linearity"] = measure_linearity(base_rows, runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="SQLAlchemy URL of an EMPTY database (default: a temporary SQLite file)")
    parser.add_argument("--organizations", type=int, default=700)
    parser.add_argument("--rows", type=int, default=50, help="rows of the smaller synthetic layout")
    parser.add_argument("--runs", type=int, default=5, help="runs per linearity measurement (median)")
    args = parser.parse_args()
    url = args.url or "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="bench-exports-"), "bench.sqlite3")
    started = time.perf_counter()
    result = run(url, args.organizations, args.rows, args.runs)
    result["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    linear = all(v["linear"] for v in result["linearity"].values())
    print("linearity target met (4× rows ≤ 5× time)" if linear else "linearity target MISSED", file=sys.stderr)


if __name__ == "__main__":
    main()
