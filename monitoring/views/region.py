"""The region's dashboard for a campaign: municipal reports, direct organizations, consolidation, snapshots."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from hierarchy.models import ORG_TYPE_LABELS, Level
from hierarchy.permissions import manages_region, sees_municipality, sees_region
from monitoring import queries, reports
from monitoring.models import REPORT_STATUS_LABELS, SUBMISSION_STATUS_LABELS, ReportStatus, Snapshot, SubmissionStatus
from monitoring.views import _queries as q
from monitoring.views._common import (
    LEVEL_NAMES,
    NOT_STARTED,
    campaign_args,
    completeness_rows,
    indicator_rows,
    load_campaign,
    load_municipality,
    sum_rows,
    window_of,
)
from registry.core.clock import now_utc
from registry.core.permissions import require
from registry.extensions import db

bp = Blueprint("region", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>"


@bp.get(PREFIX + "/")
@login_required
def region_view(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(sees_region(current_user, campaign.region_id))
    now = now_utc()
    region = campaign.region
    live = queries.aggregate(campaign, region, now)
    window = window_of(campaign, Level.region, region.id, now)
    can_decide = manages_region(current_user, region.id) and window.is_open
    municipal = []
    for row in q.municipal_reports(campaign):
        status = row["report"].status if row["report"] else ReportStatus.open
        municipal.append(dict(row, status=status.value, status_label=REPORT_STATUS_LABELS[status],
                              can_decide=can_decide and status is ReportStatus.submitted))
    direct_rows, _ = q.members(campaign, parent=None)
    direct = []
    for member, org, submission, _ in direct_rows:
        status = submission.status if submission else SubmissionStatus.draft
        direct.append({"org": org, "type": ORG_TYPE_LABELS[member.org_type], "status": status.value,
                       "status_label": SUBMISSION_STATUS_LABELS[status] if submission else NOT_STARTED,
                       "updated_at": submission.updated_at if submission else None,
                       "can_accept": can_decide and status is SubmissionStatus.submitted})
    return render_template(
        "monitoring/region_view.html", campaign=campaign, region=region, tz=region.timezone, window=window,
        municipal=municipal, direct=direct, indicators=indicator_rows(live["indicators"]),
        sums=sum_rows(live["values"]), completeness=completeness_rows(live["completeness"]),
        snapshots=q.snapshots(campaign, Level.region), can_consolidate=can_decide, args=campaign_args(campaign))


@bp.post(PREFIX + "/consolidate")
@login_required
def consolidate(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(manages_region(current_user, campaign.region_id))
    snapshot = reports.consolidate(campaign, actor=current_user)
    db.session.commit()
    missing = len(snapshot.summary.get("missing", []))
    flash(f"Региональная сводка зафиксирована: срез версии {snapshot.version}; отсутствуют: {missing}.", "success")
    return redirect(url_for("region.snapshot_view", **campaign_args(campaign), snapshot_id=snapshot.id))


@bp.get(PREFIX + "/snapshots/<int:snapshot_id>")
@login_required
def snapshot_view(region_code: str, year: int, snapshot_id: int):
    campaign = load_campaign(region_code, year)
    snapshot = db.session.get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.campaign_id != campaign.id:
        abort(404)
    if snapshot.level is Level.municipality:
        municipality = load_municipality(campaign, snapshot.unit_code)
        require(sees_municipality(current_user, municipality))
        back = url_for("reports.municipal_report_view", **campaign_args(campaign), municipality_code=municipality.code)
    else:
        require(sees_region(current_user, campaign.region_id))
        back = url_for("region.region_view", **campaign_args(campaign))
    summary = snapshot.summary
    missing = [dict(m, level_name=LEVEL_NAMES.get(m.get("level"), m.get("level")),
                    status_label=_status_label(m)) for m in summary.get("missing", [])]
    return render_template(
        "monitoring/snapshot_view.html", campaign=campaign, snapshot=snapshot, unit=summary.get("unit", {}),
        tz=campaign.region.timezone, indicators=indicator_rows(summary.get("indicators", {})),
        sums=sum_rows(summary.get("values", {})), completeness=completeness_rows(summary.get("completeness", {})),
        missing=missing, back=back, level_name=LEVEL_NAMES.get(snapshot.level.value))


def _status_label(missing: dict) -> str:
    status = missing.get("status")
    labels = REPORT_STATUS_LABELS if missing.get("level") == "municipality" else SUBMISSION_STATUS_LABELS
    return next((label for key, label in labels.items() if key.value == status), status or "—")
