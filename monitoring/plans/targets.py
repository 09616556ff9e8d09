"""Which target a unit is measured against (PRODUCT.md §8): its own approved plan, else the nearest approved plan
above it, else the region's target — with where it came from, so every plan-vs-fact display can say so."""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Level, Municipality, Organization, Unit
from monitoring.aggregation import targets_for
from monitoring.models import CampaignMember
from monitoring.plans.models import PLAN_CODES, Plan, PlanStatus, PlanTarget
from registry.extensions import db

#: `target_source` of the API: the unit's own plan, its municipality's plan, the region's target.
SOURCE_UNIT, SOURCE_MUNICIPALITY, SOURCE_REGION = "unit", "municipality", "region"
OWNER_LABELS = {Level.organization: "план организации", Level.municipality: "план муниципалитета",
                Level.region: "цель региона"}


def source_label(source: str | None, level: Level | str | None) -> str | None:
    """«план организации», «план муниципалитета», «цель региона» for a target of a unit of `level`."""
    if source is None:
        return None
    if source == SOURCE_UNIT:
        return OWNER_LABELS.get(Level(level)) if level else "план подразделения"
    return OWNER_LABELS[Level(source)]


def approved_targets(campaign: Campaign, level: Level, unit_id: int | None) -> dict[str, float]:
    """code → target of the unit's approved plan (empty without one)."""
    if unit_id is None:
        return {}
    return dict(db.session.execute(
        sa.select(PlanTarget.code, PlanTarget.value).join(Plan, Plan.id == PlanTarget.plan_id)
        .where(Plan.campaign_id == campaign.id, Plan.level == level, Plan.unit_id == unit_id,
               Plan.status == PlanStatus.approved)).all())


def reporting_municipality_id(campaign: Campaign, organization: Organization) -> int | None:
    """The municipality an organization reports to in this campaign (fixed with its membership)."""
    member = db.session.get(CampaignMember, (campaign.id, organization.id))
    return member.reporting_municipality_id if member is not None else organization.reporting_municipality_id


def resolve_targets(campaign: Campaign, unit: Unit) -> dict[str, dict]:
    """code → {"target", "target_source"} for every indicator of the unit (I1, F1: no target, no source)."""
    region = targets_for(campaign)
    chain: list[tuple[str, dict[str, float]]] = []
    if isinstance(unit, Organization):
        chain.append((SOURCE_UNIT, approved_targets(campaign, Level.organization, unit.id)))
        chain.append((SOURCE_MUNICIPALITY, approved_targets(campaign, Level.municipality,
                                                            reporting_municipality_id(campaign, unit))))
    elif isinstance(unit, Municipality):
        chain.append((SOURCE_UNIT, approved_targets(campaign, Level.municipality, unit.id)))
    resolved = {}
    for code, regional in region.items():
        entry = {"target": regional, "target_source": SOURCE_REGION if regional is not None else None}
        if code in PLAN_CODES:
            for source, planned in chain:
                if code in planned:
                    entry = {"target": planned[code], "target_source": source}
                    break
        resolved[code] = entry
    return resolved

