"""Queries behind the monitoring report: indicators per sub-unit, completeness and timeliness rows.

Every function reads either a frozen snapshot (when the report's unit has one) or the live accepted data,
grouping in SQL so the number of queries does not grow with the number of organizations.
"""
from datetime import datetime

import sqlalchemy as sa

from deadlines.models import Campaign
from deadlines.unit_deadline import closes_at, extended_until, is_on_time
from hierarchy.models import Level, Municipality, Organization, Region
from monitoring import aggregation, record_indicators, snapshots
from monitoring.indicators import SURVEY_PAIRS, compute_indicators
from monitoring.models import (
    CampaignMember,
    MunicipalReport,
    Snapshot,
    Submission,
    SubmissionVersion,
)
from monitoring.plans.targets import resolve_targets
from registry.auth.models import User
from registry.extensions import db
from surveys import privacy


def unit_snapshot(campaign: Campaign, unit: Region | Municipality) -> Snapshot | None:
    level = Level.region if isinstance(unit, Region) else Level.municipality
    return snapshots.latest(campaign, level, unit.code)


def unit_source(campaign: Campaign, unit: Region | Municipality, snapshot: Snapshot | None) -> sa.Select:
    if snapshot is not None:
        return aggregation.snapshot_source([snapshot.id])
    return aggregation.live_source(campaign.id, aggregation.ALL if isinstance(unit, Region) else unit.id)


def unit_indicators(campaign: Campaign, unit: Region | Municipality,
                    viewer: User | None) -> tuple[dict, Snapshot | None]:
    """{code: {"value", "target", "target_source", …}} of the unit in that campaign: frozen when a snapshot exists,
    live otherwise; R10/R11 as `viewer` may see them (surveys.privacy)."""
    snapshot = unit_snapshot(campaign, unit)
    if snapshot is not None:
        return privacy.masked_summary(viewer, campaign, snapshot).get("indicators", {}), snapshot
    source = unit_source(campaign, unit, None)
    block = aggregation.indicator_block(campaign, aggregation.sums(source), level=unit.level, source=source,
                                        unit_id=unit.id, targets=resolve_targets(campaign, unit))
    return privacy.mask_indicators(block["indicators"], privacy.hidden_in_source(viewer, campaign, source)), None


def indicators_by_group(campaign: Campaign, source: sa.Select, group: str, viewer: User | None) -> dict:
    """group key → computed indicators, with `group` a column of the source (reporting_municipality_id or
    organization_id): two GROUP BY queries for all groups together; R10/R11 as `viewer` may see them."""
    src = source.subquery("src")
    key = src.c[group]
    by_type: dict = {}
    totals: dict = {}
    for k, org_type, code, total in db.session.execute(
            sa.select(key, src.c.org_type, src.c.code, sa.func.sum(src.c.value)).group_by(key, src.c.org_type,
                                                                                           src.c.code)):
        org_type = getattr(org_type, "value", org_type)
        by_type.setdefault(k, {}).setdefault(org_type, {})[code] = float(total)
        totals.setdefault(k, {})[code] = totals.get(k, {}).get(code, 0.0) + float(total)
    pct, resp = src.alias("pct"), src.alias("resp")
    weighted: dict = {}
    for k, code, total in db.session.execute(
            sa.select(pct.c[group], pct.c.code, sa.func.sum(pct.c.value * resp.c.value))
            .join(resp, sa.and_(resp.c.organization_id == pct.c.organization_id,
                                resp.c.code == sa.case(SURVEY_PAIRS, value=pct.c.code)))
            .where(pct.c.code.in_(list(SURVEY_PAIRS))).group_by(pct.c[group], pct.c.code)):
        weighted.setdefault(k, {})[code] = float(total)
    computed = {k: compute_indicators(by_type.get(k, {}), totals[k], weighted.get(k, {}),
                                      enterprises_total=campaign.enterprises_in_region_total) for k in totals}
    # R9 and F2 read the records too, and R9 divides by each municipality's own count (PRODUCT.md §8)
    for k, results in record_indicators.by_group(campaign, source, group).items():
        if k in computed:
            computed[k].update({code: result.value for code, result in results.items()})
            computed[k]["R9_count"] = results["R9"].count
            computed[k]["R9_approximate"] = results["R9"].approximate
    if not privacy.can_see_everything(viewer, campaign):
        pools = aggregation.small_pools(source, group)
        for k in computed:
            organization_id = k if group == "organization_id" else None
            computed[k] = privacy.mask_flat(computed[k], privacy.hidden_codes(viewer, campaign, pools.get(k, {}),
                                                                              organization_id))
    return computed


def member_progress(campaign: Campaign, municipality: Municipality | None) -> list[dict]:
    """Each member (of a municipality, or all) with its submission status and first submission instant."""
    first_submit = (sa.select(SubmissionVersion.submission_id, sa.func.min(SubmissionVersion.created_at).label("at"))
                    .where(SubmissionVersion.event == "submitted").group_by(SubmissionVersion.submission_id)
                    .subquery())
    query = (
        sa.select(Organization, CampaignMember.reporting_municipality_id, Submission.status, first_submit.c.at)
        .join(CampaignMember, CampaignMember.organization_id == Organization.id)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .outerjoin(first_submit, first_submit.c.submission_id == Submission.id)
        .where(CampaignMember.campaign_id == campaign.id).order_by(Organization.code))
    if municipality is not None:
        query = query.where(CampaignMember.reporting_municipality_id == municipality.id)
    extended = extended_until(campaign, Level.organization)
    rows = []
    for org, municipality_id, status, submitted_at in db.session.execute(query):
        closes = closes_at(campaign, Level.organization, org.id, extended)
        rows.append({"org": org, "municipality_id": municipality_id, "status": status,
                     "submitted_at": submitted_at, "closes_at": closes,
                     "on_time": is_on_time(submitted_at, closes)})
    return rows


def municipal_reports(campaign: Campaign) -> list[tuple[Municipality, MunicipalReport | None]]:
    return [tuple(r) for r in db.session.execute(
        sa.select(Municipality, MunicipalReport)
        .outerjoin(MunicipalReport, sa.and_(MunicipalReport.municipality_id == Municipality.id,
                                            MunicipalReport.campaign_id == campaign.id))
        .where(Municipality.region_id == campaign.region_id).order_by(Municipality.code))]


def municipal_closes(campaign: Campaign) -> dict[int, datetime]:
    """municipality id → when its window closes (the deadline, or a later extension)."""
    extended = extended_until(campaign, Level.municipality)
    return {mid: closes_at(campaign, Level.municipality, mid, extended) for mid in extended}


def campaigns_up_to(campaign: Campaign, limit: int = 6) -> list[Campaign]:
    """The region's campaigns up to this one's year, oldest first (at most `limit`)."""
    found = db.session.scalars(sa.select(Campaign).where(Campaign.region_id == campaign.region_id,
                                                         Campaign.year <= campaign.year)
                               .order_by(Campaign.year.desc()).limit(limit))
    return sorted(found, key=lambda c: c.year)
