"""API v1: campaigns (region, year) with their calendar and targets, and campaign membership."""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Municipality, Organization
from hierarchy.permissions import can_manage_region
from monitoring import aggregation, campaigns, municipal_parameters, snapshots
from monitoring.access import load_campaign, load_municipality, load_organization, require_region_staff, visible_region
from monitoring.api.common import CAMPAIGN_URL
from monitoring.models import CampaignMember
from monitoring.schemas import (
    CampaignOpenSchema,
    CampaignPatchSchema,
    CampaignSchema,
    MemberAddSchema,
    MemberSchema,
    MunicipalityCampaignSchema,
    MunicipalityPatchSchema,
    ReasonSchema,
)
from registry.core.api import ApiBlueprint, current_actor
from registry.core.errors import ValidationFailed
from registry.core.json_answers import sent_as_is
from registry.core.permissions import require
from registry.extensions import db

api_bp = ApiBlueprint("campaigns_api", __name__, description="Кампании мониторинга: сроки, цели, участники.")


def describe(campaign: Campaign) -> dict:
    deadlines = {key: getattr(campaign, attr) for key, attr in campaigns.DEADLINE_KEYS.items()}
    consolidated = snapshots.consolidated(campaign)  # the scheduler's draft at the deadline is not a consolidation
    return {"year": campaign.year, "region": campaign.region.code,
            "deadlines": {**deadlines, "forum": campaign.forum_at},
            "enterprises_in_region_total": campaign.enterprises_in_region_total,
            "late_return_days": campaign.late_return_days,
            "targets": aggregation.targets_for(campaign), "status": "consolidated" if consolidated else "open"}


@api_bp.route("/regions/<region_code>/campaigns", methods=["GET"])
@api_bp.response(200, CampaignSchema(many=True))
def list_campaigns(region_code: str):
    """Кампании региона, новые сначала. Доступно всем пользователям региона."""
    region = visible_region(region_code)
    found = db.session.scalars(sa.select(Campaign).where(Campaign.region_id == region.id)
                               .order_by(Campaign.year.desc()))
    return [describe(c) for c in found]


@api_bp.route("/regions/<region_code>/campaigns", methods=["POST"])
@api_bp.arguments(CampaignOpenSchema)
@api_bp.response(201, CampaignSchema)
def open_campaign(data: dict, region_code: str):
    """Открыть кампанию года с календарём по умолчанию; состав участников фиксируется по иерархии.

    Региональный оператор региона или администратор.
    """
    region = visible_region(region_code)
    require(can_manage_region(current_actor(), region.id),
            "Открыть кампанию может только региональный оператор или администратор.")
    campaign = campaigns.open_campaign(region, data["year"], actor=current_actor())
    return describe(campaign)


@api_bp.route(CAMPAIGN_URL, methods=["GET"])
@api_bp.response(200, CampaignSchema)
def get_campaign(region_code: str, year: int):
    """Кампания: сроки (моменты закрытия окон, ISO-8601), цели, знаменатель R9, состояние."""
    return describe(load_campaign(region_code, year))


@api_bp.route(CAMPAIGN_URL, methods=["PATCH"])
@api_bp.arguments(CampaignPatchSchema)
@api_bp.response(200, CampaignSchema)
def patch_campaign(data: dict, region_code: str, year: int):
    """Изменить сроки, число предприятий региона (R9) или цели. Региональный оператор или администратор."""
    campaign = load_campaign(region_code, year)
    require_region_staff(campaign)
    campaigns.update_campaign(campaign, deadlines=data.get("deadlines"), targets=data.get("targets"),
                              enterprises_in_region_total=data.get("enterprises_in_region_total"),
                              late_return_days=data.get("late_return_days"), actor=current_actor())
    return describe(campaign)


@api_bp.route(f"{CAMPAIGN_URL}/municipalities/<municipality_code>", methods=["PATCH"])
@api_bp.arguments(MunicipalityPatchSchema)
@api_bp.response(200, MunicipalityCampaignSchema)
def patch_municipality(data: dict, region_code: str, year: int, municipality_code: str):
    """Задать число предприятий муниципалитета (знаменатель его R9) на кампанию; null — очистить.

    Специалист этого муниципалитета или сотрудники региона. Изменение записывается в журнал.
    """
    campaign = load_campaign(region_code, year)
    municipality = load_municipality(campaign, municipality_code)
    require(municipal_parameters.can_set_enterprises_total(current_actor(), municipality),
            "Число предприятий задаёт специалист этого муниципалитета или сотрудник региона.")
    value = municipal_parameters.set_enterprises_total(campaign, municipality, data["enterprises_total"],
                                                       actor=current_actor())
    return {"municipality": municipality.code, "name": municipality.name, "year": campaign.year,
            "enterprises_total": value}


def _member_body(org_code: str, name: str, org_type, municipality_code: str | None, added_at) -> dict:
    return {"organization": org_code, "name": name, "org_type": org_type.value,
            "reporting_municipality": municipality_code, "added_at": added_at}


@api_bp.route(f"{CAMPAIGN_URL}/members", methods=["GET"])
@api_bp.response(200, MemberSchema(many=True))
def list_members(region_code: str, year: int):
    """Организации, от которых ждут отчёт, с зафиксированным адресатом отчёта. Сотрудники региона."""
    campaign = load_campaign(region_code, year)
    require_region_staff(campaign)
    # columns, not entities: a region's 8,000 members as ORM objects took most of the answer's time
    rows = db.session.execute(
        sa.select(Organization.code, Organization.name, CampaignMember.org_type, Municipality.code,
                  CampaignMember.added_at)
        .join(Organization, Organization.id == CampaignMember.organization_id)
        .outerjoin(Municipality, Municipality.id == CampaignMember.reporting_municipality_id)
        .where(CampaignMember.campaign_id == campaign.id).order_by(Organization.code))
    return sent_as_is([_member_body(*row) for row in rows])


@api_bp.route(f"{CAMPAIGN_URL}/members", methods=["POST"])
@api_bp.arguments(MemberAddSchema)
@api_bp.response(201, MemberSchema)
def add_member(data: dict, region_code: str, year: int):
    """Включить организацию в кампанию (с её текущим адресатом отчёта). Сотрудники региона."""
    campaign = load_campaign(region_code, year)
    require_region_staff(campaign)
    org = db.session.scalar(sa.select(Organization).where(Organization.code == data["organization"],
                                                          Organization.region_id == campaign.region_id))
    if org is None:
        raise ValidationFailed("Организация не включена.", {"organization": [
            f"Организация «{data['organization']}» не найдена в регионе {campaign.region.code}."]})
    member = campaigns.add_member(campaign, org, actor=current_actor())
    municipality = db.session.get(Municipality, member.reporting_municipality_id) \
        if member.reporting_municipality_id else None
    return _member_body(org.code, org.name, member.org_type, municipality.code if municipality else None,
                        member.added_at)


@api_bp.route(f"{CAMPAIGN_URL}/members/<org_code>", methods=["DELETE"])
@api_bp.arguments(ReasonSchema)
@api_bp.response(204)
def remove_member(data: dict, region_code: str, year: int, org_code: str):
    """Исключить организацию из кампании с указанием причины (в журнале). Сотрудники региона."""
    campaign = load_campaign(region_code, year)
    require_region_staff(campaign)
    org = load_organization(campaign, org_code)
    campaigns.remove_member(campaign, org, reason=data["reason"], actor=current_actor())
