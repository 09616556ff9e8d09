"""A unit's plan for a campaign: targets of R2…R11 with a draft → submitted → approved/returned workflow."""
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deadlines.models import Campaign
from hierarchy.models import Level
from registry.core.clock import now_utc
from registry.core.db import TimestampMixin, str_enum
from registry.core.errors import InvalidTransition
from registry.extensions import db

#: The indicators a plan sets targets for (PRODUCT.md §8); I1 and F1 have no targets.
PLAN_CODES = ("R2", "R4", "R6", "R7", "R8", "R9", "R10", "R11")


class PlanStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"


PLAN_STATUS_LABELS = {
    PlanStatus.draft: "черновик",
    PlanStatus.submitted: "на утверждении",
    PlanStatus.returned: "возвращён на доработку",
    PlanStatus.approved: "утверждён",
}

_PLAN_NEXT = {
    PlanStatus.draft: {PlanStatus.draft, PlanStatus.submitted},
    PlanStatus.returned: {PlanStatus.draft, PlanStatus.submitted},
    PlanStatus.submitted: {PlanStatus.returned, PlanStatus.approved},
    # the approver reopens an approved plan: it is a draft again and stops counting until approved anew
    PlanStatus.approved: {PlanStatus.draft},
}


class Plan(TimestampMixin, db.Model):
    """One municipality's or organization's plan in one campaign; `version` grows with every change."""

    __tablename__ = "plans"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "level", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    #: municipality or organization (the region's own targets are the campaign's IndicatorTarget rows).
    level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    #: Id of the municipality or organization named by `level`.
    unit_id: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"), default=PlanStatus.draft)
    #: Optimistic lock: a write must name the version it was based on.
    version: Mapped[int] = mapped_column(default=0)
    #: The approver's last comment (mandatory when returning).
    comment: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)

    campaign: Mapped[Campaign] = relationship()
    targets: Mapped[list["PlanTarget"]] = relationship(cascade="all, delete-orphan", order_by="PlanTarget.code")

    def transition_to(self, new: PlanStatus) -> None:
        if new not in _PLAN_NEXT[self.status]:
            raise InvalidTransition(
                f"Нельзя перевести план из состояния «{PLAN_STATUS_LABELS[self.status]}» "
                f"в «{PLAN_STATUS_LABELS[new]}».")
        self.status = new

    def target_map(self) -> dict[str, float]:
        return {t.code: t.value for t in self.targets}


class PlanTarget(db.Model):
    """The plan's target for one indicator code, a percentage 0–100."""

    __tablename__ = "plan_targets"

    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"), primary_key=True)
    #: Indicator code (R2 … R11).
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Double)


class PlanVersion(db.Model):
    """History: every save and status change keeps the full set of targets it produced."""

    __tablename__ = "plan_versions"
    __table_args__ = (sa.UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id"))
    version: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus, "plan_status"))
    #: What happened: saved, submitted, returned, approved, reopened, imported.
    event: Mapped[str] = mapped_column(sa.String(32))
    targets: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
