"""The regional dashboard's completeness and timeliness matrix: reporting unit × status, in one GROUP BY."""
from datetime import datetime

import sqlalchemy as sa

from deadlines.models import Campaign
from deadlines.unit_deadline import sent_late
from hierarchy.models import Level
from monitoring import aggregation
from monitoring.labels import NOT_STARTED
from monitoring.models import (
    REPORT_STATUS_LABELS,
    SUBMISSION_STATUS_LABELS,
    CampaignMember,
    ReportStatus,
    Submission,
    SubmissionStatus,
)
from monitoring.views import _queries as q
from registry.extensions import db

#: Matrix columns: (key, caption, review-queue status filter it links to).
STATUS_COLUMNS = (("not_started", NOT_STARTED, "draft"),
                  ("draft", SUBMISSION_STATUS_LABELS[SubmissionStatus.draft], "draft"),
                  ("returned", "возвращён", "returned"), ("submitted", "на проверке", "submitted"),
                  ("accepted", "принят", "accepted"))
COUNTERS = ("expected", "overdue", "late", *(key for key, _, _ in STATUS_COLUMNS))


def status_cells(campaign: Campaign, now: datetime) -> dict[int | None, dict[str, int]]:
    """Reporting municipality id (None: the region itself) → counts by status, overdue and late."""
    status = Submission.status
    late = sa.and_(status.in_([SubmissionStatus.submitted, SubmissionStatus.accepted]),
                   sent_late(campaign, Level.organization, CampaignMember.organization_id, Submission.submitted_at))
    query = (
        sa.select(CampaignMember.reporting_municipality_id, status, sa.func.count(),
                  sa.func.sum(sa.case((aggregation.overdue_clause(campaign, now), 1), else_=0)),
                  sa.func.sum(sa.case((late, 1), else_=0)))
        .select_from(CampaignMember)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .where(CampaignMember.campaign_id == campaign.id)
        .group_by(CampaignMember.reporting_municipality_id, status)
    )
    cells: dict[int | None, dict[str, int]] = {}
    for unit_id, state, count, overdue, late_count in db.session.execute(query):
        row = cells.setdefault(unit_id, dict.fromkeys(COUNTERS, 0))
        row[getattr(state, "value", state) or "not_started"] += count
        row["expected"] += count
        row["overdue"] += int(overdue or 0)
        row["late"] += int(late_count or 0)
    return cells


def _tone(counts: dict[str, int]) -> str:
    """The row's colour: all accepted, someone overdue, or in progress."""
    if counts["expected"] and counts["accepted"] == counts["expected"]:
        return "done"
    return "overdue" if counts["overdue"] else "progress"


def _row(counts: dict[str, int], **extra) -> dict:
    expected = counts["expected"]
    share = round(100 * counts["accepted"] / expected, 1) if expected else None
    return {"counts": counts, "share": share, "tone": _tone(counts), **extra}


def matrix(campaign: Campaign, now: datetime) -> dict:
    """Rows for every municipality (with its own report's status) and the region's direct organizations."""
    cells = status_cells(campaign, now)
    empty = dict.fromkeys(COUNTERS, 0)
    rows = []
    for item in q.municipal_reports(campaign):
        municipality, report = item["municipality"], item["report"]
        status = report.status if report else ReportStatus.open
        rows.append(_row(cells.get(municipality.id, dict(empty)), municipality=municipality, report=report,
                         report_status=status.value, report_label=REPORT_STATUS_LABELS[status]))
    direct = _row(cells.get(None, dict(empty)), municipality=None)
    total = {key: sum(c[key] for c in cells.values()) for key in COUNTERS}
    return {"rows": rows, "direct": direct, "total": _row(total), "columns": STATUS_COLUMNS}
