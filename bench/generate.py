"""Synthetic data for benchmarks: one region with N organizations across M municipalities, one campaign in
which every organization has an accepted submission with a value for every indicator code, and every
municipal report accepted with its frozen snapshot (so a regional consolidation has real work to do).

Rows go in with bulk SQL: multi-row INSERTs through SQLAlchemy Core (executemany, batched by the driver)
and INSERT … SELECT for the snapshots. No services run here: they are what the benchmark measures.
Call inside an app context; the caller commits.
"""
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from deadlines.models import Campaign
from deadlines.windows import default_deadlines
from hierarchy.models import Municipality, Organization, Region
from monitoring import aggregation
from monitoring.models import CampaignMember, Submission, SubmissionValue
from registry.demo.values import profile, values_for
from registry.extensions import db

#: Organizations per batch: bounds memory at the federal scale (~26 value rows each).
BATCH = 5000
#: Share of organizations reporting straight to the region (krai colleges and centres).
DIRECT_SHARE = 0.05
_TYPES = ("general",) * 7 + ("additional",) * 2 + ("vocational",)


@dataclass
class Generated:
    region: Region
    campaign: Campaign
    organizations: int
    municipalities: int
    values: int
    seconds: float


def generate(*, prefix: str, organizations: int, municipalities: int, year: int, seed: int = 1,
             timezone: str = "Asia/Vladivostok") -> Generated:
    """Create the region `prefix` and its synthetic data; return what was made. Caller commits."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC)
    region = Region(code=prefix, name=f"Синтетический регион {prefix}", timezone=timezone)
    db.session.add(region)
    db.session.flush()
    campaign = Campaign(region_id=region.id, year=year, created_at=now, **default_deadlines(year, timezone))
    db.session.add(campaign)
    db.session.flush()

    municipality_ids = db.session.scalars(
        sa.insert(Municipality).returning(Municipality.id, sort_by_parameter_order=True),
        [{"code": f"{prefix}-M{i:04d}", "name": f"Муниципалитет {i} ({prefix})", "region_id": region.id,
          "created_at": now} for i in range(1, municipalities + 1)]).all()
    values_count = 0
    for start in range(0, organizations, BATCH):
        values_count += _batch(rng, region, campaign, municipality_ids, range(start, min(start + BATCH, organizations)),
                               now)
    _analyze("municipalities", "organizations", "campaign_members", "submissions", "submission_values")
    freeze_municipal([campaign.id], now)
    accept_municipal([campaign.id], now)
    return Generated(region=region, campaign=campaign, organizations=organizations, municipalities=municipalities,
                     values=values_count, seconds=time.perf_counter() - started)


def _batch(rng: random.Random, region: Region, campaign: Campaign, municipality_ids: list[int], numbers: range,
           now: datetime) -> int:
    orgs = []
    for n in numbers:
        org_type = rng.choice(_TYPES)
        direct = rng.random() < DIRECT_SHARE
        orgs.append({"code": f"{region.code}-O{n:06d}", "name": f"Организация {n} ({region.code})",
                     "region_id": region.id, "org_type": org_type, "reports_to": "region" if direct else "municipality",
                     "location_municipality_id": rng.choice(municipality_ids), "created_at": now})
    ids = db.session.scalars(sa.insert(Organization).returning(Organization.id, sort_by_parameter_order=True),
                             orgs).all()
    db.session.execute(sa.insert(CampaignMember), [
        {"campaign_id": campaign.id, "organization_id": org_id, "org_type": org["org_type"], "added_at": now,
         "reporting_municipality_id": None if org["reports_to"] == "region" else org["location_municipality_id"]}
        for org_id, org in zip(ids, orgs, strict=True)])
    submission_ids = db.session.scalars(
        sa.insert(Submission).returning(Submission.id, sort_by_parameter_order=True),
        [{"campaign_id": campaign.id, "organization_id": org_id, "status": "accepted", "version": 3,
          "created_at": now, "updated_at": now, "submitted_at": now, "reviewed_at": now} for org_id in ids]).all()
    rows = []
    for submission_id, org in zip(submission_ids, orgs, strict=True):
        prof = profile(rng, org["org_type"], size=rng.uniform(0.3, 1.2))
        values = values_for(rng, prof, participation=rng.uniform(0.35, 0.8))
        rows.extend({"submission_id": submission_id, "code": code, "value": float(value)}
                    for code, value in values.items())
    db.session.execute(sa.insert(SubmissionValue), rows)
    return len(rows)


_IN_CAMPAIGNS = (" JOIN campaigns c ON c.region_id = m.region_id WHERE c.id IN :campaigns",
                 sa.bindparam("campaigns", expanding=True), sa.bindparam("now", type_=Campaign.created_at.type))


def freeze_municipal(campaign_ids: list[int], now: datetime) -> None:
    """Freeze one snapshot per municipality of each campaign's region, with its accepted values, all in SQL."""
    where, campaigns, when = _IN_CAMPAIGNS
    db.session.execute(sa.text(
        "INSERT INTO snapshots (campaign_id, level, unit_code, version, created_at, summary)"
        " SELECT c.id, 'municipality', m.code, 1, :now, :summary FROM municipalities m" + where)
        .bindparams(campaigns, when, sa.bindparam("summary", type_=sa.JSON)),
        {"campaigns": campaign_ids, "now": now, "summary": {"generated": "bench"}})
    _analyze("snapshots")
    db.session.execute(sa.text(
        "INSERT INTO snapshot_values (snapshot_id, organization_id, code, org_type, reporting_municipality_id, value)"
        " SELECT s.id, cm.organization_id, v.code, cm.org_type, cm.reporting_municipality_id, v.value"
        " FROM campaign_members cm"
        " JOIN submissions su ON su.campaign_id = cm.campaign_id AND su.organization_id = cm.organization_id"
        " JOIN submission_values v ON v.submission_id = su.id"
        " JOIN municipalities m ON m.id = cm.reporting_municipality_id"
        " JOIN snapshots s ON s.campaign_id = cm.campaign_id AND s.level = 'municipality' AND s.unit_code = m.code"
        " WHERE cm.campaign_id IN :campaigns AND su.status = 'accepted'").bindparams(campaigns),
        {"campaigns": campaign_ids})


def accept_municipal(campaign_ids: list[int], now: datetime) -> None:
    """Give each frozen municipal snapshot its summary and mark the municipal reports accepted."""
    where, campaigns, when = _IN_CAMPAIGNS
    # a frozen municipal summary records how many accepted organizations it holds (consolidation reads it)
    counts = db.session.execute(sa.text(
        "SELECT s.id, count(DISTINCT v.organization_id) FROM snapshots s"
        " LEFT JOIN snapshot_values v ON v.snapshot_id = s.id WHERE s.campaign_id IN :campaigns GROUP BY s.id")
        .bindparams(campaigns), {"campaigns": campaign_ids}).all()
    # …and the sums the app keeps in a frozen summary, computed by the app's own function
    db.session.execute(sa.text("UPDATE snapshots SET summary = :summary WHERE id = :id").bindparams(
        sa.bindparam("summary", type_=sa.JSON)),
        [{"id": snap_id, "summary": {"generated": "bench", "completeness": {"accepted": n},
                                     "sums": aggregation.sums(aggregation.snapshot_source([snap_id])).stored()}}
         for snap_id, n in counts])
    db.session.execute(sa.text(
        "INSERT INTO municipal_reports (campaign_id, municipality_id, status, submitted_at, reviewed_at, snapshot_id,"
        " created_at)"
        " SELECT c.id, m.id, 'accepted', :now, :now, s.id, :now FROM municipalities m"
        " JOIN snapshots s ON s.level = 'municipality' AND s.unit_code = m.code"
        + where + " AND s.campaign_id = c.id").bindparams(campaigns, when),
        {"campaigns": campaign_ids, "now": now})
    db.session.flush()


def _analyze(*tables: str) -> None:
    """Refresh planner statistics after a bulk load (PostgreSQL), or INSERT … SELECT over millions of rows
    is planned from empty-table estimates (nested loops)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(f"ANALYZE {', '.join(tables)}"))
