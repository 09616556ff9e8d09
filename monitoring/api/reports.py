"""API v1: municipal reports, the regional consolidation, frozen snapshots and live aggregates."""

from deadlines.models import Campaign
from hierarchy import permissions as perms
from hierarchy.models import Level, Municipality, Region
from monitoring import queries, reports
from monitoring.access import (
    can_manage_campaign,
    can_see_member,
    can_see_snapshot,
    load_campaign,
    load_municipality,
    load_snapshot,
    own_municipality_code,
    require_region_staff,
    unit_in_region,
    visible_snapshots,
)
from monitoring.api.common import CAMPAIGN_URL
from monitoring.models import Snapshot
from monitoring.schemas import (
    AggregateSchema,
    CommentSchema,
    MunicipalReportSchema,
    SnapshotBriefSchema,
    SnapshotQuerySchema,
    SnapshotSchema,
)
from monitoring.services import membership
from registry.core.api import ApiBlueprint, current_actor
from registry.core.clock import now_utc
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from surveys import privacy

api_bp = ApiBlueprint("reports_api", __name__,
                      description="Муниципальные отчёты, сводка региона, зафиксированные срезы, агрегаты.")

REPORT_URL = f"{CAMPAIGN_URL}/municipalities/<municipality_code>/report"
_OUT_OF_SCOPE = "Подразделение вне вашей области доступа."


def _snapshot_body(snapshot: Snapshot, campaign: Campaign | None = None) -> dict:
    """A snapshot for the API; with `campaign`, its summary as the current user may see it (the under-5 rule)."""
    summary = privacy.masked_summary(current_actor(), campaign, snapshot) if campaign is not None else None
    return {"id": snapshot.id, "level": snapshot.level.value, "unit_code": snapshot.unit_code,
            "version": snapshot.version, "created_at": snapshot.created_at, "summary": summary}


@api_bp.route(REPORT_URL, methods=["GET"])
@api_bp.response(200, MunicipalReportSchema)
def read_report(region_code: str, year: int, municipality_code: str):
    """Муниципальный отчёт: состояние, комментарий региона, последний срез со списком недостающих организаций."""
    campaign = load_campaign(region_code, year)
    municipality = load_municipality(campaign, municipality_code)
    require(perms.can_see_municipality(current_actor(), municipality), _OUT_OF_SCOPE)
    return reports.describe(reports.get_report(campaign, municipality), municipality)


@api_bp.route(f"{REPORT_URL}/submit", methods=["POST"])
@api_bp.response(200, MunicipalReportSchema)
def submit_report(region_code: str, year: int, municipality_code: str):
    """Отправить муниципальный отчёт в регион: фиксирует срез принятых данных. Специалист муниципалитета."""
    campaign = load_campaign(region_code, year)
    municipality = load_municipality(campaign, municipality_code)
    require(perms.can_submit_municipal_report(current_actor(), municipality),
            "Отправить отчёт может только специалист этого муниципалитета.")
    report = reports.submit_report(campaign, municipality, actor=current_actor())
    return reports.describe(report, municipality)


@api_bp.route(f"{REPORT_URL}/return", methods=["POST"])
@api_bp.arguments(CommentSchema)
@api_bp.response(200, MunicipalReportSchema)
def return_report(data: dict, region_code: str, year: int, municipality_code: str):
    """Вернуть муниципальный отчёт на доработку с обязательным комментарием. Сотрудники региона."""
    campaign = load_campaign(region_code, year)
    municipality = load_municipality(campaign, municipality_code)
    require_region_staff(campaign)
    report = reports.return_report(campaign, municipality, data["comment"], actor=current_actor())
    return reports.describe(report, municipality)


@api_bp.route(f"{REPORT_URL}/accept", methods=["POST"])
@api_bp.response(200, MunicipalReportSchema)
def accept_report(region_code: str, year: int, municipality_code: str):
    """Принять муниципальный отчёт. Сотрудники региона."""
    campaign = load_campaign(region_code, year)
    municipality = load_municipality(campaign, municipality_code)
    require_region_staff(campaign)
    report = reports.accept_report(campaign, municipality, actor=current_actor())
    return reports.describe(report, municipality)


@api_bp.route(f"{CAMPAIGN_URL}/consolidate", methods=["POST"])
@api_bp.response(201, SnapshotSchema)
def consolidate(region_code: str, year: int):
    """Свести данные региона: новый зафиксированный срез (версия растёт) со списком недостающего."""
    campaign = load_campaign(region_code, year)
    require_region_staff(campaign)
    snapshot = reports.consolidate(campaign, actor=current_actor())
    return _snapshot_body(snapshot, campaign)


@api_bp.route(f"{CAMPAIGN_URL}/snapshots", methods=["GET"])
@api_bp.arguments(SnapshotQuerySchema, location="query")
@api_bp.response(200, SnapshotBriefSchema(many=True))
def list_snapshots(args: dict, region_code: str, year: int):
    """Зафиксированные срезы кампании (регион — все, муниципалитет — свои), новые версии сначала."""
    campaign = load_campaign(region_code, year)
    user = current_actor()
    query = visible_snapshots(user, campaign)
    if not can_manage_campaign(user, campaign):  # a filter beyond the caller's scope is refused, not answered empty
        level, unit = Level(args.get("level", "municipality")), args.get("unit", own_municipality_code(user))
        require(can_see_snapshot(user, campaign, level, unit), _OUT_OF_SCOPE)
    if args.get("level"):
        query = query.where(Snapshot.level == Level(args["level"]))
    if args.get("unit"):
        query = query.where(Snapshot.unit_code == args["unit"])
    found = db.session.scalars(query.order_by(Snapshot.level, Snapshot.unit_code, Snapshot.version.desc()))
    return [_snapshot_body(s) for s in found]


@api_bp.route(f"{CAMPAIGN_URL}/snapshots/<int:snapshot_id>", methods=["GET"])
@api_bp.response(200, SnapshotSchema)
def read_snapshot(region_code: str, year: int, snapshot_id: int):
    """Зафиксированный срез: значения, показатели, полнота и список недостающего на момент фиксации."""
    campaign = load_campaign(region_code, year)
    snapshot = load_snapshot(campaign, snapshot_id)
    require(can_see_snapshot(current_actor(), campaign, snapshot.level, snapshot.unit_code), _OUT_OF_SCOPE)
    return _snapshot_body(snapshot, campaign)


@api_bp.route(f"{CAMPAIGN_URL}/aggregates/<unit_code>", methods=["GET"])
@api_bp.response(200, AggregateSchema)
def aggregate(region_code: str, year: int, unit_code: str):
    """Текущий агрегат подразделения: суммы, показатели R2…F1 против целей (проценты без округления,
    null при нулевом знаменателе), полнота сдачи.

    Регион — любое подразделение региона; муниципалитет — себя и подотчётные организации; куратор — свою.
    """
    campaign = load_campaign(region_code, year)
    unit = unit_in_region(campaign, unit_code)
    if unit is None:
        raise NotFound(f"Подразделение с кодом «{unit_code}» не найдено в регионе.")
    user = current_actor()
    if isinstance(unit, Region):
        require(perms.can_see_region(user, unit.id), _OUT_OF_SCOPE)
    elif isinstance(unit, Municipality):
        require(perms.can_see_municipality(user, unit), _OUT_OF_SCOPE)
    else:
        require(can_see_member(user, campaign, unit, membership(campaign, unit)), _OUT_OF_SCOPE)
    return queries.aggregate(campaign, unit, now_utc(), user)
