"""API v1: extensions (lock exceptions): the level above keeps one unit's window open until a given instant.

Who grants: for an organization its reviewer (the municipal official of its reporting municipality, or region
staff for a direct organization) — region staff may extend any organization of the region; for a
municipality region staff; for the region the administrator only.
"""
from datetime import datetime

import sqlalchemy as sa

from deadlines import extension_grants
from deadlines.models import Campaign, Extension
from hierarchy.models import Level, Municipality, Organization, Region
from monitoring.access import (
    can_extend_deadline,
    load_campaign,
    load_extension,
    unit_by_level,
    unit_in_region,
    visible_extensions,
)
from monitoring.api.common import CAMPAIGN_URL
from monitoring.models import CampaignMember
from monitoring.schemas import ExtensionGrantSchema, ExtensionSchema
from registry.auth.models import User
from registry.core.api import ApiBlueprint, current_actor
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.core.permissions import require
from registry.extensions import db

api_bp = ApiBlueprint("extensions_api", __name__, description="Продления сроков сдачи (исключения из блокировки).")

_MODELS = {Level.region: Region, Level.municipality: Municipality, Level.organization: Organization}
_NOT_GRANTER = {
    Level.organization: "Продлить срок организации может её проверяющий или сотрудник региона.",
    Level.municipality: "Продлить срок муниципалитета может только региональный оператор или администратор.",
    Level.region: "Продлить срок региона может только администратор системы.",
}


def _member(campaign: Campaign, organization: Organization) -> CampaignMember | None:
    return db.session.get(CampaignMember, (campaign.id, organization.id))


def _bodies(found: list[Extension], now: datetime) -> list[dict]:
    """Extensions with their units' codes and granters' addresses, in one query per level."""
    wanted: dict[Level, set[int]] = {}
    for extension in found:
        wanted.setdefault(extension.level, set()).add(extension.unit_id)
    codes = {}
    for level, ids in wanted.items():
        model = _MODELS[level]
        codes.update({(level, unit_id): code for unit_id, code in
                      db.session.execute(sa.select(model.id, model.code).where(model.id.in_(ids)))})
    granters = {e.granted_by_id for e in found if e.granted_by_id}
    emails = dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(granters))).all())
    return [{"id": e.id, "level": e.level.value, "unit_code": codes.get((e.level, e.unit_id)), "until": e.until,
             "reason": e.reason, "granted_by": emails.get(e.granted_by_id), "created_at": e.created_at,
             "revoked_at": e.revoked_at, "active": e.is_active(now)} for e in found]


@api_bp.route(f"{CAMPAIGN_URL}/extensions", methods=["GET"])
@api_bp.response(200, ExtensionSchema(many=True))
def list_extensions(region_code: str, year: int):
    """Продления в области доступа: регион — все; муниципалитет — свои и подотчётных организаций; куратор — своей."""
    campaign = load_campaign(region_code, year)
    query = visible_extensions(current_actor(), campaign)
    return _bodies(list(db.session.scalars(query.order_by(Extension.created_at.desc(), Extension.id.desc()))),
                   now_utc())


@api_bp.route(f"{CAMPAIGN_URL}/extensions", methods=["POST"])
@api_bp.arguments(ExtensionGrantSchema)
@api_bp.response(201, ExtensionSchema)
def grant_extension(data: dict, region_code: str, year: int):
    """Продлить окно сдачи одного подразделения до указанного момента (с причиной, в журнале)."""
    campaign = load_campaign(region_code, year)
    unit = unit_in_region(campaign, data["unit_code"])
    if unit is None:
        raise ValidationFailed("Продление не предоставлено.", {"unit_code": [
            f"Подразделение «{data['unit_code']}» не найдено в регионе {campaign.region.code}."]})
    if isinstance(unit, Organization) and _member(campaign, unit) is None:
        raise ValidationFailed("Продление не предоставлено.", {"unit_code": [
            f"Организация «{unit.code}» не участвует в кампании {campaign.year} года."]})
    user = current_actor()
    require(can_extend_deadline(user, campaign, unit), _NOT_GRANTER[unit.level])
    extension = extension_grants.grant(campaign, unit, data["until"], data["reason"], actor=user)
    return _bodies([extension], now_utc())[0]


@api_bp.route(f"{CAMPAIGN_URL}/extensions/<int:extension_id>/revoke", methods=["POST"])
@api_bp.response(200, ExtensionSchema)
def revoke_extension(region_code: str, year: int, extension_id: int):
    """Отозвать продление: окно подразделения снова закрывается по общему сроку. Тот, кто может продлить."""
    campaign = load_campaign(region_code, year)
    extension = load_extension(campaign, extension_id)
    unit = unit_by_level(extension.level, extension.unit_id)
    user = current_actor()
    require(unit is not None and can_extend_deadline(user, campaign, unit), _NOT_GRANTER[extension.level])
    extension_grants.revoke(extension, actor=user)
    return _bodies([extension], now_utc())[0]
