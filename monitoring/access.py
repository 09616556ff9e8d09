"""Monitoring's access layer, the one place web pages and API views load what a URL names and ask who may do what
(HOUSE_STYLE §8.5; issue 17 part 1).

- Loaders (`load_*`) raise `NotFound` with a Russian message: the API answers it as JSON, a web page as the HTML error
  page (registry.core.web), both with 404. A user outside the region is refused (403) before the campaign is looked
  up, so neither answer tells whether a campaign exists.
- Predicates (`can_<verb>_<noun>`) answer yes or no; `require(...)` turns a no into 403.
- Builders (`visible_<noun>s(user, campaign)`) return the `Select` of what a list may show the user.
"""
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from deadlines.models import Campaign, Extension
from hierarchy import permissions as perms
from hierarchy.models import Level, Municipality, Organization, Region
from hierarchy.queries import region_by_code, unit_by_code
from monitoring.campaigns import get_campaign
from monitoring.models import CampaignMember, Snapshot
from monitoring.services import membership
from registry.auth.models import Role, User
from registry.core.api import current_actor
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from surveys import results as survey_results

OUT_OF_REGION = "Регион вне вашей области доступа."
NOT_REGION_STAFF = "Действие доступно только региональному оператору и администратору."
_MODELS = {Level.region: Region, Level.municipality: Municipality, Level.organization: Organization}


# Loaders ------------------------------------------------------------------------------------------------------------

def load_region(code: str) -> Region:
    """The region named by the URL (the caller decides who may see it), or 404."""
    region = region_by_code(code)
    if region is None:
        raise NotFound(f"Регион с кодом «{code}» не найден.")
    return region


def visible_region(code: str) -> Region:
    """The region named by the URL, once the caller is known to work in it (404, then 403)."""
    region = load_region(code)
    require(perms.can_work_in_region(current_actor(), region.id), OUT_OF_REGION)
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


def load_campaign(region_code: str, year: int) -> Campaign:
    """The campaign named by the URL, once the caller is known to belong to its region (404 region, 403, 404
    campaign)."""
    # region and campaign come in one query; the refusals keep their order and the lookups that raise them run
    # again only on those error paths
    row = db.session.execute(_region_and_campaign(), {"region_code": region_code, "year": year}).first()
    region = row.Region if row else load_region(region_code)
    require(perms.can_work_in_region(current_actor(), region.id), OUT_OF_REGION)
    if row.Campaign is None:
        return get_campaign(region, year)
    # the campaign holds its region: the session keeps loaded rows only while referenced, and a write's
    # notification (campaign.region.code) would read the region again
    set_committed_value(row.Campaign, "region", region)
    return row.Campaign


def load_organization(campaign: Campaign, code: str) -> Organization:
    """An organization of the campaign's region, member or not, or 404."""
    org = db.session.scalar(sa.select(Organization).where(Organization.code == code,
                                                          Organization.region_id == campaign.region_id))
    if org is None:
        raise NotFound(f"Организация с кодом «{code}» не найдена в регионе.")
    return org


def load_member(campaign: Campaign, code: str, *, surveys: bool = False) -> tuple[Organization, CampaignMember]:
    """An organization of the region that the campaign expects, with its membership (its reporting parent fixed for
    the campaign), or 404.

    `surveys`: for a request that reads or writes the submission and opens no survey: whether the organization
    has a survey in the campaign comes with the same query, and when it has none the request's survey results
    (surveys.results.organization_results) are known to be empty without a round trip of their own."""
    # the organization and its membership in one query; a missing one gets the usual 404 from its own lookup
    row = db.session.execute(_organization_and_member(surveys), {"code": code, "region_id": campaign.region_id,
                                                                 "campaign_id": campaign.id}).first()
    org = row.Organization if row else load_organization(campaign, code)
    if surveys and not row.has_surveys:
        survey_results.note_no_surveys(campaign.id, org.id)
    return org, row.CampaignMember or membership(campaign, org)


@cache
def _campaign_and_member() -> sa.Select:
    return (sa.select(Region, Campaign, Organization, CampaignMember,
                      survey_results.has_surveys(Campaign.id, Organization.id).label("has_surveys"))
            .join(Campaign, sa.and_(Campaign.region_id == Region.id, Campaign.year == sa.bindparam("year")))
            .join(Organization, sa.and_(Organization.region_id == Region.id, Organization.code == sa.bindparam("code")))
            .join(CampaignMember, sa.and_(CampaignMember.campaign_id == Campaign.id,
                                          CampaignMember.organization_id == Organization.id))
            .where(Region.code == sa.bindparam("region_code")))


def load_campaign_member(region_code: str, year: int, code: str) -> tuple[Campaign, Organization, CampaignMember]:
    """`load_campaign` then `load_member(..., surveys=True)` in one round trip: a submission request's lookups.

    When anything is missing the two loaders run after all, so the refusals (404 region, 403, 404 campaign,
    404 organization) keep their order and wording."""
    row = db.session.execute(_campaign_and_member(), {"region_code": region_code, "year": year, "code": code}).first()
    if row is None:
        campaign = load_campaign(region_code, year)
        return campaign, *load_member(campaign, code, surveys=True)
    require(perms.can_work_in_region(current_actor(), row.Region.id), OUT_OF_REGION)
    set_committed_value(row.Campaign, "region", row.Region)  # as load_campaign does
    if not row.has_surveys:
        survey_results.note_no_surveys(row.Campaign.id, row.Organization.id)
    return row.Campaign, row.Organization, row.CampaignMember


def load_municipality(campaign: Campaign, code: str) -> Municipality:
    """A municipality of the campaign's region, or 404."""
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == code,
                                                                   Municipality.region_id == campaign.region_id))
    if municipality is None:
        raise NotFound(f"Муниципалитет с кодом «{code}» не найден в регионе.")
    return municipality


def load_extension(campaign: Campaign, extension_id: int) -> Extension:
    """An extension granted in this campaign, or 404."""
    extension = db.session.get(Extension, extension_id)
    if extension is None or extension.campaign_id != campaign.id:
        raise NotFound(f"Продление {extension_id} в этой кампании не найдено.")
    return extension


def load_snapshot(campaign: Campaign, snapshot_id: int) -> Snapshot:
    """A snapshot frozen in this campaign, or 404 (who may read it is the caller's check)."""
    snapshot = db.session.get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.campaign_id != campaign.id:
        raise NotFound(f"Срез {snapshot_id} в этой кампании не найден.")
    return snapshot


def unit_in_region(campaign: Campaign, code: str) -> Region | Municipality | Organization | None:
    """The region, municipality or organization with this code, if it lies in the campaign's region."""
    unit = unit_by_code(code) if code else None
    if unit is None:
        return None
    region_id = unit.id if isinstance(unit, Region) else unit.region_id
    return unit if region_id == campaign.region_id else None


def unit_by_level(level: Level, unit_id: int) -> Region | Municipality | Organization | None:
    """The unit an extension or a snapshot names by level and id."""
    return db.session.get(_MODELS[level], unit_id)


# Predicates ---------------------------------------------------------------------------------------------------------

def can_manage_campaign(user: User, campaign: Campaign) -> bool:
    """Region staff (operator, administrator): open, edit, consolidate, manage membership."""
    return perms.can_manage_region(user, campaign.region_id)


def require_region_staff(campaign: Campaign) -> None:
    require(can_manage_campaign(current_actor(), campaign), NOT_REGION_STAFF)


def can_see_member(user: User, campaign: Campaign, org: Organization, member: CampaignMember) -> bool:
    """Region staff: all; municipal official: organizations reporting to them in this campaign; curator: own."""
    return perms.can_see_organization(user, campaign.region_id, member.reporting_municipality_id, org.id)


def can_review_member(user: User, campaign: Campaign, member: CampaignMember) -> bool:
    """The organization's reviewer in this campaign: the official of the municipality it reports to, or region staff
    for a direct organization."""
    return perms.can_review_organization(user, campaign.region_id, member.reporting_municipality_id)


def _is_official_of_region(user: User, campaign: Campaign) -> bool:
    return user.role is Role.municipal_official and user.municipality is not None \
        and user.municipality.region_id == campaign.region_id


def can_see_review_queue(user: User, campaign: Campaign) -> bool:
    """The review queue page: region staff (and the region's viewers) and the region's municipal officials."""
    return perms.can_see_region(user, campaign.region_id) or _is_official_of_region(user, campaign)


def can_see_extension_list(user: User, campaign: Campaign) -> bool:
    """The extensions page: region staff and the region's municipal officials (who extend their organizations)."""
    return can_manage_campaign(user, campaign) or _is_official_of_region(user, campaign)


def own_municipality_code(user: User) -> str | None:
    """The code of the municipality a municipal official works for; None for anyone else."""
    if user.role is Role.municipal_official and user.municipality is not None:
        return user.municipality.code
    return None


def can_see_snapshot(user: User, campaign: Campaign, level: Level, unit_code: str | None) -> bool:
    """A frozen snapshot through the API: region staff every one; a municipal official its municipality's."""
    if can_manage_campaign(user, campaign):
        return True
    own = own_municipality_code(user)
    return level is Level.municipality and own is not None and own == unit_code


def can_extend_deadline(user: User, campaign: Campaign, unit: Region | Municipality | Organization,
                        member: CampaignMember | None = None) -> bool:
    """Who may extend a unit's window, or revoke its extension: the region's — the administrator only; a
    municipality's — region staff; an organization's — region staff or its reviewer (the municipal official of the
    municipality it reports to in this campaign, its current one if it is no longer a member)."""
    if isinstance(unit, Region):
        return user.role is Role.admin
    if can_manage_campaign(user, campaign):
        return True
    if isinstance(unit, Organization):
        member = member or db.session.get(CampaignMember, (campaign.id, unit.id))
        parent = member.reporting_municipality_id if member else unit.reporting_municipality_id
        return perms.can_review_organization(user, campaign.region_id, parent)
    return False


def extendable_scope(user: User, campaign: Campaign) -> dict:
    """Whose window this user may keep open, as a unit picker's scope: the region's municipalities and
    organizations for its staff, the organizations of its municipality for an official."""
    if can_manage_campaign(user, campaign):
        return {"region_id": campaign.region_id, "levels": (Level.municipality, Level.organization)}
    return {"region_id": campaign.region_id, "levels": (Level.organization,), "municipality_id": user.municipality_id}


# Builders -----------------------------------------------------------------------------------------------------------

def visible_members(user: User, campaign: Campaign) -> sa.Select:
    """The campaign's organizations (CampaignMember rows) the user may see: a curator its own, a municipal official
    those reporting to it, region staff all. Callers load the campaign with `load_campaign` first (region check)."""
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
    if can_manage_campaign(user, campaign):
        return query
    if user.role is Role.municipal_official:
        reporting = sa.select(CampaignMember.organization_id).where(
            CampaignMember.campaign_id == campaign.id, CampaignMember.reporting_municipality_id == user.municipality_id)
        return query.where(sa.or_(
            sa.and_(Extension.level == Level.municipality, Extension.unit_id == user.municipality_id),
            sa.and_(Extension.level == Level.organization, Extension.unit_id.in_(reporting))))
    return query.where(Extension.level == Level.organization, Extension.unit_id == user.organization_id)


def visible_snapshots(user: User, campaign: Campaign) -> sa.Select:
    """The campaign's frozen snapshots the user may list: region staff all; a municipal official its municipality's;
    anyone else none."""
    query = sa.select(Snapshot).where(Snapshot.campaign_id == campaign.id)
    if can_manage_campaign(user, campaign):
        return query
    own = own_municipality_code(user)
    if own is None:
        return query.where(sa.false())
    return query.where(Snapshot.level == Level.municipality, Snapshot.unit_code == own)
