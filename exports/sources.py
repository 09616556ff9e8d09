"""Where a form's values come from (PRODUCT.md §5): the frozen snapshot when one exists, live data otherwise.

- Organization: its rows in the latest regional snapshot containing it, else in the latest municipal snapshot
  containing it, else its live submission (whatever its status) — marked preliminary.
- Municipality: its latest municipal snapshot, else the live accepted submissions — preliminary.
- Region: its latest regional snapshot, else the live accepted submissions of all members — preliminary.

The form's header comes from exports.unit_headers (names frozen by a snapshot: exports.frozen_names); the batched
reads of many organizations' values from exports.value_rows.
"""
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from deadlines.models import Campaign
from exports import frozen_names, unit_headers, value_rows
from exports.tables import Basis, UnitValues
from hierarchy.models import Level, Municipality, Organization, Region
from monitoring import aggregation, snapshots
from monitoring.indicators import FIELDS, PERCENT_CODES, SURVEY_PAIRS
from monitoring.labels import NOT_STARTED
from monitoring.models import SUBMISSION_STATUS_LABELS, CampaignMember, Snapshot, SnapshotValue
from registry.auth.models import User
from registry.core.web import format_local
from registry.extensions import db
from surveys import privacy

_LEVEL_WORDS = {Level.region: "региона", Level.municipality: "муниципалитета"}


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
    values = aggregate_values(source, campaign, viewer)
    return UnitValues(unit_headers.unit_info(unit), values, basis, consolidated=True)


def organization_values(campaign: Campaign, members: Iterable[tuple[Organization, CampaignMember]],
                        viewer: User | None = None) -> dict[int, UnitValues]:
    """organization id → UnitValues for many organizations at once (a few queries whatever their number), without
    the percentages `viewer` may not see (surveys.privacy; None: a viewer who is neither region nor curator)."""
    members = list(members)
    ids = [org.id for org, _ in members]
    chosen = value_rows.latest_snapshot_per_org(campaign, ids)
    frozen = value_rows.snapshot_rows(chosen)
    live_ids = [i for i in ids if i not in chosen]
    live, statuses = value_rows.live_rows(campaign, live_ids)
    snaps = {s.id: s for s in db.session.scalars(sa.select(Snapshot).where(Snapshot.id.in_(set(chosen.values()))))}
    names = {snap_id: frozen_names.frozen_organizations([snap_id]) for snap_id in snaps}
    tz = campaign.region.timezone
    result = {}
    for org, member in members:
        if org.id in chosen:
            basis, values = _snapshot_basis(snaps[chosen[org.id]], tz), frozen.get(org.id, {})
            info = unit_headers.organization_unit_info(org, member, names[chosen[org.id]].get(org.id))
        else:
            info = unit_headers.unit_info(org, member)
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
        return value_rows.latest_snapshot_per_org(campaign, [unit.id]).get(unit.id)
    snapshot = snapshots.latest(campaign, Level.region if isinstance(unit, Region) else Level.municipality, unit.code)
    return snapshot.id if snapshot is not None else None


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
    return SnapshotUnit(UnitValues(unit_headers.consolidated_info(unit, snapshot), values, basis, consolidated=True),
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
    names = frozen_names.frozen_organizations([snapshot.id])
    for chunk in value_rows.chunks(sorted(values)):
        rows = db.session.execute(
            sa.select(Organization, CampaignMember).outerjoin(CampaignMember, sa.and_(
                CampaignMember.organization_id == Organization.id, CampaignMember.campaign_id == campaign.id))
            .where(Organization.id.in_(chunk)))
        for org, member in rows:
            info = unit_headers.organization_unit_info(org, member, names.get(org.id))
            units.append(SnapshotUnit(UnitValues(info, values[org.id], basis, consolidated=False),
                                      snapshot.id, Level.organization))
    head = len(units) - len(values)
    return units[:head] + sorted(units[head:], key=lambda u: u.values.unit.code)
