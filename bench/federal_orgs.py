"""The organizations of the federal dataset (bench/federal_data.py), loaded in bulk on PostgreSQL.

The same shapes as bench/generate.py (which the small benchmarks and tests use, on SQLite too), but for every
region at once: the regions, campaigns and municipalities in a few multi-row INSERTs, the organizations, campaign
members, submissions and their ≈ 26 values each with COPY (values drawn by registry.demo.values, as the demo's),
then one snapshot per municipality with its rows and accepted municipal reports in INSERT … SELECT over all the
campaigns. The value tables' keys are dropped during their load and made again after it.
"""
import random
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bench.bulk import analyze, copy, keys_dropped, say
from bench.generate import _TYPES, DIRECT_SHARE, accept_municipal, freeze_municipal
from deadlines.models import Campaign
from deadlines.windows import default_deadlines
from hierarchy.models import Municipality, Region
from registry.demo.values import profile, values_for
from registry.extensions import db

TIMEZONE = "Asia/Vladivostok"


@dataclass
class Plan:
    """Organizations `numbers` of a region (codes <region>-O<n>), in `campaign_id`, located in `municipality_ids`
    (a municipality listed twice gets twice the share)."""
    region_id: int
    region_code: str
    campaign_id: int
    municipality_ids: list[int]
    numbers: range


def regions(codes: list[str], organizations: int, municipalities: int, year: int, now: datetime) -> list[Plan]:
    """Regions `codes`, each with a campaign of `year` and `municipalities` municipalities; their plans."""
    made = [Region(code=code, name=f"Синтетический регион {code}", timezone=TIMEZONE) for code in codes]
    db.session.add_all(made)
    db.session.flush()
    campaigns = [Campaign(region_id=region.id, year=year, created_at=now, **default_deadlines(year, TIMEZONE))
                 for region in made]
    db.session.add_all(campaigns)
    db.session.flush()
    rows = db.session.execute(
        sa.insert(Municipality).returning(Municipality.id, Municipality.region_id, sort_by_parameter_order=True),
        [{"code": f"{region.code}-M{i:04d}", "name": f"Муниципалитет {i} ({region.code})", "region_id": region.id,
          "created_at": now} for region in made for i in range(1, municipalities + 1)]).all()
    by_region: dict[int, list[int]] = {}
    for municipality_id, region_id in rows:
        by_region.setdefault(region_id, []).append(municipality_id)
    return [Plan(region.id, region.code, campaign.id, by_region[region.id], range(organizations))
            for region, campaign in zip(made, campaigns, strict=True)]


def organizations(plans: list[Plan], rng: random.Random, now: datetime) -> int:
    """The plans' organizations, each a member of its campaign with an accepted submission and its values."""
    orgs, campaign_of = [], []
    for plan in plans:
        for n in plan.numbers:
            org_type = rng.choice(_TYPES)
            direct = rng.random() < DIRECT_SHARE
            orgs.append((f"{plan.region_code}-O{n:06d}", f"Организация {n} ({plan.region_code})", plan.region_id,
                         org_type, "region" if direct else "municipality", rng.choice(plan.municipality_ids), now))
            campaign_of.append(plan.campaign_id)
    with keys_dropped("organizations", "campaign_members", "submissions", "submission_values"):
        org_ids = _copied("organizations", ("code", "name", "region_id", "org_type", "reports_to",
                                            "location_municipality_id", "created_at"), orgs)
        copy("campaign_members", ("campaign_id", "organization_id", "reporting_municipality_id", "org_type",
                                  "added_at"),
             ((campaign, org_id, None if org[4] == "region" else org[5], org[3], now)
              for campaign, org_id, org in zip(campaign_of, org_ids, orgs, strict=True)))
        submission_ids = _copied("submissions", ("campaign_id", "organization_id", "status", "version", "created_at",
                                                 "updated_at", "submitted_at", "reviewed_at"),
                                 [(campaign, org_id, "accepted", 3, now, now, now, now)
                                  for campaign, org_id in zip(campaign_of, org_ids, strict=True)])
        say(f"{len(orgs)} organizations, their campaign members and submissions")
        values = copy("submission_values", ("submission_id", "code", "value"),
                      _values(rng, submission_ids, [org[3] for org in orgs]))
        say(f"{values} submission values")
    analyze("municipalities", "organizations", "campaign_members", "submissions", "submission_values")
    say("their keys and indexes made")
    return len(orgs)


def _copied(table: str, columns: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """COPY `rows` into `table`; the ids they got, in their order (the sequence numbers them as COPY reads them)."""
    after = db.session.scalar(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}"))  # noqa: S608 - fixed names
    copy(table, columns, rows)
    ids = db.session.scalars(sa.text(f"SELECT id FROM {table} WHERE id > :after ORDER BY id"),  # noqa: S608
                             {"after": after}).all()
    assert len(ids) == len(rows), (table, len(ids), len(rows))
    return ids


def _values(rng: random.Random, submission_ids: list[int], org_types: list[str]):
    for submission_id, org_type in zip(submission_ids, org_types, strict=True):
        prof = profile(rng, org_type, size=rng.uniform(0.3, 1.2))
        for code, value in values_for(rng, prof, participation=rng.uniform(0.35, 0.8)).items():
            yield submission_id, code, float(value)


def municipal_reports(campaign_ids: list[int], now: datetime) -> None:
    """A frozen snapshot and an accepted municipal report for every municipality of the campaigns' regions."""
    with keys_dropped("snapshot_values"):
        freeze_municipal(campaign_ids, now)
    analyze("snapshots", "snapshot_values")
    say("municipal snapshots frozen")
    accept_municipal(campaign_ids, now)
    say("municipal summaries and reports")
