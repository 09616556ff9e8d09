"""Who may see, upload, review and summarise organization documents; loaders raise NotFound (404).

Curator: uploads its organization's documents. The organization's reviewer (its municipality; the region for
region-subordinate organizations) decides on the roadmap. Everyone who sees the organization's records (curator,
its municipality, region staff) reads and downloads its documents.
"""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region, ReportsTo
from hierarchy.permissions import (
    can_edit_organization,
    can_review_organization,
    can_see_municipality,
    can_see_organization,
    can_see_region,
)
from registry.auth.models import User
from registry.core.errors import NotFound
from registry.documents.models import DocumentVersion
from registry.documents.vocab import DocumentKind
from registry.extensions import db

OUT_OF_SCOPE = "Документы этой организации вне вашей области доступа."



def kind(value: str) -> DocumentKind:
    if value not in DocumentKind.__members__:
        raise NotFound("Такого вида документа нет.")
    return DocumentKind(value)


def version(org: Organization, kind_: DocumentKind, number: int) -> DocumentVersion:
    found = db.session.scalar(sa.select(DocumentVersion).where(
        DocumentVersion.organization_id == org.id, DocumentVersion.kind == kind_, DocumentVersion.version == number))
    if found is None:
        raise NotFound("Такой версии документа нет.")
    return found


def summary_unit(code: str) -> Municipality | Region:
    unit = db.session.scalar(sa.select(Municipality).where(Municipality.code == code)) or db.session.scalar(
        sa.select(Region).where(Region.code == code))
    if unit is None:
        raise NotFound(f"Муниципалитет или регион с кодом «{code}» не найден.")
    return unit


def can_view_documents(user: User, org: Organization) -> bool:
    return can_see_organization(user, org.region_id, org.reporting_municipality_id, org.id)


def can_upload_documents(user: User, org: Organization) -> bool:
    return can_edit_organization(user, org.id)


def can_review_roadmap(user: User, org: Organization) -> bool:
    return (can_review_organization(user, org.region_id, org.reporting_municipality_id)
            or can_see_region(user, org.region_id))


def can_view_summary(user: User, unit: Municipality | Region) -> bool:
    if isinstance(unit, Region):
        return can_see_region(user, unit.id)
    return can_see_municipality(user, unit)


def visible_organizations(user: User, unit: Municipality | Region) -> sa.Select:
    """The organizations a summary lists: those reporting to the municipality, or every one of the region."""
    query = sa.select(Organization).order_by(Organization.name, Organization.id)
    if isinstance(unit, Region):
        return query.where(Organization.region_id == unit.id)
    return query.where(Organization.location_municipality_id == unit.id,
                       Organization.reports_to == ReportsTo.municipality)
