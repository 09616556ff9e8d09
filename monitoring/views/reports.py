"""The municipal report: live aggregate, organizations still missing, submit (freeze), region's accept/return."""
from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user, login_required

from deadlines import late_return
from hierarchy.models import Level
from hierarchy.permissions import can_manage_region, can_see_municipality, can_see_region, can_submit_municipal_report
from monitoring import aggregation, confirmations, municipal_parameters, queries, reports
from monitoring.access import load_campaign, load_municipality
from monitoring.campaigns import campaign_args
from monitoring.models import REPORT_STATUS_LABELS, SUBMISSION_STATUS_LABELS, ReportStatus
from monitoring.views import _queries as q
from monitoring.views._common import completeness_rows, indicator_rows, redirect_next, sum_rows, window_of
from monitoring.views.charts import indicator_chart
from registry.core.clock import now_utc
from registry.core.errors import DomainError
from registry.core.listing import links_to, paginate_list
from registry.core.permissions import require

bp = Blueprint("reports", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>/municipalities/<municipality_code>/report"
MISSING_PER_PAGE = 50
SNAPSHOTS_PER_PAGE = 50


def _load(region_code: str, year: int, municipality_code: str):
    campaign = load_campaign(region_code, year)
    return campaign, load_municipality(campaign, municipality_code)


@bp.get(PREFIX)
@login_required
def municipal_report_view(region_code: str, year: int, municipality_code: str):
    campaign, municipality = _load(region_code, year, municipality_code)
    require(can_see_municipality(current_user, municipality))
    return render_report(campaign, municipality)


def render_report(campaign, municipality, *, error: DomainError | None = None, comment: str = "",
                  enterprises_error: DomainError | None = None, enterprises_typed: str | None = None):
    links_to("reports.municipal_report_view", **campaign_args(campaign), municipality_code=municipality.code)
    now = now_utc()
    user = current_user
    report = q.municipal_report(campaign, municipality)
    status = report.status if report else ReportStatus.open
    live = queries.aggregate(campaign, municipality, now, user)
    window = window_of(campaign, Level.municipality, municipality.id, now)
    region_window = window_of(campaign, Level.region, campaign.region_id, now)
    region_open = region_window.is_open
    can_decide = can_manage_region(user, campaign.region_id) and region_open and status is ReportStatus.submitted
    snapshot = report.snapshot if report else None
    indicators = indicator_rows(live["indicators"], Level.municipality)
    return render_template(
        "monitoring/municipal_report_view.html", campaign=campaign, municipality=municipality, report=report,
        status=status.value, status_label=REPORT_STATUS_LABELS[status], tz=campaign.region.timezone,
        indicators=indicators, chart=indicator_chart(indicators, f"Показатели: {municipality.name}, факт и цель"),
        sums=sum_rows(live["values"]),
        completeness=completeness_rows(live["completeness"]),
        missing=paginate_list(aggregation.not_accepted(campaign, municipality.id), MISSING_PER_PAGE, "missing_"),
        submission_labels=SUBMISSION_STATUS_LABELS, window=window, snapshot=snapshot,
        snapshot_missing=paginate_list(snapshot.summary.get("missing", []) if snapshot else [], MISSING_PER_PAGE,
                                       "snapshot_"),
        snapshots=q.snapshots(campaign, Level.municipality, municipality.code, SNAPSHOTS_PER_PAGE),
        can_submit=can_submit_municipal_report(user, municipality) and window.is_open
        and status in (ReportStatus.open, ReportStatus.returned),
        can_accept=can_decide, can_return=can_decide,
        region_closed_note=region_window.closed_message if can_manage_region(user, campaign.region_id)
        and status is ReportStatus.submitted and not region_open else None,
        late_return_notice=late_return.notice(campaign, municipality, now) if can_decide else None,
        error=error, errors=error.fields if error else {},
        comment=comment, args=campaign_args(campaign), region_staff=can_see_region(user, campaign.region_id),
        enterprises_total=municipal_parameters.enterprises_total(campaign, municipality.id),
        can_set_enterprises=municipal_parameters.can_set_enterprises_total(user, municipality),
        enterprises_errors=enterprises_error.fields if enterprises_error else {},
        enterprises_typed=enterprises_typed)


@bp.post(PREFIX + "/enterprises")
@login_required
def municipal_enterprises_set(region_code: str, year: int, municipality_code: str):
    """Set the municipality's number of enterprises (R9's denominator): its official or region staff."""
    campaign, municipality = _load(region_code, year, municipality_code)
    require(municipal_parameters.can_set_enterprises_total(current_user, municipality))
    typed = request.form.get("enterprises_total", "").strip()
    try:
        value = _parse_count(typed)
        municipal_parameters.set_enterprises_total(campaign, municipality, value, actor=current_user)
    except DomainError as error:
        return render_report(campaign, municipality, enterprises_error=error, enterprises_typed=typed), error.status
    flash("Число предприятий муниципалитета сохранено." if value is not None else
          "Число предприятий муниципалитета очищено: R9 муниципалитета не считается.", "success")
    return redirect_next("reports.municipal_report_view", **campaign_args(campaign),
                         municipality_code=municipality.code)


def _parse_count(typed: str) -> int | float | str | None:
    """«1 200» → 1200; empty → None (clear); anything else is passed on for the service to refuse precisely."""
    if not typed:
        return None
    cleaned = typed.replace(" ", "").replace("\u00a0", "")
    try:
        return int(cleaned)
    except ValueError:
        return cleaned


@bp.route(PREFIX + "/submit", methods=["GET", "POST"])
@login_required
def municipal_report_submit(region_code: str, year: int, municipality_code: str):
    """GET: the confirmation page listing what the submit freezes and who is missing; POST: submit."""
    campaign, municipality = _load(region_code, year, municipality_code)
    require(can_submit_municipal_report(current_user, municipality),
            "Отправить муниципальный отчёт может только специалист этого муниципалитета.")
    back = url_for("reports.municipal_report_view", **campaign_args(campaign), municipality_code=municipality.code)
    if request.method == "GET":
        return render_template("monitoring/confirm.html", consequences=confirmations.municipal_submit(
            campaign, municipality), button="Отправить муниципальный отчёт", back=back, next_url=None)
    report = reports.submit_report(campaign, municipality, actor=current_user)
    missing = len(report.snapshot.summary.get("missing", []))
    note = f" Не приняты и отмечены как отсутствующие: {missing}." if missing else ""
    flash(f"Муниципальный отчёт отправлен в регион; зафиксирован срез, версия {report.snapshot.version}.{note}",
          "success")
    return redirect_next("reports.municipal_report_view", **campaign_args(campaign),
                         municipality_code=municipality.code)


@bp.post(PREFIX + "/accept")
@login_required
def municipal_report_accept(region_code: str, year: int, municipality_code: str):
    campaign, municipality = _load(region_code, year, municipality_code)
    require(can_manage_region(current_user, campaign.region_id))
    reports.accept_report(campaign, municipality, actor=current_user)
    flash(f"Отчёт муниципалитета «{municipality.name}» принят.", "success")
    return redirect_next("reports.municipal_report_view", **campaign_args(campaign),
                         municipality_code=municipality.code)


@bp.post(PREFIX + "/return")
@login_required
def municipal_report_return(region_code: str, year: int, municipality_code: str):
    campaign, municipality = _load(region_code, year, municipality_code)
    require(can_manage_region(current_user, campaign.region_id))
    comment = request.form.get("comment", "")
    try:
        reports.return_report(campaign, municipality, comment, actor=current_user)
    except DomainError as error:
        return render_report(campaign, municipality, error=error, comment=comment), error.status
    flash(f"Отчёт муниципалитета «{municipality.name}» возвращён на доработку.", "success")
    return redirect_next("reports.municipal_report_view", **campaign_args(campaign),
                         municipality_code=municipality.code)
