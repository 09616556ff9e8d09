"""Shared helpers of the monitoring pages: windows in local time, Russian wording, safe redirects (loading by URL codes
and access checks live in monitoring.access)."""
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import redirect, request, url_for

from deadlines.models import Campaign
from deadlines.windows import active_extension, is_open, last_day_label, require_open
from hierarchy.models import Level
from monitoring.indicators import FIELDS, INDICATORS, PERCENT_CODES
from monitoring.models import SUBMISSION_STATUS_LABELS, SubmissionStatus
from monitoring.plans.targets import source_label
from registry.core.errors import WindowClosed
from registry.core.wording import days_left_text

EVENT_LABELS = {"saved": "сохранён черновик", "submitted": "отправлен на проверку",
                "returned": "возвращён на доработку", "accepted": "принят", "reopened": "переоткрыт для проверки"}
COMPLETENESS_LABELS = {"expected": "ожидается организаций", "submitted": "отправили отчёт", "accepted": "принято",
                       "overdue": "просрочили", "on_time": "сдали в срок", "late": "сдали с опозданием",
                       "included": "включено в сводку организаций",
                       "municipal_reports_accepted": "принято муниципальных отчётов",
                       "municipalities": "муниципалитетов в регионе"}
#: Status filter captions; "draft" also finds organizations that have not started.
FILTER_LABELS = {s.value: SUBMISSION_STATUS_LABELS[s] for s in SubmissionStatus} | {"draft": "не начат или черновик"}
#: The one-click extension of an overdue organization keeps its window open through this many local days.
EXTEND_DAYS = 7


@dataclass
class Window:
    """What a page says about one unit's data window: open or not, until when, in words."""

    is_open: bool
    closes_at: datetime
    last_day: str
    days_left_text: str
    extended_until: datetime | None
    closed_message: str | None


def window_of(campaign: Campaign, level: Level, unit_id: int, now: datetime) -> Window:
    tz = campaign.region.timezone
    extension = active_extension(campaign, level, unit_id, now)
    closes_at = campaign.deadline_of(level)
    if extension is not None and extension.until > closes_at:
        closes_at = extension.until
    open_ = is_open(campaign, level, unit_id, now)
    message = None
    if not open_:
        try:
            require_open(campaign, level, unit_id, now)
        except WindowClosed as closed:
            message = closed.message
    return Window(open_, closes_at, last_day_label(closes_at, tz), days_left_text(closes_at, tz, now),
                  extension.until if extension is not None else None, message)


def indicator_rows(indicators: dict, level: Level | str | None = None) -> list[dict]:
    """Indicator table rows: value vs target and whose target it is (for a unit of `level`), whether reached,
    R9's approximate mark, reason and count."""
    rows = []
    for indicator in INDICATORS:
        data = indicators.get(indicator.code) or {}
        value, target = data.get("value"), data.get("target")
        reached = None if value is None or target is None else value >= target
        rows.append({"code": indicator.code, "label": indicator.label, "value": value, "target": target,
                     "source": source_label(data.get("target_source"), level),
                     "reached": reached, "unit": indicator.unit, "approximate": bool(data.get("approximate")),
                     "reason": data.get("reason"), "count": data.get("count")})
    return rows


def sum_rows(values: dict) -> list[tuple[str, float]]:
    """Summed values for display; percentages are means (shown as R10/R11), so their sums are left out."""
    return [(f.label, values.get(f.code)) for f in FIELDS if f.code not in PERCENT_CODES]


def completeness_rows(completeness: dict) -> list[tuple[str, int]]:
    return [(COMPLETENESS_LABELS.get(key, key), value) for key, value in completeness.items()]


def safe_next(default: str) -> str:
    """The form's `next` when it is a same-site relative path; otherwise `default` (no open redirect)."""
    target = request.form.get("next") or request.args.get("next")
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return default


def redirect_next(endpoint: str, **values):
    return redirect(safe_next(url_for(endpoint, **values)))
