"""API v1: plans of municipalities and organizations — read, replace targets, submit, approve, return, reopen."""
from deadlines.models import Campaign
from monitoring.access import load_campaign
from monitoring.api.common import CAMPAIGN_URL
from monitoring.plans import services
from monitoring.plans.access import (
    NOT_APPROVER,
    NOT_OWNER,
    OUT_OF_SCOPE,
    PlanUnit,
    can_approve_plan,
    can_edit_plan,
    can_see_plan,
    plan_unit,
)
from monitoring.plans.models import Plan
from monitoring.plans.schemas import PlanPutSchema, PlanSchema
from monitoring.schemas import CommentSchema, OptionalCommentSchema, VersionSchema
from registry.core.api import ApiBlueprint, current_actor
from registry.core.errors import ValidationFailed
from registry.core.permissions import require

api_bp = ApiBlueprint("plans_api", __name__, description="Планы (дорожные карты) муниципалитетов и организаций.")

PLAN_URL = f"{CAMPAIGN_URL}/plans/<unit_code>"


def _load(region_code: str, year: int, unit_code: str) -> tuple[Campaign, PlanUnit, object]:
    campaign = load_campaign(region_code, year)
    unit, member = plan_unit(campaign, unit_code)
    require(can_see_plan(current_actor(), campaign, unit, member), OUT_OF_SCOPE)
    return campaign, unit, member


def _answer(plan: Plan, unit: PlanUnit) -> dict:
    return services.describe(plan, unit)


def _under_targets(exc: ValidationFailed) -> ValidationFailed:
    """Errors naming indicator codes are reported as targets.<code>."""
    return ValidationFailed(exc.message, {(k if k == "comment" else f"targets.{k}"): v for k, v in exc.fields.items()})


@api_bp.route(PLAN_URL, methods=["GET"])
@api_bp.response(200, PlanSchema)
def read_plan(region_code: str, year: int, unit_code: str):
    """План подразделения: цели, состояние, версия, комментарий утверждающего.

    План, который ещё не начат, читается как черновик версии 0 без целей.
    """
    campaign, unit, _ = _load(region_code, year, unit_code)
    return services.describe(services.get_plan(campaign, unit), unit)


@api_bp.route(PLAN_URL, methods=["PUT"])
@api_bp.arguments(PlanPutSchema)
@api_bp.response(200, PlanSchema)
def put_plan(data: dict, region_code: str, year: int, unit_code: str):
    """Заменить весь набор целей (черновик может быть неполным). Само подразделение, пока его окно открыто.

    `version` — версия, на которой основано изменение; если план уже изменён, ответ 409 содержит текущий.
    """
    campaign, unit, _ = _load(region_code, year, unit_code)
    require(can_edit_plan(current_actor(), unit), NOT_OWNER)
    try:
        plan = services.save_targets(campaign, unit, data["targets"], version=data["version"], actor=current_actor())
    except ValidationFailed as exc:
        raise _under_targets(exc) from exc
    return _answer(plan, unit)


@api_bp.route(f"{PLAN_URL}/submit", methods=["POST"])
@api_bp.arguments(VersionSchema)
@api_bp.response(200, PlanSchema)
def submit_plan(data: dict, region_code: str, year: int, unit_code: str):
    """Отправить план на утверждение: нужны цели по всем относящимся к подразделению показателям."""
    campaign, unit, _ = _load(region_code, year, unit_code)
    require(can_edit_plan(current_actor(), unit), NOT_OWNER)
    try:
        plan = services.submit(campaign, unit, actor=current_actor(), version=data["version"])
    except ValidationFailed as exc:
        raise _under_targets(exc) from exc
    return _answer(plan, unit)


@api_bp.route(f"{PLAN_URL}/approve", methods=["POST"])
@api_bp.response(200, PlanSchema)
def approve_plan(region_code: str, year: int, unit_code: str):
    """Утвердить план. План муниципалитета — региональный оператор; план организации — её проверяющий."""
    campaign, unit, member = _load(region_code, year, unit_code)
    require(can_approve_plan(current_actor(), campaign, unit, member), NOT_APPROVER)
    return _answer(services.approve(campaign, unit, actor=current_actor()), unit)


@api_bp.route(f"{PLAN_URL}/return", methods=["POST"])
@api_bp.arguments(CommentSchema)
@api_bp.response(200, PlanSchema)
def return_plan(data: dict, region_code: str, year: int, unit_code: str):
    """Вернуть план на доработку с обязательным комментарием. Утверждающий."""
    campaign, unit, member = _load(region_code, year, unit_code)
    require(can_approve_plan(current_actor(), campaign, unit, member), NOT_APPROVER)
    return _answer(services.return_plan(campaign, unit, data["comment"], actor=current_actor()), unit)


@api_bp.route(f"{PLAN_URL}/reopen", methods=["POST"])
@api_bp.arguments(OptionalCommentSchema)
@api_bp.response(200, PlanSchema)
def reopen_plan(data: dict, region_code: str, year: int, unit_code: str):
    """Переоткрыть утверждённый план (фиксируется в журнале): он снова черновик и не действует до утверждения."""
    campaign, unit, member = _load(region_code, year, unit_code)
    require(can_approve_plan(current_actor(), campaign, unit, member), NOT_APPROVER)
    return _answer(services.reopen(campaign, unit, actor=current_actor(), comment=data["comment"]), unit)
