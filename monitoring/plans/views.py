"""Plan pages: the unit drafts and submits its plan; the approver approves, returns (with a comment) or reopens it."""
from flask import Blueprint, flash, render_template, request
from flask_login import current_user, login_required

from hierarchy.models import Municipality
from monitoring.access import load_campaign
from monitoring.campaigns import campaign_args
from monitoring.indicators import INDICATOR_BY_CODE
from monitoring.plans import services
from monitoring.plans.access import (
    NOT_APPROVER,
    NOT_OWNER,
    OUT_OF_SCOPE,
    approver_window,
    can_approve_plan,
    can_edit_plan,
    can_see_plan,
    plan_unit,
)
from monitoring.plans.models import PLAN_STATUS_LABELS, PlanStatus
from monitoring.plans.targets import resolve_targets, source_label
from monitoring.views._common import redirect_next, window_of
from registry.core.clock import now_utc
from registry.core.errors import DomainError, ValidationFailed
from registry.core.permissions import require
from registry.core.wording import input_number
from registry.extensions import db

bp = Blueprint("plans", __name__, url_prefix="/campaigns")
PREFIX = "/<region_code>/<int:year>/plans/<unit_code>"


def _load(region_code: str, year: int, unit_code: str):
    campaign = load_campaign(region_code, year)
    unit, member = plan_unit(campaign, unit_code)
    require(can_see_plan(current_user, campaign, unit, member), OUT_OF_SCOPE)
    return campaign, unit, member


def parse_targets(form) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Form fields target_<code> → numbers; a decimal comma is accepted, an empty field leaves the code out."""
    targets, errors = {}, {}
    for code in services.PLAN_CODES:
        raw = (form.get(f"target_{code}") or "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
        if not raw:
            continue
        try:
            targets[code] = float(raw)
        except ValueError:
            errors[code] = ["Нужно число от 0 до 100, например 45,5."]
    return targets, errors


@bp.get(PREFIX)
@login_required
def plan_edit(region_code: str, year: int, unit_code: str):
    campaign, unit, member = _load(region_code, year, unit_code)
    return _page(campaign, unit, member)


@bp.post(PREFIX)
@login_required
def plan_save(region_code: str, year: int, unit_code: str):
    """«Сохранить черновик»."""
    return _save(region_code, year, unit_code, submit=False)


@bp.post(PREFIX + "/submit")
@login_required
def plan_submit(region_code: str, year: int, unit_code: str):
    """«Сохранить и отправить на утверждение»: both or neither (a refused submission keeps nothing of the save)."""
    return _save(region_code, year, unit_code, submit=True)


def _save(region_code: str, year: int, unit_code: str, *, submit: bool):
    campaign, unit, member = _load(region_code, year, unit_code)
    require(can_edit_plan(current_user, unit), NOT_OWNER)
    targets, errors = parse_targets(request.form)
    version = request.form.get("version", type=int)
    try:
        if errors:
            raise ValidationFailed("План не сохранён: исправьте ошибки в отмеченных полях.", errors)
        with db.session.begin_nested():  # a refusal undoes the save too, before the page shows the plan again
            plan = services.save_targets(campaign, unit, targets, version=version, actor=current_user)
            if submit:
                services.submit(campaign, unit, actor=current_user, version=plan.version)
    except DomainError as error:  # the error status makes the request boundary roll back
        return _page(campaign, unit, member, error=error, form=request.form), error.status
    flash("План отправлен на утверждение." if submit else "План сохранён.", "success")
    return redirect_next("plans.plan_edit", **campaign_args(campaign), unit_code=unit.code)


def _decide(region_code: str, year: int, unit_code: str, act, message: str):
    campaign, unit, member = _load(region_code, year, unit_code)
    require(can_approve_plan(current_user, campaign, unit, member), NOT_APPROVER)
    try:
        with db.session.begin_nested():
            act(campaign, unit)
    except DomainError as error:
        return _page(campaign, unit, member, error=error, comment=request.form.get("comment", "")), error.status
    flash(message, "success")
    return redirect_next("plans.plan_edit", **campaign_args(campaign), unit_code=unit.code)


@bp.post(PREFIX + "/approve")
@login_required
def plan_approve(region_code: str, year: int, unit_code: str):
    return _decide(region_code, year, unit_code,
                   lambda c, u: services.approve(c, u, actor=current_user), "План утверждён.")


@bp.post(PREFIX + "/return")
@login_required
def plan_return(region_code: str, year: int, unit_code: str):
    comment = request.form.get("comment", "")
    return _decide(region_code, year, unit_code,
                   lambda c, u: services.return_plan(c, u, comment, actor=current_user), "План возвращён на доработку.")


@bp.post(PREFIX + "/reopen")
@login_required
def plan_reopen(region_code: str, year: int, unit_code: str):
    comment = request.form.get("comment", "")
    return _decide(region_code, year, unit_code,
                   lambda c, u: services.reopen(c, u, actor=current_user, comment=comment),
                   "План переоткрыт: он снова черновик и не действует до утверждения.")


def _page(campaign, unit, member, *, error: DomainError | None = None, form=None, comment: str = ""):
    now = now_utc()
    plan = services.get_plan(campaign, unit)
    status = plan.status if plan else PlanStatus.draft
    current = plan.target_map() if plan else {}
    window = window_of(campaign, unit.level, unit.id, now)
    decide_open = window_of(campaign, *approver_window(campaign, unit), now).is_open
    approver = can_approve_plan(current_user, campaign, unit, member) and decide_open
    resolved = resolve_targets(campaign, unit)
    applicable = services.applicable_codes(campaign, unit)
    rows = []
    for code in services.PLAN_CODES:
        value = form.get(f"target_{code}", "") if form is not None else _plain(current.get(code))
        entry = resolved[code]
        rows.append({"code": code, "label": INDICATOR_BY_CODE[code].label, "name": f"target_{code}", "value": value,
                     "applies": code in applicable, "in_force": entry["target"],
                     "source": source_label(entry["target_source"], unit.level)})
    return render_template(
        "monitoring/plan_edit.html", campaign=campaign, unit=unit, plan=plan, status=status.value,
        status_label=PLAN_STATUS_LABELS[status], rows=rows, window=window, tz=campaign.region.timezone,
        kind=services.unit_kind(unit), is_municipality=isinstance(unit, Municipality),
        can_edit=can_edit_plan(current_user, unit) and window.is_open
        and status in (PlanStatus.draft, PlanStatus.returned),
        can_decide=approver and status is PlanStatus.submitted, can_reopen=approver and status is PlanStatus.approved,
        error=error, errors=_field_errors(error),
        comment=comment, args=campaign_args(campaign))


def _field_errors(error: DomainError | None) -> dict[str, list[str]]:
    """Service errors name indicator codes; the form's fields are target_<code>."""
    fields = error.fields if error else {}
    return {k if k == "comment" else f"target_{k}": v for k, v in fields.items()}


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return input_number(value)
