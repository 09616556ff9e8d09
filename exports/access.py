"""Which unit a download names and whether the user may have it: scoped like everything else.

Curator: their own organization; municipal official: their municipality and the organizations reporting to it
in the campaign; region staff: everything in their region.
"""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy import permissions as perms
from hierarchy.models import Municipality, Organization, Region, Unit
from monitoring.models import CampaignMember
from monitoring.services import membership
from registry.auth.models import User
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db

OUT_OF_SCOPE = "Подразделение вне вашей области доступа."


def unit_of_campaign(campaign: Campaign, code: str) -> tuple[Unit, CampaignMember | None]:
    """The region, one of its municipalities, or an organization the campaign expects; NotFound otherwise."""
    if code == campaign.region.code:
        return campaign.region, None
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == code,
                                                                   Municipality.region_id == campaign.region_id))
    if municipality is not None:
        return municipality, None
    org = db.session.scalar(sa.select(Organization).where(Organization.code == code,
                                                          Organization.region_id == campaign.region_id))
    if org is None:
        raise NotFound(f"Подразделение с кодом «{code}» не найдено в регионе.")
    return org, membership(campaign, org)


def can_export(user: User, campaign: Campaign, unit: Unit, member: CampaignMember | None) -> bool:
    if isinstance(unit, Region):
        return perms.can_see_region(user, unit.id)
    if isinstance(unit, Municipality):
        return perms.can_see_municipality(user, unit)
    return perms.can_see_organization(user, campaign.region_id, member.reporting_municipality_id, unit.id)


def authorized_unit(user: User, campaign: Campaign, code: str) -> tuple[Unit, CampaignMember | None]:
    """Load the unit named by `code` (404) and require the user's scope to cover it (403)."""
    unit, member = unit_of_campaign(campaign, code)
    require(can_export(user, campaign, unit, member), OUT_OF_SCOPE)
    return unit, member


def require_consolidated(unit: Unit) -> None:
    """Archives and monitoring reports exist for municipalities and the region only."""
    if isinstance(unit, Organization):
        raise NotFound("Архив форм и отчёт мониторинга формируются для муниципалитета или региона.")
