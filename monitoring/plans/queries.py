"""Read helpers for dashboards: which units below have an approved plan, which wait for approval, which have none."""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Level, Municipality, Organization
from monitoring.models import CampaignMember
from monitoring.plans.models import Plan, PlanStatus
from registry.extensions import db

GROUPS = (("approved", "План утверждён"), ("waiting", "Ждут утверждения"), ("none", "Нет утверждённого плана"))


def _statuses(campaign: Campaign, level: Level, ids: list[int]) -> dict[int, PlanStatus]:
    return dict(db.session.execute(sa.select(Plan.unit_id, Plan.status).where(
        Plan.campaign_id == campaign.id, Plan.level == level, Plan.unit_id.in_(ids))).all()) if ids else {}


def _board(units: list, statuses: dict[int, PlanStatus]) -> dict:
    groups: dict[str, list] = {key: [] for key, _ in GROUPS}
    for unit in units:
        status = statuses.get(unit.id)
        key = ("approved" if status is PlanStatus.approved else "waiting" if status is PlanStatus.submitted
               else "none")
        groups[key].append({"unit": unit, "status": status.value if status else None})
    return {"groups": [(key, label, groups[key]) for key, label in GROUPS], "total": len(units)}


def municipal_plans(campaign: Campaign) -> dict:
    """The region's municipalities grouped by the state of their plans."""
    units = list(db.session.scalars(sa.select(Municipality).where(Municipality.region_id == campaign.region_id)
                                    .order_by(Municipality.name)))
    return _board(units, _statuses(campaign, Level.municipality, [u.id for u in units]))


def organization_plans(campaign: Campaign, municipality: Municipality) -> dict:
    """The organizations reporting to a municipality in the campaign, grouped by the state of their plans."""
    units = list(db.session.scalars(
        sa.select(Organization).join(CampaignMember, CampaignMember.organization_id == Organization.id)
        .where(CampaignMember.campaign_id == campaign.id, CampaignMember.reporting_municipality_id == municipality.id)
        .order_by(Organization.name)))
    return _board(units, _statuses(campaign, Level.organization, [u.id for u in units]))
