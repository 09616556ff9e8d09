"""Campaign membership, submissions with versions, municipal reports and frozen snapshots."""
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deadlines.models import Campaign
from hierarchy.models import Level, Municipality, Organization, OrgType
from registry.core.clock import now_utc
from registry.core.db import TimestampMixin, str_enum
from registry.core.errors import InvalidTransition
from registry.extensions import db


class CampaignMember(db.Model):
    """An organization expected in a campaign, under the reporting parent fixed when the campaign opened."""

    __tablename__ = "campaign_members"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True, index=True)
    #: Null when the organization reports straight to the region.
    reporting_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    #: Type frozen with the membership, so a later change does not rewrite past campaigns.
    org_type: Mapped[OrgType] = mapped_column(str_enum(OrgType, "org_type"))
    added_at: Mapped[datetime] = mapped_column(default=now_utc)

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()
    reporting_municipality: Mapped[Municipality | None] = relationship()


class IndicatorTarget(db.Model):
    """A target the region set for a campaign; the built-in trajectory applies where none is set."""

    __tablename__ = "indicator_targets"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), primary_key=True)
    #: Indicator code (R2 … F1).
    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    #: Target percentage 0–100.
    value: Mapped[float] = mapped_column(sa.Double)


class SubmissionStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"


SUBMISSION_STATUS_LABELS = {
    SubmissionStatus.draft: "черновик",
    SubmissionStatus.submitted: "на проверке",
    SubmissionStatus.returned: "возвращён на доработку",
    SubmissionStatus.accepted: "принят",
}

_SUBMISSION_NEXT = {
    SubmissionStatus.draft: {SubmissionStatus.draft, SubmissionStatus.submitted},
    SubmissionStatus.returned: {SubmissionStatus.draft, SubmissionStatus.submitted},
    SubmissionStatus.submitted: {SubmissionStatus.returned, SubmissionStatus.accepted},
    # reopening an accepted submission puts it back into review (PRODUCT.md §3)
    SubmissionStatus.accepted: {SubmissionStatus.submitted},
}


class Submission(TimestampMixin, db.Model):
    """One organization's indicator values in one campaign; `version` grows with every change."""

    __tablename__ = "submissions"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    status: Mapped[SubmissionStatus] = mapped_column(str_enum(SubmissionStatus, "submission_status"),
                                                     default=SubmissionStatus.draft)
    #: Optimistic lock: a write must name the version it was based on.
    version: Mapped[int] = mapped_column(default=0)
    #: The reviewer's last comment (mandatory when returning).
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()
    values: Mapped[list["SubmissionValue"]] = relationship(cascade="all, delete-orphan",
                                                           order_by="SubmissionValue.code")
    versions: Mapped[list["SubmissionVersion"]] = relationship(order_by="SubmissionVersion.version.desc()",
                                                               viewonly=True)

    def transition_to(self, new: SubmissionStatus) -> None:
        if new not in _SUBMISSION_NEXT[self.status]:
            raise InvalidTransition(
                f"Нельзя перевести отчёт из состояния «{SUBMISSION_STATUS_LABELS[self.status]}» "
                f"в «{SUBMISSION_STATUS_LABELS[new]}».")
        self.status = new

    def value_map(self) -> dict[str, float]:
        return {v.code: v.value for v in self.values}


class SubmissionValue(db.Model):
    """Current value of one indicator code: long format, so aggregation is one SQL GROUP BY."""

    __tablename__ = "submission_values"

    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Double)


class SubmissionVersion(db.Model):
    """History: every save and every status change keeps the full set of values it produced."""

    __tablename__ = "submission_versions"
    __table_args__ = (sa.UniqueConstraint("submission_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"))
    version: Mapped[int]
    status: Mapped[SubmissionStatus] = mapped_column(str_enum(SubmissionStatus, "submission_status"))
    #: What happened: saved, submitted, returned, accepted, reopened.
    event: Mapped[str] = mapped_column(sa.String(32))
    values: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    actor = relationship("User")


class ReportStatus(StrEnum):
    open = "open"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"


REPORT_STATUS_LABELS = {
    ReportStatus.open: "не отправлен",
    ReportStatus.submitted: "на проверке в регионе",
    ReportStatus.returned: "возвращён на доработку",
    ReportStatus.accepted: "принят регионом",
}

_REPORT_NEXT = {
    ReportStatus.open: {ReportStatus.submitted},
    ReportStatus.returned: {ReportStatus.submitted},
    ReportStatus.submitted: {ReportStatus.returned, ReportStatus.accepted},
    ReportStatus.accepted: set(),
}


class MunicipalReport(TimestampMixin, db.Model):
    """A municipality's aggregated report; submitting freezes a snapshot."""

    __tablename__ = "municipal_reports"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus, "report_status"), default=ReportStatus.open)
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    #: The snapshot frozen at the last submit.
    snapshot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("snapshots.id"))

    campaign: Mapped[Campaign] = relationship()
    municipality: Mapped[Municipality] = relationship()
    snapshot: Mapped["Snapshot | None"] = relationship()

    def transition_to(self, new: ReportStatus) -> None:
        if new not in _REPORT_NEXT[self.status]:
            raise InvalidTransition(
                f"Нельзя перевести муниципальный отчёт из состояния «{REPORT_STATUS_LABELS[self.status]}» "
                f"в «{REPORT_STATUS_LABELS[new]}».")
        self.status = new


class Snapshot(db.Model):
    """An immutable frozen aggregate; a correction makes a new version, never an update."""

    __tablename__ = "snapshots"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "level", "unit_code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    unit_code: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The aggregate as computed when frozen: values, indicators, completeness, missing units.
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    campaign: Mapped[Campaign] = relationship()


class SnapshotValue(db.Model):
    """A frozen copy of one accepted organization value inside a snapshot."""

    __tablename__ = "snapshot_values"

    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    org_type: Mapped[OrgType] = mapped_column(str_enum(OrgType, "org_type"))
    reporting_municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"))
    value: Mapped[float] = mapped_column(sa.Double)


def _refuse_change(mapper, connection, target) -> None:
    raise InvalidTransition("Зафиксированный срез неизменяем: исправление создаёт новую версию среза.")


for _model in (Snapshot, SnapshotValue):
    event.listen(_model, "before_update", _refuse_change)
    event.listen(_model, "before_delete", _refuse_change)


class CampaignMunicipality(db.Model):
    """A municipality's own parameters in a campaign: the number of enterprises on its territory, the
    denominator of its R9 (PRODUCT.md §8). No row, or NULL, means "not set": R9 is then null with the reason."""

    __tablename__ = "campaign_municipalities"
    __table_args__ = (sa.CheckConstraint("enterprises_total >= 0", name="enterprises_not_negative"),)

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), primary_key=True, index=True)
    enterprises_total: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)
