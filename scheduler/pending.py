"""What the scheduler jobs scan: units that have not submitted, units overdue, and whom to tell about them.

An orchestration-level module (HOUSE_STYLE §8.2): it reads monitoring's tables, as jobs may.
"""
from datetime import datetime

import sqlalchemy as sa

from deadlines.models import Campaign, Extension
from hierarchy.models import Level, Municipality, Organization, Region
from monitoring import snapshots
from monitoring.models import CampaignMember, MunicipalReport, ReportStatus, Submission, SubmissionStatus
from registry.auth.models import Role, User
from registry.extensions import db

_NOT_SUBMITTED = (SubmissionStatus.draft, SubmissionStatus.returned)
_REPORT_NOT_SUBMITTED = (ReportStatus.open, ReportStatus.returned)
#: Who speaks for a unit of each level.
_ROLE_OF = {Level.organization: (Role.org_curator, User.organization_id),
            Level.municipality: (Role.municipal_official, User.municipality_id),
            Level.region: (Role.region_operator, User.region_id)}


def _members(campaign: Campaign):
    return (sa.select(Organization, CampaignMember.reporting_municipality_id)
            .join(CampaignMember, CampaignMember.organization_id == Organization.id)
            .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                           Submission.organization_id == CampaignMember.organization_id))
            .where(CampaignMember.campaign_id == campaign.id).order_by(Organization.code))


def _extended(campaign: Campaign, level: Level, unit_id, now: datetime):
    return sa.select(Extension.id).where(
        Extension.campaign_id == campaign.id, Extension.level == level, Extension.unit_id == unit_id,
        Extension.revoked_at.is_(None), Extension.until > now).exists()


def member_organizations(campaign: Campaign) -> list[Organization]:
    return list(db.session.scalars(_members(campaign)))


def unsubmitted_organizations(campaign: Campaign) -> list[Organization]:
    """Members whose submission is not started, a draft or returned."""
    query = _members(campaign).where(sa.or_(Submission.id.is_(None), Submission.status.in_(_NOT_SUBMITTED)))
    return list(db.session.scalars(query))


def overdue_organizations(campaign: Campaign, now: datetime) -> dict[int | None, list[Organization]]:
    """Unsubmitted members without an active extension, by reporting municipality (None: the region's own)."""
    query = _members(campaign).where(
        sa.or_(Submission.id.is_(None), Submission.status.in_(_NOT_SUBMITTED)),
        ~_extended(campaign, Level.organization, CampaignMember.organization_id, now))
    found: dict[int | None, list[Organization]] = {}
    for org, municipality_id in db.session.execute(query):
        found.setdefault(municipality_id, []).append(org)
    return found


def _municipalities(campaign: Campaign):
    return (sa.select(Municipality)
            .outerjoin(MunicipalReport, sa.and_(MunicipalReport.municipality_id == Municipality.id,
                                                MunicipalReport.campaign_id == campaign.id))
            .where(Municipality.region_id == campaign.region_id,
                   sa.or_(MunicipalReport.id.is_(None), MunicipalReport.status.in_(_REPORT_NOT_SUBMITTED)))
            .order_by(Municipality.code))


def unsubmitted_municipalities(campaign: Campaign) -> list[Municipality]:
    """Municipalities of the region whose report is not sent (as the regional snapshot counts them)."""
    return list(db.session.scalars(_municipalities(campaign)))


def overdue_municipalities(campaign: Campaign, now: datetime) -> list[Municipality]:
    query = _municipalities(campaign).where(~_extended(campaign, Level.municipality, Municipality.id, now))
    return list(db.session.scalars(query))


def municipal_closings(campaign: Campaign, municipalities: list[Municipality]) -> dict[int, datetime]:
    """When each municipality's window closes: the general deadline, or the end of a later, unrevoked extension."""
    closes = {m.id: campaign.municipality_deadline for m in municipalities}
    for unit_id, until in db.session.execute(sa.select(Extension.unit_id, Extension.until).where(
            Extension.campaign_id == campaign.id, Extension.level == Level.municipality,
            Extension.revoked_at.is_(None), Extension.unit_id.in_(list(closes)))):
        closes[unit_id] = max(closes[unit_id], until)
    return closes


def region_consolidated(campaign: Campaign) -> bool:
    """Whether a person froze a regional snapshot (an automatic draft does not count)."""
    return snapshots.consolidated(campaign)


def region_extended(campaign: Campaign, now: datetime) -> bool:
    return db.session.scalar(sa.select(_extended(campaign, Level.region, campaign.region_id, now)))


def people_of(level: Level, unit_ids: list[int]) -> dict[int, list[User]]:
    """Enabled users speaking for each unit: curators, municipal officials or regional operators."""
    if not unit_ids:
        return {}
    role, column = _ROLE_OF[level]
    found: dict[int, list[User]] = {}
    for user in db.session.scalars(sa.select(User).where(User.role == role, User.is_enabled, column.in_(unit_ids))
                                   .order_by(User.id)):
        found.setdefault(getattr(user, column.key), []).append(user)
    return found


def admins() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.admin, User.is_enabled)
                                   .order_by(User.id)))


def unit_key(unit: Region | Municipality | Organization) -> str:
    return f"{unit.level.value}:{unit.id}"
