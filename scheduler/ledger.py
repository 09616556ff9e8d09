"""The scheduler's memory: one ledger row per side effect, and the lease that elects the one acting scheduler."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import db


class LedgerEntry(db.Model):
    """One side effect of a scheduler job; the unique key makes re-runs and overlapping runs act once."""

    __tablename__ = "job_ledger"
    __table_args__ = (sa.UniqueConstraint("job", "campaign_id", "unit_key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Job name, e.g. "reminder", "escalation", "regional-draft", "federal-reminder".
    job: Mapped[str] = mapped_column(sa.String(64))
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    #: The unit acted for: "organization:<id>", "municipality:<id>", "region:<id>" or "system".
    unit_key: Mapped[str] = mapped_column(sa.String(64))
    #: What was done, e.g. "organization-7d" (a reminder 7 days before), "municipality" (a digest).
    kind: Mapped[str] = mapped_column(sa.String(64))
    #: The instant the job ran for (injected `now`, so ticks in the past record their own time).
    created_at: Mapped[datetime]
    #: Counts and ids for people reading the ledger: recipients, units listed, snapshot id.
    detail: Mapped[Any | None] = mapped_column(sa.JSON)


class SchedulerLease(db.Model):
    """The leader's lease (scheduler.leader): one row per lease name, renewed by its holder until it stops."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: host:pid:random of the process holding the lease.
    holder: Mapped[str] = mapped_column(sa.String(128))
    #: The lease is free once this instant has passed; the leader renews it on every heartbeat.
    expires_at: Mapped[datetime]
