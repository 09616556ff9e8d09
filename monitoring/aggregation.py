"""Aggregates in SQL: sums by organization type and code, survey means, completeness (PRODUCT.md §4).

A *source* is any SELECT yielding (organization_id, org_type, reporting_municipality_id, code, value):
the live accepted submissions of a campaign, or the frozen rows of a snapshot. Every aggregate is a
GROUP BY over a source, so the same code serves live dashboards and frozen snapshots.
"""
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from deadlines.models import Campaign, Extension
from deadlines.unit_deadline import sent_late
from hierarchy.models import Level, Organization
from monitoring import record_indicators
from monitoring.indicators import INDICATORS, PERCENT_CODES, SURVEY_PAIRS, compute_indicators, default_target
from monitoring.models import (
    CampaignMember,
    IndicatorTarget,
    Snapshot,
    SnapshotValue,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from registry.extensions import db

#: Pass as `municipality_id` to select every member of the campaign.
ALL = object()


def live_source(campaign_id: int, municipality_id=ALL) -> sa.Select:
    """Accepted values of campaign members; `municipality_id=None` selects the region's direct organizations."""
    query = (
        sa.select(CampaignMember.organization_id, CampaignMember.org_type, CampaignMember.reporting_municipality_id,
                  SubmissionValue.code, SubmissionValue.value)
        .join(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                  Submission.organization_id == CampaignMember.organization_id))
        .join(SubmissionValue, SubmissionValue.submission_id == Submission.id)
        .where(CampaignMember.campaign_id == campaign_id, Submission.status == SubmissionStatus.accepted)
    )
    return _in_municipality(query, CampaignMember.reporting_municipality_id, municipality_id)


def snapshot_source(snapshot_ids: list[int], municipality_id=ALL) -> sa.Select:
    """Frozen rows of snapshots, including the municipal snapshots a regional one is made of (its "parts")."""
    ids = with_parts(snapshot_ids)
    query = sa.select(SnapshotValue.organization_id, SnapshotValue.org_type, SnapshotValue.reporting_municipality_id,
                      SnapshotValue.code, SnapshotValue.value).where(SnapshotValue.snapshot_id.in_(ids))
    return _in_municipality(query, SnapshotValue.reporting_municipality_id, municipality_id)


def with_parts(snapshot_ids: list[int]) -> list[int]:
    """The snapshots themselves plus those they refer to as parts (a regional snapshot's municipal ones)."""
    summaries = db.session.execute(sa.select(Snapshot.summary).where(Snapshot.id.in_(snapshot_ids))).scalars()
    parts = {part for summary in summaries for part in (summary or {}).get("parts", [])}
    return sorted(set(snapshot_ids) | parts)


def _in_municipality(query: sa.Select, column, municipality_id) -> sa.Select:
    if municipality_id is ALL:
        return query
    if municipality_id is None:
        return query.where(column.is_(None))
    return query.where(column == municipality_id)


class Sums(NamedTuple):
    """Sums by org type, totals, and Σ pct × respondents per survey: everything indicators are computed from."""
    by_type: dict[str, dict[str, float]]
    totals: dict[str, float]
    weighted: dict[str, float]

    def stored(self) -> dict:
        """The JSON a frozen summary keeps, so a higher level adds it up instead of re-reading the rows."""
        return {"by_type": self.by_type, "weighted": self.weighted}

    @classmethod
    def add(cls, parts: list["Sums"]) -> "Sums":
        by_type: dict[str, dict[str, float]] = {}
        weighted: dict[str, float] = {}
        for part in parts:
            for org_type, values in part.by_type.items():
                into = by_type.setdefault(org_type, {})
                for code, value in values.items():
                    into[code] = into.get(code, 0.0) + value
            for code, value in part.weighted.items():
                weighted[code] = weighted.get(code, 0.0) + value
        totals: dict[str, float] = {}
        for values in by_type.values():
            for code, value in values.items():
                totals[code] = totals.get(code, 0.0) + value
        return cls(by_type, totals, weighted)

    @classmethod
    def from_stored(cls, stored: dict) -> "Sums":
        return cls.add([cls(stored["by_type"], {}, stored["weighted"])])


def sums(source: sa.Select, survey: list[dict] | None = None, by_type_rows: list[tuple] | None = None) -> Sums:
    """Sums by org type, totals, Σ pct × respondents per survey of one source — two GROUP BY queries; none when the
    caller already has the source's `survey_rows` and its (org type, code, sum) rows
    (record_indicators.org_facts_and_sums), one when it has either."""
    if by_type_rows is None:
        src = source.subquery("src")
        by_type_rows = db.session.execute(
            sa.select(src.c.org_type, src.c.code, sa.func.sum(src.c.value)).group_by(src.c.org_type, src.c.code))
    by_type: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for org_type, code, total in by_type_rows:
        org_type = getattr(org_type, "value", org_type)
        by_type.setdefault(org_type, {})[code] = float(total)
        totals[code] = totals.get(code, 0.0) + float(total)
    survey = survey_rows(source) if survey is None else survey
    weighted: dict[str, float] = {}
    for pct, resp in SURVEY_PAIRS.items():
        products = [row[pct] * row[resp] for row in survey if row[pct] is not None and row[resp] is not None]
        if products:
            weighted[pct] = float(sum(products))
    return Sums(by_type, totals, weighted)


def survey_rows(source: sa.Select, group: str | None = None) -> list[dict]:
    """Per organization of the source, its survey percentages and respondents ({code: value or None}), and its
    `group` column when given. Survey means weight each organization's percentage by its respondents: only the
    four survey codes are pivoted per organization (a self-join over all values costs more at scale)."""
    src = source.subquery("src")
    codes = [*SURVEY_PAIRS, *SURVEY_PAIRS.values()]
    keys = [src.c[group]] if group else []
    per_org = (sa.select(*keys, *(sa.func.max(src.c.value).filter(src.c.code == code) for code in codes))
               .where(src.c.code.in_(codes)).group_by(*keys, src.c.organization_id))
    return [dict(zip([group, *codes] if group else codes, row, strict=True))
            for row in db.session.execute(per_org)]


def small_pools(source: sa.Select, group: str | None = None, survey: list[dict] | None = None) -> dict:
    """Respondents of the organizations under surveys.privacy.MIN_SHOWN respondents, pooled per survey
    percentage: {pct code: n}, or {group key: {pct code: n}} with `group` a column of the source — one query,
    none when the caller already has the source's `survey_rows` (ungrouped).
    What the under-5 rule (surveys.privacy) decides a mean's visibility by."""
    from surveys.privacy import small_respondents

    rows = survey_rows(source, group) if survey is None else survey
    pools: dict = {}
    for row in rows:
        into = pools.setdefault(row[group], {}) if group else pools
        for pct, resp in SURVEY_PAIRS.items():
            into[pct] = into.get(pct, 0.0) + float(small_respondents(row[resp]))
    return pools if group else {pct: pools.get(pct, 0.0) for pct in SURVEY_PAIRS}


def targets_for(campaign: Campaign) -> dict[str, float | None]:
    """The campaign's targets: the region's own where set, the built-in trajectory otherwise."""
    own = dict(db.session.execute(sa.select(IndicatorTarget.code, IndicatorTarget.value)
                                  .where(IndicatorTarget.campaign_id == campaign.id)).all())
    return {i.code: own.get(i.code, default_target(i.code, campaign.year)) for i in INDICATORS}


def region_targets(campaign: Campaign) -> dict[str, dict]:
    """code → {"target", "target_source"} when every unit is measured against the region's targets."""
    return {code: {"target": value, "target_source": None if value is None else "region"}
            for code, value in targets_for(campaign).items()}


def indicator_block(campaign: Campaign, summed: Sums, *, level: Level, source: sa.Select,
                    unit_id: int | None = None, targets: dict[str, dict] | None = None,
                    facts: dict | None = None) -> dict:
    """Values, indicators with targets, from the sums of a source; R9 and F2 also read the records of the
    source's organizations (monitoring.record_indicators). `unit_id`: the municipality's, for its R9.

    `targets`: code → {"target", "target_source"} the unit is judged by (monitoring.plans.targets.resolve_targets);
    the region's targets when not given. `facts`: the source's record_indicators.org_facts when already read.
    """
    by_type, totals, weighted = summed
    values = compute_indicators(by_type, totals, weighted, enterprises_total=campaign.enterprises_in_region_total)
    targets = targets if targets is not None else region_targets(campaign)
    indicators = {code: {"value": value, **targets.get(code, {"target": None, "target_source": None}),
                         "approximate": False, "reason": None}
                  for code, value in values.items()}
    for code, result in record_indicators.evaluate(campaign, source, level, unit_id, facts).items():
        indicators[code].update(value=result.value, approximate=result.approximate, reason=result.reason)
        if code == "R9":
            indicators[code].update(count=result.count, possibly_double_counted=result.approximate)
    # percentages are means, not sums: they appear only as the weighted R10/R11
    sums_only = {code: _number(v) for code, v in sorted(totals.items()) if code not in PERCENT_CODES}
    return {"values": sums_only, "by_type": by_type,
            "indicators": indicators}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def overdue_clause(campaign: Campaign, now: datetime) -> sa.ColumnElement:
    """A member (outer-joined to its Submission) that has not submitted though its window has closed."""
    status = Submission.status
    not_submitted = sa.or_(status.is_(None), status.in_([SubmissionStatus.draft, SubmissionStatus.returned]))
    extended = (sa.select(Extension.id).where(
        Extension.campaign_id == campaign.id, Extension.level == Level.organization,
        Extension.unit_id == CampaignMember.organization_id, Extension.revoked_at.is_(None), Extension.until > now,
    ).exists())
    return sa.and_(not_submitted, ~extended) if now >= campaign.organization_deadline else sa.false()


def completeness(campaign: Campaign, now: datetime, municipality_id=ALL) -> dict[str, int]:
    """Expected / submitted / accepted / overdue organizations among campaign members, in one query.

    Timeliness of the submitted ones: `late` were submitted after their window closed (the deadline, or the end of
    the unit's extension: deadlines.unit_deadline), `on_time` no later; on_time + late == submitted.
    """
    status = Submission.status
    submitted_now = status.in_([SubmissionStatus.submitted, SubmissionStatus.accepted])
    late_flag = sa.and_(submitted_now, sent_late(campaign, Level.organization, CampaignMember.organization_id,
                                                 Submission.submitted_at))
    overdue = overdue_clause(campaign, now)
    query = (
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((submitted_now, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((status == SubmissionStatus.accepted, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((overdue, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((late_flag, 1), else_=0)), 0),
        )
        .select_from(CampaignMember)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .where(CampaignMember.campaign_id == campaign.id)
    )
    query = _in_municipality(query, CampaignMember.reporting_municipality_id, municipality_id)
    expected, submitted, accepted, overdue_count, late = db.session.execute(query).one()
    return {"expected": expected, "submitted": int(submitted), "accepted": int(accepted),
            "overdue": int(overdue_count), "on_time": int(submitted) - int(late), "late": int(late)}


def not_accepted(campaign: Campaign, municipality_id=ALL) -> list[dict]:
    """Members whose submission is not accepted: the 'missing' list of a snapshot (never silently dropped)."""
    query = (
        sa.select(Organization.code, Organization.name, Submission.status)
        .select_from(CampaignMember)
        .join(Organization, Organization.id == CampaignMember.organization_id)
        .outerjoin(Submission, sa.and_(Submission.campaign_id == CampaignMember.campaign_id,
                                       Submission.organization_id == CampaignMember.organization_id))
        .where(CampaignMember.campaign_id == campaign.id,
               sa.or_(Submission.status.is_(None), Submission.status != SubmissionStatus.accepted))
        .order_by(Organization.code)
    )
    query = _in_municipality(query, CampaignMember.reporting_municipality_id, municipality_id)
    return [{"code": code, "name": name, "level": "organization",
             "status": getattr(status, "value", status) or SubmissionStatus.draft.value}
            for code, name, status in db.session.execute(query)]
