"""Monitoring's access layer (issue 17 part 1 grows it): loaders of what a URL names, shared by web and API views."""
import sqlalchemy as sa
from flask import abort

from deadlines.models import Campaign
from hierarchy.models import Organization
from hierarchy.queries import region_by_code
from monitoring.campaigns import get_campaign
from monitoring.models import CampaignMember
from monitoring.services import membership
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
