"""The region's dashboard for a campaign: municipal reports, direct organizations, consolidation, snapshots."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deadlines import extension_requests, late_return
from hierarchy.models import ORG_TYPE_LABELS, Level
from hierarchy.permissions import can_manage_region, can_see_municipality, can_see_region
from monitoring import confirmations, list_xlsx, queries, reports
from monitoring.access import load_campaign, load_municipality, load_snapshot
from monitoring.campaigns import campaign_args
from monitoring.labels import LEVEL_NAMES, NOT_STARTED
from monitoring.models import REPORT_STATUS_LABELS, SUBMISSION_STATUS_LABELS, ReportStatus, SubmissionStatus
from monitoring.panels import region_panels
from monitoring.plans import queries as plan_queries
from monitoring.views import _dashboard
from monitoring.views import _queries as q
from monitoring.views._common import EXTEND_DAYS, completeness_rows, indicator_rows, sum_rows, window_of
from monitoring.views.charts import indicator_chart
from registry.core.clock import now_utc
from registry.core.listing import paginate_list, search_arg, text_matches
from registry.core.permissions import require
from surveys import privacy

bp = Blueprint("region", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>"
DIRECT_PER_PAGE = 50
#: The dashboard shows the first overdue organizations; the review queue's overdue filter lists them all.
OVERDUE_SHOWN = 10
MISSING_PER_PAGE = 50
SNAPSHOTS_PER_PAGE = 50


@bp.get(PREFIX + "/")
@login_required
def region_view(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_see_region(current_user, campaign.region_id))
    now = now_utc()
    region = campaign.region
    live = queries.aggregate(campaign, region, now, current_user)
    window = window_of(campaign, Level.region, region.id, now)
    can_decide = can_manage_region(current_user, region.id) and window.is_open
    board = _dashboard.matrix(campaign, now)
    for row in board["rows"]:
        row["can_decide"] = can_decide and row["report_status"] == ReportStatus.submitted.value
    searches = {"direct": search_arg("direct_q"), "overdue": search_arg("overdue_q")}
    direct = q.member_listing(campaign, parent=None, now=now, per_page=DIRECT_PER_PAGE, search=searches["direct"])
    overdue = q.member_listing(campaign, overdue_only=True, now=now, per_page=OVERDUE_SHOWN, prefix="overdue_",
                               search=searches["overdue"])
    indicators = indicator_rows(live["indicators"], Level.region)
    return render_template(
        "monitoring/region_view.html", campaign=campaign, region=region, tz=region.timezone, window=window,
        board=board, direct=direct, direct_rows=[_org_row(r, can_decide, campaign, now) for r in direct.rows],
        overdue=overdue, overdue_rows=[_org_row(r, False, campaign, now) for r in overdue.rows], searches=searches,
        extend_days=EXTEND_DAYS, panels=region_panels(campaign),
        indicators=indicators, chart=indicator_chart(indicators, f"Показатели региона: факт и цель, {year}"),
        sums=sum_rows(live["values"]), completeness=completeness_rows(live["completeness"]),
        snapshots=q.snapshots(campaign, Level.region, region.code, SNAPSHOTS_PER_PAGE), can_consolidate=can_decide,
        plans=plan_queries.municipal_plans(campaign), can_import_plans=can_manage_region(current_user, region.id),
        can_request_extension=not window.is_open and can_manage_region(current_user, region.id)
        and not current_user.is_admin,
        args=campaign_args(campaign))


@bp.get(PREFIX + "/matrix.xlsx")
@login_required
def matrix_xlsx(region_code: str, year: int):
    """The completeness and timeliness matrix of the dashboard, as an XLSX table."""
    campaign = load_campaign(region_code, year)
    require(can_see_region(current_user, campaign.region_id))
    return list_xlsx.completeness_matrix(campaign, _dashboard.matrix(campaign, now_utc()))


def _org_row(row, can_decide: bool, campaign, now) -> dict:
    member, org, submission, municipality, is_overdue = row
    status = submission.status if submission else SubmissionStatus.draft
    return {"org": org, "type": ORG_TYPE_LABELS[member.org_type], "parent": municipality, "status": status.value,
            "status_label": SUBMISSION_STATUS_LABELS[status] if submission else NOT_STARTED,
            "updated_at": submission.updated_at if submission else None, "overdue": bool(is_overdue),
            "can_accept": can_decide and status is SubmissionStatus.submitted,
            "late_notice": late_return.notice(campaign, org, now)
            if can_decide and status is SubmissionStatus.submitted else None}


@bp.route(PREFIX + "/consolidate", methods=["GET", "POST"])
@login_required
def consolidate(region_code: str, year: int):
    """GET: the confirmation page listing what will be missing; POST: freeze the regional snapshot."""
    campaign = load_campaign(region_code, year)
    require(can_manage_region(current_user, campaign.region_id))
    if request.method == "GET":
        return render_template("monitoring/confirm.html", consequences=confirmations.consolidation(campaign),
                               button="Консолидировать", back=url_for("region.region_view", **campaign_args(campaign)),
                               next_url=None)
    snapshot = reports.consolidate(campaign, actor=current_user)
    missing = len(snapshot.summary.get("missing", []))
    flash(f"Региональная сводка зафиксирована: срез версии {snapshot.version}; отсутствуют: {missing}.", "success")
    return redirect(url_for("region.snapshot_view", **campaign_args(campaign), snapshot_id=snapshot.id))


@bp.post(PREFIX + "/extension-request")
@login_required
def extension_request(region_code: str, year: int):
    """The operator's one-click request to the administrators to extend the region's closed window."""
    campaign = load_campaign(region_code, year)
    require(can_manage_region(current_user, campaign.region_id) and not current_user.is_admin)
    told = extension_requests.request_region_extension(campaign, actor=current_user, now=now_utc())
    flash(f"Просьба о продлении отправлена администраторам ({told})." if told else
          "Просьба о продлении уже отправлена администраторам; повторно она не отправляется.", "success")
    return redirect(url_for("region.region_view", **campaign_args(campaign)))


def _load_snapshot(region_code: str, year: int, snapshot_id: int):
    """The campaign, the snapshot its viewer may see, and the page to go back to."""
    campaign = load_campaign(region_code, year)
    snapshot = load_snapshot(campaign, snapshot_id)
    if snapshot.level is Level.municipality:
        municipality = load_municipality(campaign, snapshot.unit_code)
        require(can_see_municipality(current_user, municipality))
        back = url_for("reports.municipal_report_view", **campaign_args(campaign), municipality_code=municipality.code)
    else:
        require(can_see_region(current_user, campaign.region_id))
        back = url_for("region.region_view", **campaign_args(campaign))
    return campaign, snapshot, back


def _missing(summary: dict, search: str) -> list[dict]:
    """The units missing from the snapshot with Russian labels; `search` keeps those whose name or code has it."""
    rows = [dict(m, level_name=LEVEL_NAMES.get(m.get("level"), m.get("level")), status_label=_status_label(m))
            for m in summary.get("missing", [])]
    return [m for m in rows if text_matches(search, m.get("name"), m.get("code"))] if search else rows


@bp.get(PREFIX + "/snapshots/<int:snapshot_id>")
@login_required
def snapshot_view(region_code: str, year: int, snapshot_id: int):
    campaign, snapshot, back = _load_snapshot(region_code, year, snapshot_id)
    summary = privacy.masked_summary(current_user, campaign, snapshot)
    search = search_arg()
    return render_template(
        "monitoring/snapshot_view.html", campaign=campaign, snapshot=snapshot, unit=summary.get("unit", {}),
        tz=campaign.region.timezone, indicators=indicator_rows(summary.get("indicators", {}), snapshot.level),
        sums=sum_rows(summary.get("values", {})), completeness=completeness_rows(summary.get("completeness", {})),
        missing=paginate_list(_missing(summary, search), MISSING_PER_PAGE), search=search,
        missing_total=len(summary.get("missing", [])), back=back, args=campaign_args(campaign),
        level_name=LEVEL_NAMES.get(snapshot.level.value))


@bp.get(PREFIX + "/snapshots/<int:snapshot_id>/missing.xlsx")
@login_required
def missing_xlsx(region_code: str, year: int, snapshot_id: int):
    """The snapshot's missing list (with the page's search), as an XLSX table."""
    campaign, snapshot, _ = _load_snapshot(region_code, year, snapshot_id)
    unit_name = snapshot.summary.get("unit", {}).get("name") or snapshot.unit_code
    return list_xlsx.missing_list(campaign, snapshot, unit_name, _missing(snapshot.summary, search_arg()))


def _status_label(missing: dict) -> str:
    status = missing.get("status")
    labels = REPORT_STATUS_LABELS if missing.get("level") == "municipality" else SUBMISSION_STATUS_LABELS
    return next((label for key, label in labels.items() if key.value == status), status or "—")
