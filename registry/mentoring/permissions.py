"""Who may read and change an organization's mentoring records (curator edits; municipality and region read)."""
from hierarchy.models import Organization
from hierarchy.permissions import edits_organization, reviews_organization, sees_organization, sees_region
from registry.auth.models import Role, User
from registry.mentoring.models import Practice


def can_view_records(user: User, org: Organization) -> bool:
    """The curator, the municipality the organization reports to, and region staff (records are visible upward)."""
    return sees_organization(user, org.region_id, org.reporting_municipality_id, org.id)


def can_edit_records(user: User, org: Organization) -> bool:
    """Only the organization's own curator keeps its records."""
    return edits_organization(user, org.id)


def can_review_practice(user: User, practice: Practice) -> bool:
    """The organization's reviewer (its municipality, or the region for direct ones); region staff for any."""
    org = practice.organization
    return reviews_organization(user, org.region_id, org.reporting_municipality_id) or sees_region(
        user, org.region_id)


def reviews_practices(user: User) -> bool:
    return user.role in (Role.admin, Role.region_operator, Role.municipal_official)
