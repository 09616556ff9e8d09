"""When one unit's window closes: its level's deadline or the end of its latest extension, whichever is later.

The one deadline «в срок / с опозданием» is judged by (monitoring.labels) — on the dashboard's matrix, in the
completeness of the aggregates and in the monitoring report: a unit sent on time if it sent no later than this
instant. A revoked extension does not count (it never kept the window open for the unit as granted).
"""
from datetime import UTC, datetime

import sqlalchemy as sa

from deadlines.models import Campaign, Extension
from hierarchy.models import Level
from registry.extensions import db


def _aware(value: datetime) -> datetime:
    """Aggregates (max) bypass the UTC column type on SQLite; give them back their UTC zone."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def extended_until(campaign: Campaign, level: Level) -> dict[int, datetime]:
    """unit id → the latest end of its extensions (not revoked), for the units of a level that have one."""
    return {unit_id: _aware(until) for unit_id, until in db.session.execute(
        sa.select(Extension.unit_id, sa.func.max(Extension.until))
        .where(Extension.campaign_id == campaign.id, Extension.level == level, Extension.revoked_at.is_(None))
        .group_by(Extension.unit_id))}


def closes_at(campaign: Campaign, level: Level, unit_id: int, extended: dict[int, datetime] | None = None) -> datetime:
    """The instant the unit's window closes, its extension included; `extended` (extended_until) saves a query
    per unit in a list."""
    until = (extended if extended is not None else extended_until(campaign, level)).get(unit_id)
    deadline = campaign.deadline_of(level)
    return max(deadline, until) if until is not None else deadline


def is_on_time(submitted_at: datetime | None, closes_at: datetime) -> bool | None:
    """None when not sent; else whether it was sent before the unit's window (with its extension) closed."""
    if submitted_at is None:
        return None
    if submitted_at.tzinfo is None:  # SQLite hands back naive UTC
        submitted_at = submitted_at.replace(tzinfo=UTC)
    return submitted_at <= closes_at


def sent_late(campaign: Campaign, level: Level, unit_id, sent_at) -> sa.ColumnElement[bool]:
    """SQL: sent (`sent_at` not NULL) after the unit's closing instant — the same rule as closes_at, for counts in
    one query (`unit_id` and `sent_at` are columns of the enclosing query)."""
    extension_covers = (sa.select(Extension.id).where(
        Extension.campaign_id == campaign.id, Extension.level == level, Extension.unit_id == unit_id,
        Extension.revoked_at.is_(None), Extension.until >= sent_at).exists())
    return sa.and_(sent_at.is_not(None), sent_at > campaign.deadline_of(level), ~extension_covers)
