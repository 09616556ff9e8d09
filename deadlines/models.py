"""Campaigns (region, year) with their deadlines, and extensions (lock exceptions)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Level, Region
from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db

#: The Campaign attribute holding each level's deadline.
_DEADLINE_OF = {Level.organization: "organization_deadline", Level.municipality: "municipality_deadline",
                Level.region: "region_deadline"}


class Campaign(TimestampMixin, db.Model):
    """One yearly monitoring of one region (PRODUCT.md §3)."""

    __tablename__ = "campaigns"
    __table_args__ = (sa.UniqueConstraint("region_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"))
    year: Mapped[int]
    #: Instants (UTC) at which each level's window closes: "no later than 20 October" → 21 October 00:00 local.
    organization_deadline: Mapped[datetime]
    municipality_deadline: Mapped[datetime]
    region_deadline: Mapped[datetime]
    federal_deadline: Mapped[datetime]
    #: The Mentors' Forum: a calendar event, locks nothing.
    forum_at: Mapped[datetime]
    #: Denominator of R9, entered by the regional operator.
    enterprises_in_region_total: Mapped[int | None]
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Days of automatic extension a unit gets when its report is returned after its window closed.
    late_return_days: Mapped[int] = mapped_column(default=5, server_default="5")

    region: Mapped[Region] = relationship()

    def deadline_of(self, level: Level) -> datetime:
        # one attribute read, not a dict of all three deadlines per call (a list of 2,700 surveys asks per row)
        return getattr(self, _DEADLINE_OF[level])

    def __repr__(self) -> str:
        return f"<Campaign {self.region_id}/{self.year}>"


class Extension(TimestampMixin, db.Model):
    """A lock exception: the level above keeps one unit's window open until a date (like DHIS2)."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    #: The unit whose window is extended: its level and its id in that level's table.
    level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    unit_id: Mapped[int]
    #: The window stays open until this instant (UTC).
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    campaign: Mapped[Campaign] = relationship()

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.until
