"""The start page: each role sees its own workplace (the top menu of every page is registry.navigation)."""
from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from hierarchy.models import Level
from monitoring import aggregation
from monitoring.campaigns import latest_campaign, latest_campaigns
from monitoring.models import (
    REPORT_STATUS_LABELS,
    SUBMISSION_STATUS_LABELS,
    CampaignMember,
    ReportStatus,
    SubmissionStatus,
)
from monitoring.plans import queries as plan_queries
from monitoring.services import get_submission
from monitoring.views import _queries as q
from monitoring.views._common import FILTER_LABELS, window_of
from registry.auth.models import Role
from registry.core.clock import now_utc
from registry.documents import services as documents
from registry.documents.vocab import KIND_SHORT
from registry.extensions import db
from registry.public.home import public_home

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return public_home()
    if current_user.role is Role.mentor:
        return redirect(url_for("mentor.home"))
    view = {Role.org_curator: _curator, Role.municipal_official: _official, Role.region_operator: _operator,
            Role.admin: _admin}[current_user.role]
    return view()


def _curator():
    org = current_user.organization
    campaign = latest_campaign(org.region_id)
    context = {"org": org, "campaign": campaign, "member": None}
    if campaign is not None:
        member = db.session.get(CampaignMember, (campaign.id, org.id))
        submission = get_submission(campaign, org) if member else None
        status = submission.status if submission else SubmissionStatus.draft
        window = window_of(campaign, Level.organization, org.id, now_utc())
        context.update(member=member, submission=submission, status=status.value,
                       status_label=SUBMISSION_STATUS_LABELS[status], tz=campaign.region.timezone, window=window,
                       can_edit=window.is_open and status in (SubmissionStatus.draft, SubmissionStatus.returned))
    return render_template("monitoring/home_curator.html", **context)


def _official():
    muni = current_user.municipality
    campaign = latest_campaign(muni.region_id)
    _, _, incomplete, lacking = documents.summary_of(muni)
    context = {"municipality": muni, "campaign": campaign, "doc_incomplete": incomplete, "doc_lacking": lacking,
               "doc_labels": KIND_SHORT}
    if campaign is not None:
        report = q.municipal_report(campaign, muni)
        status = report.status if report else ReportStatus.open
        now = now_utc()
        context.update(counts=q.status_counts(campaign, parent=muni.id), report=report, status=status.value,
                       overdue=aggregation.completeness(campaign, now, muni.id)["overdue"],
                       status_label=REPORT_STATUS_LABELS[status], labels=FILTER_LABELS,
                       tz=campaign.region.timezone, window=window_of(campaign, Level.municipality, muni.id, now),
                       plans=plan_queries.organization_plans(campaign, muni))
    return render_template("monitoring/home_official.html", **context)


def _operator():
    region = current_user.region
    campaigns = q.campaigns_of(region)
    campaign = campaigns[0] if campaigns else None
    context = {"region": region, "campaigns": campaigns, "campaign": campaign}
    if campaign is not None:
        now = now_utc()
        context.update(completeness=aggregation.completeness(campaign, now), tz=region.timezone,
                       window=window_of(campaign, Level.region, region.id, now))
    return render_template("monitoring/home_operator.html", **context)


def _admin():
    regions = q.regions()
    campaigns = latest_campaigns([region.id for region in regions])
    rows = [(region, campaigns.get(region.id)) for region in regions]
    return render_template("monitoring/home_admin.html", rows=rows)
