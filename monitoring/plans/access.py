"""Who may see, draft and approve which plan; loaders raising NotFound; shared by the web pages and the API.

A municipality drafts its own plan and the regional operator approves it; an organization's curator drafts the
organization's plan and its reviewer (its municipality, or the region for region-subordinate organizations)
approves it (PRODUCT.md §8).
"""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy import permissions as perms
from hierarchy.models import Level, Municipality, Organization
from monitoring.models import CampaignMember
from monitoring.services import membership, reviewer_window
from registry.auth.models import User
from registry.core.errors import NotFound
from registry.extensions import db

PlanUnit = Municipality | Organization
OUT_OF_SCOPE = "План этого подразделения вне вашей области доступа."
NOT_OWNER = "Составлять и отправлять план может только само подразделение: специалист муниципалитета или " \
            "куратор организации."
NOT_APPROVER = ("Утверждать план может только вышестоящий уровень: план муниципалитета — региональный оператор, "
                "план организации — проверяющий её отчёт (муниципалитет или региональный оператор).")


def plan_unit(campaign: Campaign, code: str) -> tuple[PlanUnit, CampaignMember | None]:
    """The municipality, or the organization the campaign expects, named by `code`; NotFound otherwise."""
    if code == campaign.region.code:
        raise NotFound("У региона нет плана: его цели задаются в параметрах кампании.")
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.code == code,
                                                                   Municipality.region_id == campaign.region_id))
    if municipality is not None:
        return municipality, None
    org = db.session.scalar(sa.select(Organization).where(Organization.code == code,
                                                          Organization.region_id == campaign.region_id))
    if org is None:
        raise NotFound(f"Подразделение с кодом «{code}» не найдено в регионе.")
    return org, membership(campaign, org)


def can_see_plan(user: User, campaign: Campaign, unit: PlanUnit, member: CampaignMember | None) -> bool:
    if isinstance(unit, Municipality):
        return perms.can_see_municipality(user, unit)
    return perms.can_see_organization(user, campaign.region_id, member.reporting_municipality_id, unit.id)


def can_edit_plan(user: User, unit: PlanUnit) -> bool:
    """The unit itself drafts and submits: the municipality's official, the organization's curator."""
    if isinstance(unit, Municipality):
        return perms.can_submit_municipal_report(user, unit)
    return perms.can_edit_organization(user, unit.id)


def can_approve_plan(user: User, campaign: Campaign, unit: PlanUnit, member: CampaignMember | None) -> bool:
    """The level above approves, returns and reopens."""
    if isinstance(unit, Municipality):
        return perms.can_manage_region(user, campaign.region_id)
    return perms.can_review_organization(user, campaign.region_id, member.reporting_municipality_id)


def can_import_plans(user: User, campaign: Campaign) -> bool:
    """Bulk upload of plans from XLSX: the region's staff."""
    return perms.can_manage_region(user, campaign.region_id)


def approver_window(campaign: Campaign, unit: PlanUnit) -> tuple[Level, int]:
    """The window the approver writes in: the region's for a municipality, the reviewer's for an organization."""
    if isinstance(unit, Municipality):
        return Level.region, campaign.region_id
    return reviewer_window(campaign, unit)
