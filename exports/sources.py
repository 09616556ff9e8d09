"""Where a form's values come from (PRODUCT.md §5): the frozen snapshot when one exists, live data otherwise.

- Organization: its rows in the latest regional snapshot containing it, else in the latest municipal snapshot
  containing it, else its live submission (whatever its status) — marked preliminary.
- Municipality: its latest municipal snapshot, else the live accepted submissions — preliminary.
- Region: its latest regional snapshot, else the live accepted submissions of all members — preliminary.
"""
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from deadlines.models import Campaign
from exports.tables import Basis, UnitInfo, UnitValues
from hierarchy.models import ORG_TYPE_LABELS, Level, Municipality, Organization, OrgType, Region
from monitoring import aggregation, snapshots
from monitoring.indicators import FIELDS, PERCENT_CODES, SURVEY_PAIRS
from monitoring.labels import NOT_STARTED
from monitoring.models import (
    SUBMISSION_STATUS_LABELS,
    CampaignMember,
    Snapshot,
    SnapshotValue,
    Submission,
    SubmissionValue,
)
from registry.auth.models import User
from registry.core.web import format_local
from registry.extensions import db
from surveys import privacy

#: Bound parameters per IN list: well under SQLite's limit and PostgreSQL's comfort zone.
CHUNK = 900
_LEVEL_WORDS = {Level.region: "региона", Level.municipality: "муниципалитета"}


def unit_info(unit: Region | Municipality | Organization, member: CampaignMember | None = None) -> UnitInfo:
    """The unit's name, code and the requisites printed in a form's header, from the live hierarchy."""
    if isinstance(unit, Region):
        return _region_info(unit.code, unit.name)
    if isinstance(unit, Municipality):
        return _municipality_info(unit.code, unit.name, unit.region.name)
    parent = member.reporting_municipality if member is not None else None
    org_type = member.org_type if member is not None else unit.org_type
    return _organization_info(unit.code, unit.name, org_type, unit.location.name,
                              parent.name if parent is not None else None, unit.region.name)


def _region_info(code: str, name: str) -> UnitInfo:
    return UnitInfo(code, "region", name, (("Субъект Российской Федерации", name), ("Код субъекта", code)))


def _municipality_info(code: str, name: str, region: str) -> UnitInfo:
    return UnitInfo(code, "municipality", name, (
        ("Муниципальное образование", name), ("Код в реестре", code), ("Субъект Российской Федерации", region)))


def _organization_info(code: str, name: str, org_type, location: str, reporting: str | None,
                       region: str) -> UnitInfo:
    reviewer = reporting if reporting is not None else "региональный оператор (организация регионального подчинения)"
    return UnitInfo(code, "organization", name, (
        ("Наименование организации", name), ("Код в реестре", code),
        ("Тип организации", ORG_TYPE_LABELS[OrgType(getattr(org_type, "value", org_type))]),
        ("Место нахождения", location), ("Представляет отчёт", reviewer), ("Субъект Российской Федерации", region)))


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


def _organization_unit_info(org: Organization, member: CampaignMember | None, frozen: dict | None) -> UnitInfo:
    """The organization's header as frozen when known, else (a snapshot older than frozen names) the live one."""
    if frozen is None:
        return unit_info(org, member)
    return _organization_info(frozen["code"], frozen["name"], frozen["org_type"], frozen["location"],
                              frozen["reporting"], frozen["region"])


def consolidated_info(unit: Region | Municipality, snapshot: Snapshot) -> UnitInfo:
    """The snapshot's own unit under the names it had when frozen (a later rename does not rewrite the form);
    the live region's name for a municipal snapshot frozen before names were kept."""
    summary = snapshot.summary or {}
    name = summary.get("unit", {}).get("name") or unit.name
    if isinstance(unit, Region):
        return _region_info(unit.code, name)
    return _municipality_info(unit.code, name, (summary.get("names") or {}).get("region") or unit.region.name)


def _snapshot_basis(snapshot: Snapshot, tz: str) -> Basis:
    return Basis(preliminary=False, snapshot_id=snapshot.id, snapshot_version=snapshot.version,
                 snapshot_level=snapshot.level.value, snapshot_unit=snapshot.unit_code, frozen_at=snapshot.created_at,
                 description=f"Зафиксированный срез {_LEVEL_WORDS[snapshot.level]} {snapshot.unit_code} "
                             f"№ {snapshot.id} (версия {snapshot.version}) от {format_local(snapshot.created_at, tz)}")


def _live_basis(description: str) -> Basis:
    return Basis(preliminary=True, description=description)


def aggregate_values(source: sa.Select, campaign: Campaign, viewer: User | None = None) -> dict[str, float]:
    """Sums of counts (0 where nobody reported) and respondent-weighted means of percentages, without the means
    `viewer` may not see (surveys.privacy; None: a viewer who is neither region nor curator)."""
    _, totals, weighted = aggregation.sums(source)
    values = {f.code: totals.get(f.code, 0.0) for f in FIELDS if f.code not in PERCENT_CODES}
    hidden = privacy.hidden_in_source(viewer, campaign, source)
    for pct, respondents in SURVEY_PAIRS.items():
        if values.get(respondents) and pct not in hidden:
            values[pct] = weighted.get(pct, 0.0) / values[respondents]
    return values


def consolidated_values(campaign: Campaign, unit: Region | Municipality, viewer: User | None = None) -> UnitValues:
    """The consolidated input of a municipality's or the region's form, as `viewer` may see it."""
    level = Level.region if isinstance(unit, Region) else Level.municipality
    snapshot = snapshots.latest(campaign, level, unit.code)
    if snapshot is not None:
        return _consolidated_unit(campaign, unit, snapshot, viewer).values
    scope = aggregation.ALL if level is Level.region else unit.id
    source = aggregation.live_source(campaign.id, scope)
    basis = _live_basis("Предварительные данные: срез не зафиксирован, суммы по принятым на сейчас отчётам")
    return UnitValues(unit_info(unit), aggregate_values(source, campaign, viewer), basis, consolidated=True)


def organization_values(campaign: Campaign, members: Iterable[tuple[Organization, CampaignMember]],
                        viewer: User | None = None) -> dict[int, UnitValues]:
    """organization id → UnitValues for many organizations at once (a few queries whatever their number), without
    the percentages `viewer` may not see (surveys.privacy; None: a viewer who is neither region nor curator)."""
    members = list(members)
    ids = [org.id for org, _ in members]
    chosen = _latest_snapshot_per_org(campaign, ids)
    frozen = _snapshot_rows(chosen)
    live_ids = [i for i in ids if i not in chosen]
    live, statuses = _live_rows(campaign, live_ids)
    snaps = {s.id: s for s in db.session.scalars(sa.select(Snapshot).where(Snapshot.id.in_(set(chosen.values()))))}
    names = {snap_id: frozen_organizations([snap_id]) for snap_id in snaps}
    tz = campaign.region.timezone
    result = {}
    for org, member in members:
        if org.id in chosen:
            basis, values = _snapshot_basis(snaps[chosen[org.id]], tz), frozen.get(org.id, {})
            info = _organization_unit_info(org, member, names[chosen[org.id]].get(org.id))
        else:
            info = unit_info(org, member)
            status = statuses.get(org.id)
            label = SUBMISSION_STATUS_LABELS[status] if status is not None else NOT_STARTED
            basis = _live_basis(f"Предварительные данные: в зафиксированных срезах организации нет, "
                                f"текущий отчёт (состояние: {label})")
            values = live.get(org.id, {})
        hidden = privacy.hidden_codes(viewer, campaign, privacy.small_of_values(values), org.id)
        result[org.id] = UnitValues(info, privacy.mask_values(values, hidden), basis, consolidated=False)
    return result


def basis_snapshot_id(campaign: Campaign, unit: Region | Municipality | Organization) -> int | None:
    """The snapshot a unit's form is read from now (as above), or None while it has only live data."""
    if isinstance(unit, Organization):
        return _latest_snapshot_per_org(campaign, [unit.id]).get(unit.id)
    snapshot = snapshots.latest(campaign, Level.region if isinstance(unit, Region) else Level.municipality, unit.code)
    return snapshot.id if snapshot is not None else None


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _latest_snapshot_per_org(campaign: Campaign, ids: list[int]) -> dict[int, int]:
    """organization id → the snapshot to read: the latest regional one containing it, else the latest municipal."""
    best: dict[int, tuple] = {}
    regional_of: dict[int, list[tuple[int, int]]] = {}
    for r_id, r_version, summary in db.session.execute(sa.select(Snapshot.id, Snapshot.version, Snapshot.summary).where(
            Snapshot.campaign_id == campaign.id, Snapshot.level == Level.region)):
        for part in (summary or {}).get("parts", []):
            regional_of.setdefault(part, []).append((r_id, r_version))
    for chunk in _chunks(ids):
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


def _snapshot_rows(chosen: dict[int, int]) -> dict[int, dict[str, float]]:
    by_snapshot: dict[int, list[int]] = {}
    for org_id, snap_id in chosen.items():
        by_snapshot.setdefault(snap_id, []).append(org_id)
    values: dict[int, dict[str, float]] = {}
    for snap_id, org_ids in by_snapshot.items():
        for chunk in _chunks(org_ids):
            rows = db.session.execute(sa.select(SnapshotValue.organization_id, SnapshotValue.code, SnapshotValue.value)
                                      .where(SnapshotValue.snapshot_id.in_(aggregation.with_parts([snap_id])),
                                             SnapshotValue.organization_id.in_(chunk)))
            for org_id, code, value in rows:
                values.setdefault(org_id, {})[code] = value
    return values


def _live_rows(campaign: Campaign, ids: list[int]) -> tuple[dict[int, dict[str, float]], dict]:
    values: dict[int, dict[str, float]] = {}
    statuses = {}
    for chunk in _chunks(ids):
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


def members_of(campaign: Campaign, municipality: Municipality | None = None) -> list[tuple]:
    """(organization, membership) of the campaign — of one municipality, or all — ordered by code."""
    query = (sa.select(Organization, CampaignMember)
             .join(CampaignMember, CampaignMember.organization_id == Organization.id)
             .where(CampaignMember.campaign_id == campaign.id).order_by(Organization.code))
    if municipality is not None:
        query = query.where(CampaignMember.reporting_municipality_id == municipality.id)
    return [tuple(row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class SnapshotUnit:
    """One form a frozen snapshot yields: its input and the snapshot its values were read from."""

    values: UnitValues
    basis_snapshot_id: int
    level: Level


def _consolidated_unit(campaign: Campaign, unit: Region | Municipality, snapshot: Snapshot,
                       viewer: User | None = None) -> SnapshotUnit:
    values = aggregate_values(aggregation.snapshot_source([snapshot.id]), campaign, viewer)
    basis = _snapshot_basis(snapshot, campaign.region.timezone)
    return SnapshotUnit(UnitValues(consolidated_info(unit, snapshot), values, basis, consolidated=True),
                        snapshot.id, snapshot.level)


def snapshot_units(campaign: Campaign, snapshot: Snapshot) -> list[SnapshotUnit]:
    """Every form a snapshot yields, read from it alone: its own unit, the municipal parts of a regional snapshot,
    then each organization it holds (by code). The same snapshot always gives the same list."""
    region = campaign.region
    if snapshot.level is Level.region:
        units = [_consolidated_unit(campaign, region, snapshot)]
        parts = db.session.scalars(sa.select(Snapshot).where(Snapshot.id.in_(snapshot.summary.get("parts", []))))
        municipalities = {m.code: m for m in region.municipalities}
        units += sorted((_consolidated_unit(campaign, municipalities[p.unit_code], p) for p in parts
                         if p.unit_code in municipalities), key=lambda u: u.values.unit.code)
    else:
        municipality = db.session.scalar(sa.select(Municipality).where(
            Municipality.region_id == region.id, Municipality.code == snapshot.unit_code))
        units = [_consolidated_unit(campaign, municipality, snapshot)]
    values: dict[int, dict[str, float]] = {}
    for org_id, code, value in db.session.execute(
            sa.select(SnapshotValue.organization_id, SnapshotValue.code, SnapshotValue.value)
            .where(SnapshotValue.snapshot_id.in_(aggregation.with_parts([snapshot.id])))):
        values.setdefault(org_id, {})[code] = value
    basis = _snapshot_basis(snapshot, region.timezone)
    names = frozen_organizations([snapshot.id])
    for chunk in _chunks(sorted(values)):
        rows = db.session.execute(
            sa.select(Organization, CampaignMember).outerjoin(CampaignMember, sa.and_(
                CampaignMember.organization_id == Organization.id, CampaignMember.campaign_id == campaign.id))
            .where(Organization.id.in_(chunk)))
        for org, member in rows:
            info = _organization_unit_info(org, member, names.get(org.id))
            units.append(SnapshotUnit(UnitValues(info, values[org.id], basis, consolidated=False),
                                      snapshot.id, Level.organization))
    head = len(units) - len(values)
    return units[:head] + sorted(units[head:], key=lambda u: u.values.unit.code)
