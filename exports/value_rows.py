"""Organizations' values read in batches (a few queries whatever their number): which snapshot each organization's
form is read from, the values frozen there, and the live submissions of those without one."""
import sqlalchemy as sa

from deadlines.models import Campaign
from hierarchy.models import Level
from monitoring import aggregation
from monitoring.models import Snapshot, SnapshotValue, Submission, SubmissionValue
from registry.extensions import db

#: Bound parameters per IN list: well under SQLite's limit and PostgreSQL's comfort zone.
CHUNK = 900


def chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def latest_snapshot_per_org(campaign: Campaign, ids: list[int]) -> dict[int, int]:
    """organization id → the snapshot to read: the latest regional one containing it, else the latest municipal."""
    best: dict[int, tuple] = {}
    regional_of: dict[int, list[tuple[int, int]]] = {}
    for r_id, r_version, summary in db.session.execute(sa.select(Snapshot.id, Snapshot.version, Snapshot.summary).where(
            Snapshot.campaign_id == campaign.id, Snapshot.level == Level.region)):
        for part in (summary or {}).get("parts", []):
            regional_of.setdefault(part, []).append((r_id, r_version))
    for chunk in chunks(ids):
        rows = db.session.execute(
            sa.select(SnapshotValue.organization_id, Snapshot.id, Snapshot.level, Snapshot.version)
            .join(Snapshot, Snapshot.id == SnapshotValue.snapshot_id)
            .where(Snapshot.campaign_id == campaign.id, SnapshotValue.organization_id.in_(chunk))
            .group_by(SnapshotValue.organization_id, Snapshot.id, Snapshot.level, Snapshot.version))
        for org_id, snap_id, level, version in rows:
            candidates = [((Level(level) is Level.region, version, snap_id), snap_id)]
            # a regional snapshot contains the organizations of the municipal snapshots it is made of
            candidates += [((True, r_version, r_id), r_id) for r_id, r_version in regional_of.get(snap_id, [])]
            for rank, chosen_id in candidates:
                if org_id not in best or rank > best[org_id][0]:
                    best[org_id] = (rank, chosen_id)
    return {org_id: snap_id for org_id, (_, snap_id) in best.items()}


def snapshot_rows(chosen: dict[int, int]) -> dict[int, dict[str, float]]:
    by_snapshot: dict[int, list[int]] = {}
    for org_id, snap_id in chosen.items():
        by_snapshot.setdefault(snap_id, []).append(org_id)
    values: dict[int, dict[str, float]] = {}
    for snap_id, org_ids in by_snapshot.items():
        for chunk in chunks(org_ids):
            rows = db.session.execute(sa.select(SnapshotValue.organization_id, SnapshotValue.code, SnapshotValue.value)
                                      .where(SnapshotValue.snapshot_id.in_(aggregation.with_parts([snap_id])),
                                             SnapshotValue.organization_id.in_(chunk)))
            for org_id, code, value in rows:
                values.setdefault(org_id, {})[code] = value
    return values


def live_rows(campaign: Campaign, ids: list[int]) -> tuple[dict[int, dict[str, float]], dict]:
    values: dict[int, dict[str, float]] = {}
    statuses = {}
    for chunk in chunks(ids):
        for org_id, status in db.session.execute(sa.select(Submission.organization_id, Submission.status).where(
                Submission.campaign_id == campaign.id, Submission.organization_id.in_(chunk))):
            statuses[org_id] = status
        rows = db.session.execute(
            sa.select(Submission.organization_id, SubmissionValue.code, SubmissionValue.value)
            .join(SubmissionValue, SubmissionValue.submission_id == Submission.id)
            .where(Submission.campaign_id == campaign.id, Submission.organization_id.in_(chunk)))
        for org_id, code, value in rows:
            values.setdefault(org_id, {})[code] = value
    return values, statuses
