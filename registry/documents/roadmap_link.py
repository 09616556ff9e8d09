"""An approved roadmap is the organization's plan document (PRODUCT §8): the plan page and the roadmap link to each
other. Template globals, registered by the documents blueprint."""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Organization
from registry.documents.models import DocumentVersion
from registry.documents.vocab import DocumentKind, ReviewStatus
from registry.extensions import db


def approved_roadmap(unit) -> DocumentVersion | None:
    """The organization's latest approved roadmap version (None for other units or when none is approved)."""
    if not isinstance(unit, Organization):
        return None
    return db.session.scalar(sa.select(DocumentVersion).where(
        DocumentVersion.organization_id == unit.id, DocumentVersion.kind == DocumentKind.roadmap,
        DocumentVersion.review_status == ReviewStatus.approved).order_by(DocumentVersion.version.desc()).limit(1))


def plan_campaign(org: Organization) -> Campaign | None:
    """The region's latest campaign: the one whose plan the approved roadmap stands for."""
    return db.session.scalar(sa.select(Campaign).where(Campaign.region_id == org.region_id)
                             .order_by(Campaign.year.desc()).limit(1))
