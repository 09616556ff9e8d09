"""Reviewing organizations' reports: the queue, accept, return with a comment, reopen."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from deadlines import late_return
from hierarchy.models import ORG_TYPE_LABELS, OrgType
from hierarchy.permissions import can_see_region
from monitoring import confirmations, list_xlsx, services
from monitoring.access import (
    can_extend_deadline,
    can_review_member,
    can_see_review_queue,
    load_campaign,
    load_member,
    visible_members,
)
from monitoring.campaigns import campaign_args
from monitoring.labels import NOT_STARTED
from monitoring.models import SUBMISSION_STATUS_LABELS, SubmissionStatus
from monitoring.views import _queries as q
from monitoring.views._common import (
    EXTEND_DAYS,
    FILTER_LABELS,
    redirect_next,
    safe_next,
)
from monitoring.views.submissions import render_page
from registry.core.clock import now_utc
from registry.core.errors import DomainError
from registry.core.listing import same_filters_url, search_arg
from registry.core.permissions import require
from registry.documents import services as documents
from registry.documents.vocab import DocumentKind

bp = Blueprint("review", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>"
PER_PAGE = 50
#: Filter value for the region's direct organizations.
DIRECT = "region"


def _queue_filters(campaign) -> dict:
    """Who may see the queue and which part of it the request asks for (the page and its download share this)."""
    user = current_user
    require(can_see_review_queue(user, campaign))
    region_staff = can_see_region(user, campaign.region_id)
    status, org_type = request.args.get("status", ""), request.args.get("type", "")
    if (status and status not in SubmissionStatus.__members__) or (org_type and org_type not in OrgType.__members__):
        abort(404)
    parent_arg = request.args.get("parent", "") if region_staff else ""
    municipalities = {m.code: m for m in campaign.region.municipalities}
    if not region_staff:  # an official: visible_members keeps the organizations reporting to it
        parent = q.ANY_PARENT
    elif parent_arg == DIRECT:
        parent = None
    elif parent_arg in municipalities:
        parent = municipalities[parent_arg].id
    else:
        parent_arg, parent = "", q.ANY_PARENT
    return {"region_staff": region_staff, "municipalities": municipalities, "parent_arg": parent_arg,
            "query": {"parent": parent, "status": status or None, "org_type": org_type or None,
                      "overdue_only": request.args.get("overdue") == "1", "search": search_arg(),
                      "members": visible_members(user, campaign)}}


@bp.get(PREFIX + "/review")
@login_required
def submission_list(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    user = current_user
    filters = _queue_filters(campaign)
    region_staff, municipalities, query = filters["region_staff"], filters["municipalities"], filters["query"]
    now = now_utc()
    listing = q.member_listing(campaign, **query, now=now, per_page=PER_PAGE)
    items = []
    documents_of = documents.missing_by_organization([row[1] for row in listing.rows])
    for member, org, submission, municipality, is_overdue in listing.rows:
        state = submission.status if submission else SubmissionStatus.draft
        can_review = can_review_member(user, campaign, member)
        label = SUBMISSION_STATUS_LABELS[state] if submission else NOT_STARTED
        items.append({"org": org, "type": ORG_TYPE_LABELS[member.org_type], "parent": municipality,
                      "status": state.value, "status_label": label,
                      "updated_at": submission.updated_at if submission else None,
                      "documents_missing": sum(1 for v in documents_of[org.id].values() if v is None),
                      "can_accept": can_review and state is SubmissionStatus.submitted,
                      "late_notice": late_return.notice(campaign, org, now)
                      if can_review and state is SubmissionStatus.submitted else None,
                      "can_extend": bool(is_overdue) and can_extend_deadline(user, campaign, org, member)})
    return render_template(
        "monitoring/submission_list.html", campaign=campaign, items=items, listing=listing,
        status=query["status"] or "", org_type=query["org_type"] or "", overdue=query["overdue_only"],
        parent=filters["parent_arg"], search=query["search"],
        xlsx_url=same_filters_url("review.submission_list_xlsx", **campaign_args(campaign)),
        counts=q.status_counts(campaign, parent=query["parent"], members=query["members"]), labels=FILTER_LABELS,
        type_labels=ORG_TYPE_LABELS,
        municipalities=municipalities.values() if region_staff else None,
        scope_name=None if region_staff else user.municipality.name, tz=campaign.region.timezone,
        args=campaign_args(campaign), direct=DIRECT, extend_days=EXTEND_DAYS,
        deadline_passed=now >= campaign.organization_deadline, documents_total=len(DocumentKind))


@bp.get(PREFIX + "/review.xlsx")
@login_required
def submission_list_xlsx(region_code: str, year: int):
    """The review queue as the page filters and sorts it, every row (not one page), as an XLSX table."""
    campaign = load_campaign(region_code, year)
    query = _queue_filters(campaign)["query"]
    rows = q.member_rows(campaign, **query, now=now_utc())
    return list_xlsx.review_queue(campaign, rows)


def _load_for_review(region_code: str, year: int, org_code: str):
    campaign = load_campaign(region_code, year)
    org, member = load_member(campaign, org_code)
    require(can_review_member(current_user, campaign, member),
            "Проверять отчёт этой организации может только её проверяющий.")
    return campaign, org, member


def _done(campaign, org, message: str):
    flash(message, "success")
    return redirect_next("submissions.submission_edit", **campaign_args(campaign), org_code=org.code)


@bp.route(PREFIX + "/submissions/<org_code>/accept", methods=["GET", "POST"])
@login_required
def submission_accept(region_code: str, year: int, org_code: str):
    """GET: the confirmation page (the queue list links here); POST: accept."""
    campaign, org, member = _load_for_review(region_code, year, org_code)
    if request.method == "GET":
        back = safe_next(url_for("review.submission_list", **campaign_args(campaign)))
        return render_template("monitoring/confirm.html", consequences=confirmations.accept_submission(campaign, org),
                               button="Принять отчёт", back=back, next_url=back)
    services.accept(campaign, org, actor=current_user)
    return _done(campaign, org, f"Отчёт «{org.name}» принят.")


@bp.post(PREFIX + "/submissions/<org_code>/return")
@login_required
def submission_return(region_code: str, year: int, org_code: str):
    campaign, org, member = _load_for_review(region_code, year, org_code)
    comment = request.form.get("comment", "")
    try:
        services.return_submission(campaign, org, comment, actor=current_user)
    except DomainError as error:  # the error status makes the request boundary roll back
        return render_page(campaign, org, member, review_error=error, comment=comment), error.status
    return _done(campaign, org, f"Отчёт «{org.name}» возвращён на доработку с комментарием.")


@bp.post(PREFIX + "/submissions/<org_code>/reopen")
@login_required
def submission_reopen(region_code: str, year: int, org_code: str):
    campaign, org, member = _load_for_review(region_code, year, org_code)
    services.reopen(campaign, org, actor=current_user, comment=request.form.get("comment"))
    return _done(campaign, org, f"Отчёт «{org.name}» переоткрыт: он снова на проверке.")
