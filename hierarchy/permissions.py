"""Who may see and act on which unit: pure predicates over the user's role and scope (PRODUCT.md §2).

A scope on an ancestor covers its descendants. Organizations are placed by their *reporting* parent,
which for a campaign is the one fixed in its membership.
"""
from hierarchy.models import Municipality
from registry.auth.models import Role, User


def can_see_region(user: User, region_id: int) -> bool:
    """Whether the user may see region-level data (aggregates, campaigns) of this region."""
    if user.role is Role.admin:
        return True
    return user.role is Role.region_operator and user.region_id == region_id


def can_manage_region(user: User, region_id: int) -> bool:
    """Open and edit campaigns, import the hierarchy, review municipal reports, consolidate."""
    return can_see_region(user, region_id)


def can_see_municipality(user: User, municipality: Municipality) -> bool:
    if can_see_region(user, municipality.region_id):
        return True
    return user.role is Role.municipal_official and user.municipality_id == municipality.id


def can_see_organization(user: User, region_id: int, reporting_municipality_id: int | None,
                         organization_id: int) -> bool:
    """Region staff see all their organizations; a municipality those reporting to it; a curator its own."""
    if can_see_region(user, region_id):
        return True
    if user.role is Role.municipal_official:
        return reporting_municipality_id is not None and user.municipality_id == reporting_municipality_id
    return user.role is Role.org_curator and user.organization_id == organization_id


def can_edit_organization(user: User, organization_id: int) -> bool:
    """Only the organization's own curator enters its data."""
    return user.role is Role.org_curator and user.organization_id == organization_id


def can_review_organization(user: User, region_id: int, reporting_municipality_id: int | None) -> bool:
    """The municipal official of the reporting municipality, or region staff for direct organizations."""
    if reporting_municipality_id is None:
        return can_see_region(user, region_id)
    return (user.role is Role.municipal_official and user.municipality_id == reporting_municipality_id) or (
        user.role is Role.admin)


def can_submit_municipal_report(user: User, municipality: Municipality) -> bool:
    return user.role is Role.municipal_official and user.municipality_id == municipality.id


def can_work_in_region(user: User, region_id: int) -> bool:
    """Whether the user's scope lies inside the region: its staff, its municipalities' officials, its curators."""
    if can_see_region(user, region_id):
        return True
    if user.role is Role.municipal_official:
        return user.municipality is not None and user.municipality.region_id == region_id
    return user.role is Role.org_curator and user.organization is not None and user.organization.region_id == region_id
