"""Who a campaign expects (membership) and whose window is kept open (extensions)."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deadlines import extension_grants as extension_services
from deadlines.windows import closes_after, format_local, last_day_label
from hierarchy import picker as unit_picker
from hierarchy.models import ORG_TYPE_LABELS, Level, Organization
from hierarchy.queries import unit_by_code
from monitoring import campaigns as campaign_services
from monitoring.access import (
    can_extend_deadline,
    can_manage_campaign,
    can_see_extension_list,
    extendable_scope,
    load_campaign,
    load_extension,
    load_member,
    unit_by_level,
    unit_in_region,
    visible_extensions,
)
from monitoring.campaigns import campaign_args
from monitoring.labels import LEVEL_NAMES, NOT_STARTED
from monitoring.models import SUBMISSION_STATUS_LABELS
from monitoring.views import _queries as q
from monitoring.views._common import EXTEND_DAYS, redirect_next
from registry.core.clock import now_utc
from registry.core.errors import DomainError, ValidationFailed
from registry.core.listing import search_arg
from registry.core.permissions import require
from registry.core.wording import zone_phrase

bp = Blueprint("membership", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>"
PER_PAGE = 100


@bp.get(PREFIX + "/members")
@login_required
def member_list(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_manage_campaign(current_user, campaign))
    return _render_members(campaign)


@bp.post(PREFIX + "/members")
@login_required
def member_add(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_manage_campaign(current_user, campaign))
    code = unit_picker.resolve(unit_picker.picked(request.form, "org_code"), **_member_scope(campaign))
    try:
        unit = unit_by_code(code) if code else None
        if not isinstance(unit, Organization):
            raise ValidationFailed("Организация не добавлена.", {"org_code": [
                f"Организация с кодом «{code}» не найдена." if code else "Укажите код организации."]})
        campaign_services.add_member(campaign, unit, actor=current_user)
    except DomainError as error:
        return _render_members(campaign, error=error, org_code=code), error.status
    flash(f"Организация «{unit.name}» добавлена в кампанию.", "success")
    return redirect(url_for("membership.member_list", **campaign_args(campaign)))


def _member_scope(campaign) -> dict:
    return {"region_id": campaign.region_id, "levels": (Level.organization,)}


def _render_members(campaign, *, error: DomainError | None = None, org_code: str = ""):
    search = search_arg()
    listing = q.member_listing(campaign, per_page=PER_PAGE, search=search)
    picker = unit_picker.picker("org_code", request.args.get("q", ""), **_member_scope(campaign))
    return render_template("monitoring/member_list.html", campaign=campaign, listing=listing, search=search,
                           args=campaign_args(campaign),
                           type_labels=ORG_TYPE_LABELS, status_labels=SUBMISSION_STATUS_LABELS, error=error,
                           errors=error.fields if error else {}, org_code=org_code, picker=picker,
                           not_started=NOT_STARTED)


@bp.route(PREFIX + "/members/<org_code>/remove", methods=["GET", "POST"])
@login_required
def member_remove(region_code: str, year: int, org_code: str):
    campaign = load_campaign(region_code, year)
    require(can_manage_campaign(current_user, campaign))
    org, _member = load_member(campaign, org_code)
    if request.method == "GET":
        return render_template("monitoring/member_remove.html", campaign=campaign, org=org, reason="", errors={})
    reason = request.form.get("reason", "")
    try:
        campaign_services.remove_member(campaign, org, reason=reason, actor=current_user)
    except DomainError as error:
        return render_template("monitoring/member_remove.html", campaign=campaign, org=org, reason=reason,
                               error=error, errors=error.fields), error.status
    flash(f"Организация {org.code} исключена из кампании {campaign.year} года.", "success")
    return redirect(url_for("membership.member_list", **campaign_args(campaign)))


@bp.get(PREFIX + "/extensions")
@login_required
def extension_list(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_see_extension_list(current_user, campaign))
    return _render_extensions(campaign, {"unit_code": request.args.get("unit", ""), "until": "", "reason": ""})


@bp.post(PREFIX + "/extensions")
@login_required
def extension_grant(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_see_extension_list(current_user, campaign))
    form = {k: request.form.get(k, "") for k in ("until", "reason")}
    form["unit_code"] = unit_picker.resolve(unit_picker.picked(request.form, "unit_code"),
                                            **extendable_scope(current_user, campaign))
    try:
        unit = _unit_in_region(campaign, form["unit_code"])
        require(can_extend_deadline(current_user, campaign, unit), "Продлить срок этому подразделению вы не можете.")
        until = _parse_local(form["until"], campaign.region.timezone)
        extension_services.grant(campaign, unit, until, form["reason"], actor=current_user)
    except DomainError as error:
        return _render_extensions(campaign, form, error=error), error.status
    tz = campaign.region.timezone
    flash(f"Продление для «{unit.name}» до {format_local(until, tz)} {zone_phrase(tz)}.", "success")
    return redirect(url_for("membership.extension_list", **campaign_args(campaign)))


@bp.post(PREFIX + "/extensions/<int:extension_id>/revoke")
@login_required
def extension_revoke(region_code: str, year: int, extension_id: int):
    campaign = load_campaign(region_code, year)
    extension = load_extension(campaign, extension_id)
    unit = unit_by_level(extension.level, extension.unit_id)
    require(unit is not None and can_extend_deadline(current_user, campaign, unit))
    extension_services.revoke(extension, actor=current_user)
    flash("Продление отозвано.", "success")
    return redirect(url_for("membership.extension_list", **campaign_args(campaign)))


@bp.post(PREFIX + "/extensions/<org_code>/quick")
@login_required
def extension_quick(region_code: str, year: int, org_code: str):
    """One click from an overdue list: the organization's window stays open EXTEND_DAYS more local days."""
    campaign = load_campaign(region_code, year)
    org, member = load_member(campaign, org_code)
    require(can_extend_deadline(current_user, campaign, org, member), "Продлить срок этой организации вы не можете.")
    tz = campaign.region.timezone
    now = now_utc()
    until = closes_after(now.astimezone(ZoneInfo(tz)).date() + timedelta(days=EXTEND_DAYS), tz)
    extension_services.grant(campaign, org, until, f"Продление на {EXTEND_DAYS} дней из списка просроченных",
                             actor=current_user, now=now)
    flash(f"Срок для «{org.name}» продлён: приём открыт по {last_day_label(until, tz)} включительно.", "success")
    return redirect_next("review.submission_list", **campaign_args(campaign), overdue="1")


def _unit_in_region(campaign, code: str):
    unit = unit_in_region(campaign, code)
    if unit is None:
        raise ValidationFailed("Продление не предоставлено: исправьте ошибки.", {"unit_code": [
            f"Подразделение с кодом «{code}» в регионе не найдено." if code else "Укажите код подразделения."]})
    return unit


def _parse_local(raw: str, tz: str) -> datetime:
    try:
        return datetime.fromisoformat(raw.strip()).replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
    except ValueError:
        raise ValidationFailed("Продление не предоставлено: исправьте ошибки.", {"until": [
            "Укажите дату и время окончания продления."]}) from None


def _render_extensions(campaign, form: dict, *, error: DomainError | None = None):
    user = current_user
    picker = unit_picker.picker("unit_code", request.args.get("q", ""), **extendable_scope(user, campaign))
    now = now_utc()
    listing = q.extensions(visible_extensions(user, campaign))
    rows = []
    for row in listing.rows:
        active = row["extension"].is_active(now)
        rows.append(dict(row, active=active, can_revoke=active and row["unit"] is not None
                         and can_extend_deadline(user, campaign, row["unit"])))
    return render_template("monitoring/extension_list.html", campaign=campaign, rows=rows, listing=listing,
                           form=form, error=error,
                           errors=error.fields if error else {}, tz=campaign.region.timezone,
                           level_names=LEVEL_NAMES, can_manage_campaign=can_manage_campaign(user, campaign),
                           picker=picker)
