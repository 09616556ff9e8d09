"""Geometry of the server-drawn SVG bar charts (fact vs target per indicator): no script, readable without colour."""
from registry.core.web import format_number

WIDTH = 640
LABEL_W = 48  #: room for the indicator code on the left
VALUE_W = 76  #: room for the value printed after the bar
ROW_H = 30
BAR_H = 14


def _pct(value) -> str:
    return "нет данных" if value is None else f"{format_number(value)} %"


def indicator_chart(rows: list[dict], title: str) -> dict:
    """Bars for indicator rows (see indicator_rows): value as a bar, target as a tick; shares of 0–100 %."""
    rows = [r for r in rows if r.get("unit", "percent") == "percent"]  # F2 is a number of people, not a share
    numbers = [r[k] for r in rows for k in ("value", "target") if r[k] is not None]
    scale = max([100.0, *numbers])  # a share above 100 % (bad data) still fits
    span = WIDTH - LABEL_W - VALUE_W
    bars = []
    for i, row in enumerate(rows):
        top = i * ROW_H + 6
        value, target = row["value"], row["target"]
        state = "none" if row["reached"] is None else ("reached" if row["reached"] else "below")
        length = 0 if value is None else round(span * value / scale, 1)
        tick = None if target is None else round(span * target / scale, 1)
        bars.append({
            "code": row["code"], "label": row["label"], "y": top, "text_y": top + BAR_H - 2,
            "width": length, "state": state, "value_text": _pct(value),
            # the number goes after whichever ends later, the bar or the target tick, so they never overlap
            "value_x": LABEL_W + max(length, tick or 0) + 6,
            "target_x": None if tick is None else LABEL_W + tick,
        })
    desc = "; ".join(f"{r['code']} {r['label']}: факт {_pct(r['value'])}, цель {_pct(r['target'])}" for r in rows)
    return {"title": title, "desc": desc, "width": WIDTH, "height": len(rows) * ROW_H + 8, "label_w": LABEL_W,
            "bar_h": BAR_H, "row_h": ROW_H, "bars": bars}
