"""Who may read and change an organization's mentoring records (curator edits; municipality and region read)."""
import sqlalchemy as sa

from hierarchy.models import Organization, ReportsTo
from hierarchy.permissions import can_review_organization, can_see_region
from registry.auth.models import Role, User
from registry.core.errors import NotFound
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring.access import can_edit_records, can_view_records  # noqa: F401 - the records' access rules
from registry.mentoring.models import Partner, PartnerAgreement, Practice


def can_review_practice(user: User, practice: Practice) -> bool:
    """The organization's reviewer (its municipality, or the region for direct ones); region staff for any."""
    org = practice.organization
    return can_review_organization(user, org.region_id, org.reporting_municipality_id) or can_see_region(
        user, org.region_id)


def can_review_practices(user: User) -> bool:
    return user.role in (Role.admin, Role.region_operator, Role.municipal_official)


def _reviewed_here(user: User) -> sa.Select:
    """Ids of the partners with an agreement with an organization reporting to the official's municipality."""
    return (sa.select(PartnerAgreement.partner_id)
            .join(Organization, Organization.id == PartnerAgreement.organization_id)
            .where(Organization.location_municipality_id == user.municipality_id,
                   Organization.reports_to == ReportsTo.municipality))


def can_review_partner(user: User, partner: Partner) -> bool:
    """Region staff for their region's partners; a municipal official for partners of organizations reporting to
    their municipality (a partner is one entry per region, so several municipalities may review it)."""
    if can_see_region(user, partner.region_id):
        return True
    if user.role is not Role.municipal_official:
        return False
    return db.session.scalar(_reviewed_here(user).where(PartnerAgreement.partner_id == partner.id).limit(1)) \
        is not None


def visible_partner_reviews(user: User) -> sa.Select:
    """Partners the user reviews (every status; the view narrows it)."""
    query = sa.select(Partner)
    if user.role is Role.admin:
        return query
    if user.role is Role.region_operator:
        return query.where(Partner.region_id == user.region_id)
    if user.role is Role.municipal_official:
        return query.where(Partner.id.in_(_reviewed_here(user)))
    return query.where(sa.false())


def reviewable_partner(user: User, partner_id: int) -> Partner:
    """The partner (NotFound for an unknown id), once the user reviews it (PermissionDenied), as for practices."""
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("Партнёр не найден.")
    require(can_review_partner(user, partner), "Публиковать партнёра может муниципалитет его организаций или "
                                               "региональный оператор.")
    return partner
