"""Monitoring's access layer, shared by web and API views: loaders of what a URL names and the predicates of who
may do what (HOUSE_STYLE §8.5; issue 17 part 1)."""
import sqlalchemy as sa
from flask import abort

from deadlines.models import Campaign, Extension
from hierarchy.models import Level, Municipality, Organization, Region
from hierarchy.permissions import can_manage_region, can_review_organization
from hierarchy.queries import region_by_code, unit_by_code
from monitoring.campaigns import get_campaign
from monitoring.models import CampaignMember
from monitoring.services import membership
from registry.auth.models import Role, User
from registry.extensions import db


def load_campaign(region_code: str, year: int) -> Campaign:
    """The campaign named by the URL, or 404."""
    region = region_by_code(region_code)
    if region is None:
        abort(404)
    return get_campaign(region, year)


def load_member(campaign: Campaign, org_code: str) -> tuple[Organization, CampaignMember]:
    """An organization of the campaign's region and its membership (404 if either is missing)."""
    org = db.session.scalar(sa.select(Organization).where(Organization.code == org_code,
                                                          Organization.region_id == campaign.region_id))
    if org is None:
        abort(404)
    return org, membership(campaign, org)


def unit_in_region(campaign: Campaign, code: str) -> Region | Municipality | Organization | None:
    """The region, municipality or organization with this code, if it lies in the campaign's region."""
    unit = unit_by_code(code) if code else None
    if unit is None:
        return None
    region_id = unit.id if isinstance(unit, Region) else unit.region_id
    return unit if region_id == campaign.region_id else None


def can_extend_deadline(user: User, campaign: Campaign, unit: Region | Municipality | Organization,
                        member: CampaignMember | None = None) -> bool:
    """Who may extend a unit's window, or revoke its extension: the region's — the administrator only; a
    municipality's — region staff; an organization's — region staff or its reviewer (the municipal official of the
    municipality it reports to in this campaign, its current one if it is no longer a member)."""
    if isinstance(unit, Region):
        return user.role is Role.admin
    if can_manage_region(user, campaign.region_id):
        return True
    if isinstance(unit, Organization):
        member = member or db.session.get(CampaignMember, (campaign.id, unit.id))
        parent = member.reporting_municipality_id if member else unit.reporting_municipality_id
        return can_review_organization(user, campaign.region_id, parent)
    return False


def visible_members(user: User, campaign: Campaign) -> sa.Select:
    """The campaign's organizations (CampaignMember rows) the user may see: a curator its own, a municipal official
    those reporting to it, region staff all. Callers check the user belongs to the region first."""
    query = sa.select(CampaignMember).where(CampaignMember.campaign_id == campaign.id)
    if user.role is Role.org_curator:
        return query.where(CampaignMember.organization_id == user.organization_id)
    if user.role is Role.municipal_official:
        return query.where(CampaignMember.reporting_municipality_id == user.municipality_id)
    return query


def visible_extensions(user: User, campaign: Campaign) -> sa.Select:
    """The campaign's extensions the user may see: region staff all; a municipal official its municipality's and
    those of the organizations reporting to it; anyone else (a curator) its organization's."""
    query = sa.select(Extension).where(Extension.campaign_id == campaign.id)
    if can_manage_region(user, campaign.region_id):
        return query
    if user.role is Role.municipal_official:
        reporting = sa.select(CampaignMember.organization_id).where(
            CampaignMember.campaign_id == campaign.id, CampaignMember.reporting_municipality_id == user.municipality_id)
        return query.where(sa.or_(
            sa.and_(Extension.level == Level.municipality, Extension.unit_id == user.municipality_id),
            sa.and_(Extension.level == Level.organization, Extension.unit_id.in_(reporting))))
    return query.where(Extension.level == Level.organization, Extension.unit_id == user.organization_id)
