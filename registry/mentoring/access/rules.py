"""The `can_*` predicates: who may read, change and review which mentoring records."""
from hierarchy.models import Organization, Region
from hierarchy.permissions import (
    can_edit_organization,
    can_review_organization,
    can_see_organization,
    can_see_region,
    can_work_in_region,
)
from registry.auth.models import Role, User
from registry.extensions import db
from registry.mentoring.access.visible import partners_reviewed_by
from registry.mentoring.models import Mentee, Mentor, Partner, PartnerAgreement, Practice
from registry.mentoring.text import format_snils, masked_snils

OUT_OF_SCOPE = "Записи этой организации вне вашей области доступа."
CURATOR_ONLY = "Вносить записи может только куратор организации."


def can_view_records(user: User, org: Organization) -> bool:
    return can_see_organization(user, org.region_id, org.reporting_municipality_id, org.id)


def can_edit_records(user: User, org: Organization) -> bool:
    return can_edit_organization(user, org.id)


def own_organization(user: User) -> Organization | None:
    """The one organization whose records the user keeps (a curator's); None for those who read several."""
    return user.organization if user.role is Role.org_curator else None


def can_view_registry(user: User, region: Region) -> bool:
    """The regional registry across organizations: region staff (all) and municipal officials (theirs)."""
    return can_see_region(user, region.id) or (
        user.role is Role.municipal_official and can_work_in_region(user, region.id))


def can_see_full_snils(user: User, record: Mentor | Mentee) -> bool:
    """The full СНИЛС only inside the record's own organization (its curator); everyone else sees it masked."""
    return can_edit_organization(user, record.organization_id)


def snils_for(user: User, record: Mentor | Mentee) -> str | None:
    if record.person is None:
        return None
    digits = record.person.snils
    return format_snils(digits) if can_see_full_snils(user, record) else masked_snils(digits)


def can_review_practices(user: User) -> bool:
    """The review queues (practices, partners): the administrator, region staff and municipal officials."""
    return user.role in (Role.admin, Role.region_operator, Role.municipal_official)


def can_review_practice(user: User, practice: Practice) -> bool:
    """The organization's reviewer (its municipality, or the region for direct ones); region staff for any."""
    org = practice.organization
    return can_review_organization(user, org.region_id, org.reporting_municipality_id) or can_see_region(
        user, org.region_id)


def can_review_partner(user: User, partner: Partner) -> bool:
    """Region staff for their region's partners; a municipal official for partners of organizations reporting to
    their municipality (a partner is one entry per region, so several municipalities may review it)."""
    if can_see_region(user, partner.region_id):
        return True
    if user.role is not Role.municipal_official:
        return False
    return db.session.scalar(partners_reviewed_by(user).where(PartnerAgreement.partner_id == partner.id).limit(1)) \
        is not None

