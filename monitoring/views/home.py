"""The start page: each role sees its own workplace; the top menu is built here for every page."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from hierarchy.models import Level
from monitoring import aggregation
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
from monitoring.views._common import FILTER_LABELS, latest_campaign, latest_campaigns, window_of
from registry.auth.models import ROLE_LABELS, Role
from registry.core.clock import now_utc
from registry.documents import services as documents
from registry.documents.vocab import KIND_SHORT
from registry.extensions import db
from registry.public.home import PUBLIC_NAV, public_home

bp = Blueprint("home", __name__)
#: The menu entry of the region registry of people (PRODUCT.md §9), for municipal officials and region staff.
REGISTRY_MENU = "Реестр наставников и наставляемых"


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


@bp.app_context_processor
def _navigation():
    """The top menu for the signed-in user's role (templates only render it)."""
    if not current_user.is_authenticated:
        return {"nav": _items([("Главная", url_for("home.index"))]
                              + [(label, url_for(endpoint)) for endpoint, label in PUBLIC_NAV]),
                "account_links": [], "role_label": ""}
    if not db.session.is_active:
        db.session.rollback()  # an error page after a failed flush: the refused change is gone anyway
    items = [("Главная", url_for("home.index"))]
    role = current_user.role
    if role is Role.mentor:  # only the mentor's own pages: no records, registry-wide lists or monitoring
        items = [("Мои пары и отчёты", url_for("mentor.home"))]
    elif role is Role.admin:
        items += [("Пользователи", url_for("admin.user_list")), ("Подразделения", url_for("hierarchy.unit_list")),
                  ("Загрузка иерархии", url_for("hierarchy.unit_import"))]
    elif role is Role.region_operator:
        region = current_user.region
        items.append(("Кампании", url_for("campaigns.campaign_list", region_code=region.code)))
        campaign = latest_campaign(region.id)
        if campaign is not None:
            args = {"region_code": region.code, "year": campaign.year}
            items += [("Сводка региона", url_for("region.region_view", **args)),
                      ("Проверка отчётов", url_for("review.submission_list", **args))]
        items.append(("Документы организаций", url_for("documents.summary", unit_code=region.code)))
        items.append((REGISTRY_MENU, url_for("people_registry.registry_list", region_code=region.code,
                                             kind="mentors")))
    elif role is Role.municipal_official:
        muni = current_user.municipality
        campaign = latest_campaign(muni.region_id)
        if campaign is not None:
            args = {"region_code": muni.region.code, "year": campaign.year}
            items += [("Проверка отчётов", url_for("review.submission_list", **args)),
                      ("Муниципальный отчёт", url_for("reports.municipal_report_view", municipality_code=muni.code,
                                                      **args)),
                      ("Федеральные формы", url_for("form_sets.federal_forms", **args))]
        items.append(("Документы организаций", url_for("documents.summary", unit_code=muni.code)))
        items.append((REGISTRY_MENU, url_for("people_registry.registry_list", region_code=muni.region.code,
                                             kind="mentors")))
    elif role is Role.org_curator:
        org = current_user.organization
        campaign = latest_campaign(org.region_id)
        if campaign is not None:
            items += [("Отчёт организации", url_for("submissions.submission_edit", region_code=org.region.code,
                                                    year=campaign.year, org_code=org.code)),
                      ("Федеральные формы", url_for("form_sets.federal_forms", region_code=org.region.code,
                                                    year=campaign.year))]
    # the curator's records open on its own organization; reviewers get the list of organizations they see
    if role is not Role.mentor:
        items += [("Учёт наставничества", url_for("records.index")),
                  ("Реестр наставников", url_for("public.mentor_list")), ("Мои загрузки", url_for("imports.job_list"))]
    account = [("Уведомления", url_for("notifications.notification_list")),
               ("Сменить пароль", url_for("account.password_change"))]
    if role is not Role.mentor:  # the campaign calendar is the reporting units' business
        account.insert(0, ("Календарь", url_for("calendar.calendar_view")))
    scope = current_user.scope_unit
    role_label = ROLE_LABELS[role] + (f", {scope.name}" if scope is not None else "")
    return {"nav": _items(items), "account_links": _items(account), "role_label": role_label}


def _items(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"label": label, "url": url, "current": url == request.path} for label, url in pairs]
