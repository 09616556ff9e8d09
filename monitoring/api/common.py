"""What every monitoring API view shares: loading units named in the URL (404) and scope checks (403).

Views follow HOUSE_STYLE §8.5: load (404) → authorize (403) → parse → one service call → commit once.
A user outside the region is refused before the campaign is looked up, so the answer never carries data.
"""
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from deadlines.models import Campaign
from hierarchy import permissions as perms
from hierarchy.models import Level, Municipality, Organization, Region
from hierarchy.queries import region_by_code
from monitoring import campaigns
from monitoring.models import CampaignMember
from monitoring.services import membership
from registry.auth.models import User
from registry.core.api import current_actor
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from surveys import results as survey_results

CAMPAIGN_URL = "/regions/<region_code>/campaigns/<int:year>"


def region_or_404(code: str) -> Region:
    region = region_by_code(code)
    if region is None:
        raise NotFound(f"Регион с кодом «{code}» не найден.")
    return region


def visible_region(code: str) -> Region:
    region = region_or_404(code)
    require(perms.can_work_in_region(current_actor(), region.id), "Регион вне вашей области доступа.")
    return region


# The lookups every submission request makes, built once (functools.cache: a Select is immutable): their SQL and
# cache keys are reused instead of being rebuilt per request.
@cache
def _region_and_campaign() -> sa.Select:
    return sa.select(Region, Campaign).where(Region.code == sa.bindparam("region_code")).outerjoin(
        Campaign, sa.and_(Campaign.region_id == Region.id, Campaign.year == sa.bindparam("year")))


@cache
def _organization_and_member(surveys: bool) -> sa.Select:
    query = sa.select(Organization, CampaignMember).where(
        Organization.code == sa.bindparam("code"), Organization.region_id == sa.bindparam("region_id")).outerjoin(
        CampaignMember, sa.and_(CampaignMember.organization_id == Organization.id,
                                CampaignMember.campaign_id == sa.bindparam("campaign_id")))
    if surveys:
        query = query.add_columns(survey_results.has_surveys(sa.bindparam("campaign_id"), Organization.id)
                                  .label("has_surveys"))
    return query


def campaign_or_404(region_code: str, year: int) -> Campaign:
    """The campaign, once the caller is known to belong to its region."""
    # region and campaign come in one query; the refusals keep their order (404 region, 403, 404 campaign) and the
    # lookups that raise them run again only on those error paths
    row = db.session.execute(_region_and_campaign(), {"region_code": region_code, "year": year}).first()
    region = row.Region if row else region_or_404(region_code)
    require(perms.can_work_in_region(current_actor(), region.id), "Регион вне вашей области доступа.")
    if row.Campaign is None:
        return campaigns.get_campaign(region, year)
    # the campaign holds its region: the session keeps loaded rows only while referenced, and a write's
    # notification (campaign.region.code) would read the region again
    set_committed_value(row.Campaign, "region", region)
    return row.Campaign


def organization_or_404(campaign: Campaign, code: str) -> Organization:
    org = db.session.scalar(sa.select(Organization).where(Organization.code == code,
                                                          Organization.region_id == campaign.region_id))
    if org is None:
        raise NotFound(f"Организация с кодом «{code}» не найдена в регионе.")
    return org


def member_or_404(campaign: Campaign, code: str, *, surveys: bool = False) -> tuple[Organization, CampaignMember]:
    """An organization of the region that the campaign expects (with its reporting parent fixed).

    `surveys`: for a request that reads or writes the submission and opens no survey: whether the organization
    has a survey in the campaign comes with the same query, and when it has none the request's survey results
    (surveys.results.organization_results) are known to be empty without a round trip of their own."""
    # the organization and its membership in one query; a missing one gets the usual 404 from its own lookup
    row = db.session.execute(_organization_and_member(surveys), {"code": code, "region_id": campaign.region_id,
                                                                 "campaign_id": campaign.id}).first()
    org = row.Organization if row else organization_or_404(campaign, code)
    if surveys and not row.has_surveys:
        survey_results.note_no_surveys(campaign.id, org.id)
    return org, row.CampaignMember or membership(campaign, org)


def municipality_or_404(campaign: Campaign, code: str) -> Municipality:
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == code,
                                                                   Municipality.region_id == campaign.region_id))
    if municipality is None:
        raise NotFound(f"Муниципалитет с кодом «{code}» не найден в регионе.")
    return municipality


def can_see_member(user: User, campaign: Campaign, org: Organization, member: CampaignMember) -> bool:
    """Region staff: all; municipal official: organizations reporting to them in this campaign; curator: own."""
    return perms.can_see_organization(user, campaign.region_id, member.reporting_municipality_id, org.id)


def can_review_member(user: User, campaign: Campaign, member: CampaignMember) -> bool:
    return perms.can_review_organization(user, campaign.region_id, member.reporting_municipality_id)


def manages(campaign: Campaign) -> bool:
    return perms.can_manage_region(current_actor(), campaign.region_id)


def require_region_staff(campaign: Campaign) -> None:
    require(manages(campaign), "Действие доступно только региональному оператору и администратору.")


def unit_by_level(level: Level, unit_id: int) -> Region | Municipality | Organization | None:
    model = {Level.region: Region, Level.municipality: Municipality, Level.organization: Organization}[level]
    return db.session.get(model, unit_id)
