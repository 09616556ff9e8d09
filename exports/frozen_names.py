"""The names a snapshot froze: of the organizations it holds, of the municipal snapshots a regional one is made of,
and those municipal snapshots' summaries (read by the forms and the monitoring report of a frozen campaign)."""
import sqlalchemy as sa

from monitoring import aggregation
from monitoring.models import Snapshot
from registry.extensions import db


def frozen_organizations(snapshot_ids: list[int]) -> dict[int, dict]:
    """organization id → its names as frozen in these snapshots or their parts (with the region's name of the
    snapshot that froze it); organizations of snapshots frozen before names were kept are absent."""
    found: dict[int, dict] = {}
    summaries = db.session.execute(sa.select(Snapshot.summary).where(
        Snapshot.id.in_(aggregation.with_parts(snapshot_ids))).order_by(Snapshot.id)).scalars()
    for summary in summaries:  # parts are older than the snapshots made of them: the latest freeze wins
        names = (summary or {}).get("names") or {}
        for org_id, frozen in names.get("organizations", {}).items():
            found[int(org_id)] = {**frozen, "region": names["region"]}
    return found


def frozen_municipalities(snapshot: Snapshot) -> dict[str, str]:
    """municipality code → its name as frozen in the municipal snapshots a regional one is made of."""
    rows = db.session.execute(sa.select(Snapshot.unit_code, Snapshot.summary).where(
        Snapshot.id.in_((snapshot.summary or {}).get("parts", []))))
    return {code: name for code, summary in rows if (name := (summary or {}).get("unit", {}).get("name"))}


def frozen_summaries(snapshot: Snapshot) -> dict[str, dict]:
    """municipality code → the summary of its municipal snapshot a regional one is made of (its targets too)."""
    rows = db.session.execute(sa.select(Snapshot.unit_code, Snapshot.summary).where(
        Snapshot.id.in_((snapshot.summary or {}).get("parts", []))))
    return {code: summary or {} for code, summary in rows}
