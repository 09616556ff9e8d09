"""Plan use-cases: save, submit, approve, return, reopen, import. Validate → mutate → flush → audit; callers commit."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from deadlines.models import Campaign
from deadlines.windows import require_open
from hierarchy.models import Municipality, Organization, OrgType
from monitoring.models import CampaignMember
from monitoring.plans.access import PlanUnit, approver_window
from monitoring.plans.models import PLAN_CODES, PLAN_STATUS_LABELS, Plan, PlanStatus, PlanTarget, PlanVersion
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.db import for_update
from registry.core.errors import InvalidTransition, ValidationFailed, VersionConflict
from registry.extensions import db

#: The share indicator of each organization type; the other plan codes apply to every unit (R9 not to organizations).
TYPE_CODES = {OrgType.general: "R2", OrgType.additional: "R4", OrgType.vocational: "R6"}
COMMON_CODES = ("R7", "R8", "R10", "R11")


def get_plan(campaign: Campaign, unit: PlanUnit, *, lock: bool = False) -> Plan | None:
    query = sa.select(Plan).where(Plan.campaign_id == campaign.id, Plan.level == unit.level, Plan.unit_id == unit.id)
    return db.session.scalar(for_update(db.session, query) if lock else query)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def describe(plan: Plan | None, unit: PlanUnit) -> dict:
    """The API's view of a plan; a plan not yet started reads as an empty draft, version 0."""
    if plan is None:
        return {"unit": unit.code, "status": PlanStatus.draft.value, "targets": {}, "version": 0, "comment": None}
    return {"unit": unit.code, "status": plan.status.value, "version": plan.version, "comment": plan.comment,
            "targets": {code: _number(v) for code, v in plan.target_map().items()}}


def applicable_codes(campaign: Campaign, unit: PlanUnit) -> tuple[str, ...]:
    """Plan codes that apply: an organization's own type share and the common ones (no R9: PRODUCT.md §8);
    a municipality's member types' shares, the common ones and R9."""
    if isinstance(unit, Organization):
        member = db.session.get(CampaignMember, (campaign.id, unit.id))
        org_type = member.org_type if member is not None else unit.org_type
        codes = {TYPE_CODES[org_type], *COMMON_CODES}
    else:
        types = db.session.scalars(sa.select(CampaignMember.org_type).distinct().where(
            CampaignMember.campaign_id == campaign.id, CampaignMember.reporting_municipality_id == unit.id))
        codes = {*(TYPE_CODES[t] for t in types), *COMMON_CODES, "R9"}
    return tuple(code for code in PLAN_CODES if code in codes)


def check_targets(campaign: Campaign, unit: PlanUnit, targets: dict, *, complete: bool) -> dict[str, list[str]]:
    """Errors per code: unknown or inapplicable code, not a number from 0 to 100; `complete`: every code applying."""
    applicable = applicable_codes(campaign, unit)
    errors: dict[str, list[str]] = {}
    for code, value in targets.items():
        if code not in PLAN_CODES:
            errors[code] = [f"Неизвестный показатель: план задаёт цели только для {', '.join(PLAN_CODES)}."]
        elif code not in applicable:
            errors[code] = ["Показатель не относится к этому подразделению: оставьте его пустым."]
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            errors[code] = ["Нужно число от 0 до 100."]
    if complete and not errors:
        for code in applicable:
            if code not in targets:
                errors[code] = ["Укажите цель: без неё план нельзя отправить на утверждение."]
    return errors


def _check_version(plan: Plan | None, unit: PlanUnit, expected: int | None) -> None:
    current = plan.version if plan else 0
    if expected is not None and expected != current:
        raise VersionConflict(f"План уже изменён (версия {current}, а ваша — {expected}). Обновите страницу: ваши "
                              "цели не сохранены, сравните их с текущими и сохраните снова.",
                              current=describe(plan, unit))


def _record(plan: Plan, unit: PlanUnit, event: str, actor: User | None, now: datetime,
            comment: str | None = None) -> None:
    plan.version += 1
    plan.updated_at = now
    db.session.add(PlanVersion(plan_id=plan.id, version=plan.version, status=plan.status, event=event,
                               targets={k: _number(v) for k, v in plan.target_map().items()}, comment=comment,
                               created_at=now, actor_id=getattr(actor, "id", None)))
    db.session.flush()
    log_action(actor, f"plan.{event}", "plan", f"{plan.campaign.year}/{unit.code}", after={
        "status": plan.status.value, "version": plan.version, "targets": plan.target_map()}, comment=comment)


def _create(campaign: Campaign, unit: PlanUnit, now: datetime) -> Plan:
    plan = Plan(campaign_id=campaign.id, level=unit.level, unit_id=unit.id, created_at=now, updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(plan)
    except IntegrityError:
        raise VersionConflict("План только что создан в другом окне или другим пользователем. Обновите страницу: "
                              "ваши цели не сохранены.", current=describe(get_plan(campaign, unit), unit)) from None
    return plan


def _set_targets(plan: Plan, targets: dict) -> None:
    plan.targets = [PlanTarget(code=code, value=float(value)) for code, value in sorted(targets.items())]
    db.session.flush()


def save_targets(campaign: Campaign, unit: PlanUnit, targets: dict, *, version: int | None, actor: User,
                 now: datetime | None = None) -> Plan:
    """Replace the whole set of targets of a draft (or returned) plan as a new version. Caller commits."""
    now = now or now_utc()
    require_open(campaign, unit.level, unit.id, now)
    plan = get_plan(campaign, unit, lock=True)
    _check_version(plan, unit, version)
    errors = check_targets(campaign, unit, targets, complete=False)
    if errors:
        raise ValidationFailed("План не сохранён: исправьте ошибки в отмеченных полях.", errors)
    if plan is not None and plan.status not in (PlanStatus.draft, PlanStatus.returned):
        raise InvalidTransition(f"План в состоянии «{PLAN_STATUS_LABELS[plan.status]}» изменить нельзя: "
                                "утверждённый план может переоткрыть только утверждающий.")
    plan = plan or _create(campaign, unit, now)
    plan.status = PlanStatus.draft
    _set_targets(plan, targets)
    _record(plan, unit, "saved", actor, now)
    return plan


def submit(campaign: Campaign, unit: PlanUnit, *, actor: User, version: int | None = None,
           now: datetime | None = None) -> Plan:
    """Send a complete plan to its approver. Caller commits."""
    now = now or now_utc()
    require_open(campaign, unit.level, unit.id, now)
    plan = get_plan(campaign, unit, lock=True)
    _check_version(plan, unit, version)
    if plan is None:
        raise ValidationFailed("План пуст: укажите цели и сохраните их перед отправкой.")
    errors = check_targets(campaign, unit, plan.target_map(), complete=True)
    if errors:
        raise ValidationFailed("План не отправлен: исправьте ошибки в отмеченных полях.", errors)
    plan.transition_to(PlanStatus.submitted)
    _record(plan, unit, "submitted", actor, now)
    return plan


def _decided(campaign: Campaign, unit: PlanUnit, now: datetime) -> Plan:
    require_open(campaign, *approver_window(campaign, unit), now)
    plan = get_plan(campaign, unit, lock=True)
    if plan is None:
        raise InvalidTransition("Подразделение ещё не составило план.")
    return plan


def approve(campaign: Campaign, unit: PlanUnit, *, actor: User, now: datetime | None = None) -> Plan:
    """Approve a submitted plan: from now on the unit is measured against it. Caller commits."""
    now = now or now_utc()
    plan = _decided(campaign, unit, now)
    plan.transition_to(PlanStatus.approved)
    plan.comment = None
    _record(plan, unit, "approved", actor, now)
    return plan


def return_plan(campaign: Campaign, unit: PlanUnit, comment: str, *, actor: User,
                now: datetime | None = None) -> Plan:
    """Return a submitted plan for revision; the comment is mandatory. Caller commits."""
    now = now or now_utc()
    if not (comment or "").strip():
        raise ValidationFailed("Укажите, что нужно исправить: комментарий обязателен при возврате.",
                               {"comment": ["Комментарий обязателен."]})
    plan = _decided(campaign, unit, now)
    plan.transition_to(PlanStatus.returned)
    plan.comment = comment.strip()
    _record(plan, unit, "returned", actor, now, plan.comment)
    return plan


def reopen(campaign: Campaign, unit: PlanUnit, *, actor: User, comment: str | None = None,
           now: datetime | None = None) -> Plan:
    """Reopen an approved plan: a draft again, no longer counted until approved anew (audited). Caller commits."""
    now = now or now_utc()
    plan = _decided(campaign, unit, now)
    if plan.status is not PlanStatus.approved:
        raise InvalidTransition("Переоткрыть можно только утверждённый план.")
    plan.transition_to(PlanStatus.draft)
    plan.comment = (comment or "").strip() or None
    _record(plan, unit, "reopened", actor, now, plan.comment)
    return plan


def import_plan(campaign: Campaign, unit: PlanUnit, targets: dict, *, actor: User, now: datetime) -> Plan:
    """Set a plan from the region's bulk upload: approved at once (the region holds the agreed roadmaps).

    The importer has checked the targets and the unit's window. Caller commits.
    """
    plan = get_plan(campaign, unit, lock=True) or _create(campaign, unit, now)
    plan.status = PlanStatus.approved
    plan.comment = None
    _set_targets(plan, targets)
    _record(plan, unit, "imported", actor, now)
    return plan


def unit_kind(unit: PlanUnit) -> str:
    return "муниципалитета" if isinstance(unit, Municipality) else "организации"
