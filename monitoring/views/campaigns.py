"""Campaign pages for region staff: the list, opening a year, dates, the R9 denominator and targets."""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from deadlines.windows import last_day_label
from hierarchy.permissions import can_manage_region
from monitoring import campaigns as campaign_services
from monitoring.access import load_campaign, load_region
from monitoring.aggregation import targets_for
from monitoring.campaigns import DEADLINE_KEYS, campaign_args
from monitoring.indicators import INDICATORS
from monitoring.views import _queries as q
from registry.core.clock import now_utc
from registry.core.errors import DomainError, ValidationFailed
from registry.core.permissions import require
from registry.core.wording import input_number

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

DEADLINE_LABELS = {
    "organization": "Приём отчётов организаций",
    "municipality": "Муниципальные отчёты",
    "region": "Региональная консолидация",
    "federal": "Федеральная статистическая форма организаций",
}
LOCAL_INPUT = "%Y-%m-%dT%H:%M"
PER_PAGE = 50


@bp.get("/<region_code>/")
@login_required
def campaign_list(region_code: str):
    region = load_region(region_code)
    require(can_manage_region(current_user, region.id))
    return _render_list(region)


@bp.post("/<region_code>/")
@login_required
def campaign_open(region_code: str):
    region = load_region(region_code)
    require(can_manage_region(current_user, region.id))
    raw = request.form.get("year", "").strip()
    try:
        if not raw.isdigit():
            raise ValidationFailed("Кампания не открыта.", {"year": ["Укажите год четырьмя цифрами, например 2026."]})
        campaign = campaign_services.open_campaign(region, int(raw), actor=current_user)
    except DomainError as error:  # the error status makes the request boundary roll back
        return _render_list(region, error=error, year=raw), error.status
    flash(f"Кампания {campaign.year} года открыта: участники зафиксированы, сроки — по умолчанию.", "success")
    return redirect(url_for("campaigns.campaign_edit", **campaign_args(campaign)))


def _render_list(region, *, error: DomainError | None = None, year: str = ""):
    listing = q.campaign_listing(region, PER_PAGE)
    rows = [{"campaign": c, "members": members,
             "last_days": {key: last_day_label(getattr(c, attr), region.timezone)
                           for key, attr in DEADLINE_KEYS.items()}} for c, members in listing.rows]
    latest = q.latest_year(region)
    suggested = year or str((latest + 1) if latest else now_utc().year)
    return render_template("monitoring/campaign_list.html", region=region, rows=rows, listing=listing,
                           labels=DEADLINE_LABELS, error=error, year=suggested)


@bp.route("/<region_code>/<int:year>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(region_code: str, year: int):
    campaign = load_campaign(region_code, year)
    require(can_manage_region(current_user, campaign.region_id))
    if request.method == "GET":
        return _render_edit(campaign, _current_form(campaign))
    form = request.form.to_dict()
    try:
        changes = _parse_edit(campaign, form)
        campaign_services.update_campaign(campaign, actor=current_user, **changes)
    except DomainError as error:
        return _render_edit(campaign, form, error=error), error.status
    flash("Параметры кампании сохранены.", "success")
    return redirect(url_for("campaigns.campaign_edit", **campaign_args(campaign)))


def _to_local_input(instant: datetime, tz: str) -> str:
    return instant.astimezone(ZoneInfo(tz)).strftime(LOCAL_INPUT)


def _current_form(campaign) -> dict[str, str]:
    tz = campaign.region.timezone
    form = {f"deadline_{key}": _to_local_input(getattr(campaign, attr), tz) for key, attr in DEADLINE_KEYS.items()}
    total = campaign.enterprises_in_region_total
    form["enterprises_in_region_total"] = "" if total is None else str(total)
    form["late_return_days"] = str(campaign.late_return_days)
    for code, value in targets_for(campaign).items():
        form[f"target_{code}"] = "" if value is None else _plain(value)
    return form


def _plain(value: float) -> str:
    return input_number(value)


def _parse_edit(campaign, form: dict) -> dict:
    """Turn the form into update_campaign arguments, passing only what changed; refuse unreadable input."""
    tz = campaign.region.timezone
    errors: dict[str, list[str]] = {}
    deadlines = {}
    for key, attr in DEADLINE_KEYS.items():
        raw = form.get(f"deadline_{key}", "").strip()
        try:
            local = datetime.fromisoformat(raw).replace(tzinfo=ZoneInfo(tz))
        except ValueError:
            errors[f"deadline_{key}"] = ["Укажите дату и время, например 21.10.2026 00:00."]
            continue
        instant = local.astimezone(UTC)
        if instant != getattr(campaign, attr):
            deadlines[key] = instant
    enterprises = None
    raw = form.get("enterprises_in_region_total", "").strip().replace(" ", "")
    if raw:
        if raw.isdigit():
            enterprises = int(raw)
        else:
            errors["enterprises_in_region_total"] = ["Нужно целое неотрицательное число."]
    late_days = None
    raw = form.get("late_return_days", "").strip()
    if raw:
        if raw.isdigit():
            late_days = int(raw) if int(raw) != campaign.late_return_days else None
        else:
            errors["late_return_days"] = ["Нужно целое число дней, например 5."]
    current = targets_for(campaign)
    targets = {}
    for indicator in INDICATORS:
        raw = form.get(f"target_{indicator.code}", "").strip().replace(",", ".")
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            errors[f"target_{indicator.code}"] = ["Нужно число от 0 до 100."]
            continue
        if value != current.get(indicator.code):
            targets[indicator.code] = value
    if errors:
        raise ValidationFailed("Кампания не изменена: исправьте ошибки в отмеченных полях.", errors)
    return {"deadlines": deadlines, "enterprises_in_region_total": enterprises, "targets": targets,
            "late_return_days": late_days}


def _render_edit(campaign, form: dict, *, error: DomainError | None = None):
    tz = campaign.region.timezone
    deadlines = []
    for key, attr in DEADLINE_KEYS.items():
        deadlines.append({"key": key, "name": f"deadline_{key}", "label": DEADLINE_LABELS[key],
                          "value": form.get(f"deadline_{key}", ""),
                          "last_day": last_day_label(getattr(campaign, attr), tz)})
    own = q.own_targets(campaign)
    targets = [{"code": i.code, "label": i.label, "name": f"target_{i.code}", "value": form.get(f"target_{i.code}", ""),
                "own": i.code in own} for i in INDICATORS]
    return render_template("monitoring/campaign_edit.html", campaign=campaign, tz=tz, deadlines=deadlines,
                           targets=targets, form=form, error=error, errors=error.fields if error else {})
