"""Freezing immutable snapshots with INSERT … SELECT, and reading aggregates from them."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from deadlines.models import Campaign
from hierarchy.models import Level, Municipality, Organization
from monitoring import aggregation
from monitoring.models import CampaignMember, MunicipalReport, ReportStatus, Snapshot, SnapshotValue
from monitoring.plans.targets import resolve_targets
from registry.auth.models import User
from registry.extensions import db
from registry.mentoring import yearly


def _next_version(campaign: Campaign, level: Level, unit_code: str) -> int:
    current = db.session.scalar(sa.select(sa.func.max(Snapshot.version)).where(
        Snapshot.campaign_id == campaign.id, Snapshot.level == level, Snapshot.unit_code == unit_code))
    return (current or 0) + 1


def _freeze(campaign: Campaign, level: Level, unit: dict, summed: aggregation.Sums, own_rows: sa.Select, *,
            targets: dict[str, dict], extra: dict, actor: User | None, now: datetime, source: sa.Select,
            unit_id: int | None = None) -> Snapshot:
    """Insert a snapshot with its summary (built from `summed`), then copy `own_rows` in the database.

    The summary keeps the sums themselves, so the level above adds them up instead of re-reading the rows, and
    the targets the unit was judged by with their source, so a later change of a plan does not change it;
    `source` is every row the snapshot covers (its parts' too): R9 and F2 are frozen from it and the records.
    """
    block = aggregation.indicator_block(campaign, summed, level=level, source=source, unit_id=unit_id,
                                        targets=targets)
    snapshot = Snapshot(campaign_id=campaign.id, level=level, unit_code=unit["code"], created_at=now,
                        version=_next_version(campaign, level, unit["code"]), created_by_id=getattr(actor, "id", None),
                        summary={"unit": unit, "values": block["values"], "indicators": block["indicators"],
                                 "sums": summed.stored(), "names": _names(campaign, own_rows), **extra})
    db.session.add(snapshot)
    db.session.flush()
    src = own_rows.subquery()
    db.session.execute(sa.insert(SnapshotValue).from_select(
        ["snapshot_id", "organization_id", "org_type", "reporting_municipality_id", "code", "value"],
        sa.select(sa.literal(snapshot.id), src.c.organization_id, src.c.org_type, src.c.reporting_municipality_id,
                  src.c.code, src.c.value)))
    return snapshot


def _names(campaign: Campaign, own_rows: sa.Select) -> dict:
    """The hierarchy as the forms print it, frozen with the data: a later rename must not change a filed form.

    organization id (as a JSON key) → code, name, org type and the names of its location and reporting
    municipalities, for every organization whose rows the snapshot stores itself (a regional snapshot's parts
    keep their own).
    """
    src = own_rows.subquery()
    location, reporting = aliased(Municipality), aliased(Municipality)
    rows = db.session.execute(
        sa.select(Organization.id, Organization.code, Organization.name, CampaignMember.org_type, location.name,
                  reporting.name)
        .join(CampaignMember, sa.and_(CampaignMember.organization_id == Organization.id,
                                      CampaignMember.campaign_id == campaign.id))
        .join(location, location.id == Organization.location_municipality_id)
        .outerjoin(reporting, reporting.id == CampaignMember.reporting_municipality_id)
        .where(Organization.id.in_(sa.select(src.c.organization_id).distinct())))
    return {"region": campaign.region.name, "organizations": {
        str(org_id): {"code": code, "name": name, "org_type": getattr(org_type, "value", org_type),
                      "location": location_name, "reporting": reporting_name}
        for org_id, code, name, org_type, location_name, reporting_name in rows}}


def freeze_municipal(campaign: Campaign, municipality: Municipality, *, actor: User | None, now: datetime,
                     automatic: bool = False) -> Snapshot:
    """Freeze the municipality's accepted organization data; list every member not accepted. Caller commits.

    `automatic`: made by the scheduler at the municipal deadline (no actor, the report untouched); a draft.
    """
    source = aggregation.live_source(campaign.id, municipality.id)
    return _freeze(
        campaign, Level.municipality, {"code": municipality.code, "level": "municipality", "name": municipality.name},
        aggregation.sums(source), source, targets=resolve_targets(campaign, municipality), actor=actor, now=now,
        source=source, unit_id=municipality.id,
        extra={"completeness": aggregation.completeness(campaign, now, municipality.id),
               "registry": yearly.freeze(campaign, "municipality", municipality.code,
                                         _next_version(campaign, Level.municipality, municipality.code),
                                         _members(campaign, municipality.id)),
               "missing": aggregation.not_accepted(campaign, municipality.id), **_draft(automatic)})


def freeze_region(campaign: Campaign, *, actor: User | None, now: datetime, automatic: bool = False) -> Snapshot:
    """Freeze accepted municipal reports plus accepted direct organizations, with what is missing. Caller commits.

    `automatic`: made by the scheduler at the regional deadline (no actor); the summary says it is a draft.
    """
    region = campaign.region
    reports = db.session.execute(
        sa.select(Municipality, MunicipalReport)
        .outerjoin(MunicipalReport, sa.and_(MunicipalReport.municipality_id == Municipality.id,
                                            MunicipalReport.campaign_id == campaign.id))
        .options(selectinload(MunicipalReport.snapshot))  # one query for all summaries, not one per report
        .where(Municipality.region_id == region.id).order_by(Municipality.code)).all()
    accepted = [r for _, r in reports if r is not None and r.status is ReportStatus.accepted]
    parts = [r.snapshot_id for r in accepted]
    missing = _missing_municipalities(reports) + aggregation.not_accepted(campaign, None)
    # The accepted municipal snapshots are immutable: the regional one refers to them as its parts instead of
    # copying their rows, adds up the sums their summaries keep, and stores only the region's direct
    # organizations (PRODUCT.md §3).
    direct = aggregation.live_source(campaign.id, None)
    covered = sa.union_all(aggregation.snapshot_source(parts), direct) if parts else direct
    stored = [r.snapshot.summary.get("sums") for r in accepted]
    if all(stored):
        summed = aggregation.Sums.add([*map(aggregation.Sums.from_stored, stored), aggregation.sums(direct)])
    else:  # a part frozen before summaries kept their sums: add up its rows
        summed = aggregation.sums(covered)
    completeness = aggregation.completeness(campaign, now)
    direct_accepted = aggregation.completeness(campaign, now, None)["accepted"]
    included = direct_accepted + sum(r.snapshot.summary["completeness"]["accepted"] for r in accepted)
    return _freeze(
        campaign, Level.region, {"code": region.code, "level": "region", "name": region.name}, summed, direct,
        targets=resolve_targets(campaign, region), actor=actor, now=now, source=covered,
        extra={"parts": parts, "registry": yearly.freeze(campaign, "region", region.code,
                                                         _next_version(campaign, Level.region, region.code),
                                                         _members(campaign)),
               "completeness": {**completeness, "included": included,
                                                "municipal_reports_accepted": len(accepted),
                                                "municipalities": len(reports)},
               "missing": missing, **_draft(automatic)})


def _members(campaign: Campaign, municipality_id: int | None = ...) -> sa.Select:
    """The campaign's organizations: all, or those reporting to one municipality (the yearly registry's scope)."""
    query = sa.select(CampaignMember.organization_id).where(CampaignMember.campaign_id == campaign.id)
    if municipality_id is not ...:
        query = query.where(CampaignMember.reporting_municipality_id == municipality_id)
    return query


def _missing_municipalities(reports) -> list[dict]:
    return [{"code": m.code, "name": m.name, "level": "municipality",
             "status": r.status.value if r is not None else ReportStatus.open.value}
            for m, r in reports if r is None or r.status is not ReportStatus.accepted]


def region_missing(campaign: Campaign) -> list[dict]:
    """What a consolidation now would list as missing: municipal reports and direct organizations not accepted."""
    reports = db.session.execute(
        sa.select(Municipality, MunicipalReport)
        .outerjoin(MunicipalReport, sa.and_(MunicipalReport.municipality_id == Municipality.id,
                                            MunicipalReport.campaign_id == campaign.id))
        .where(Municipality.region_id == campaign.region_id).order_by(Municipality.code)).all()
    return _missing_municipalities(reports) + aggregation.not_accepted(campaign, None)


def _draft(automatic: bool) -> dict:
    """How a summary says it was frozen by the scheduler, not submitted by a person (consolidation skips it)."""
    return {"automatic": True, "draft": True} if automatic else {}


def latest(campaign: Campaign, level: Level, unit_code: str) -> Snapshot | None:
    return db.session.scalar(sa.select(Snapshot).where(
        Snapshot.campaign_id == campaign.id, Snapshot.level == level, Snapshot.unit_code == unit_code,
    ).order_by(Snapshot.version.desc()).limit(1))


def consolidated(campaign: Campaign) -> bool:
    """Whether a person froze a regional snapshot (an automatic draft does not count)."""
    return db.session.scalar(sa.select(sa.exists().where(
        Snapshot.campaign_id == campaign.id, Snapshot.level == Level.region, Snapshot.created_by_id.is_not(None))))
