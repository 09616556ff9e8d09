"""A mentor's quarterly report (per mentor and quarter) and the year-end evaluation against the 003 §5.3 criteria."""
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.db import str_enum
from registry.extensions import db


class ReportStatus(StrEnum):
    draft = "draft"  #: being written by the mentor
    submitted = "submitted"  #: waiting for the curator
    returned = "returned"  #: sent back with a comment; the mentor fixes and resubmits
    accepted = "accepted"


REPORT_STATUS_LABELS = {ReportStatus.draft: "черновик", ReportStatus.submitted: "на проверке у куратора",
                        ReportStatus.returned: "возвращён на доработку", ReportStatus.accepted: "принят"}


class QuarterlyReport(db.Model):
    """The mentor's report for one quarter of a year (003 §5.3: filled quarterly, checked by the curator).

    One per mentor and quarter: §5.3 has the report disclose the criteria the *mentor* is evaluated on, across
    the mentor's pairs."""

    __tablename__ = "mentor_quarterly_reports"
    __table_args__ = (sa.UniqueConstraint("mentor_id", "year", "quarter"),
                      sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentors.id", ondelete="CASCADE"))
    year: Mapped[int]
    quarter: Mapped[int]
    done: Mapped[str] = mapped_column(sa.Text, default="")
    results: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ReportStatus] = mapped_column(str_enum(ReportStatus, "mentor_report_status"),
                                                 default=ReportStatus.draft)
    #: The curator's comment when returned.
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime]

    mentor = relationship("Mentor")


class YearEvaluation(db.Model):
    """The year-end formalized report and the §5.3 criteria scores, filled by the curator with the mentor."""

    __tablename__ = "mentor_year_evaluations"
    __table_args__ = (sa.UniqueConstraint("mentor_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentors.id", ondelete="CASCADE"))
    year: Mapped[int]
    #: Criterion code → score on vocab.SCALE.
    scores: Mapped[Any] = mapped_column(sa.JSON)
    #: The formalized report: the process, the mentees' progress, the mentor's work (003 §5.3).
    process: Mapped[str] = mapped_column(sa.Text, default="")
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    mentor_work: Mapped[str] = mapped_column(sa.Text, default="")
    conclusion: Mapped[str] = mapped_column(sa.Text, default="")
    filled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime]

    mentor = relationship("Mentor")
