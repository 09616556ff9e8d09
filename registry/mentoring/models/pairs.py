"""Mentoring pairs and groups: many mentors and many mentees each, with replacement history."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Organization
from registry.core.db import TimestampMixin, str_enum
from registry.core.errors import InvalidTransition
from registry.extensions import db
from registry.mentoring.models.people import Mentee, Mentor
from registry.mentoring.vocab import (
    PAIR_STATUS_LABELS,
    PAIR_TRANSITIONS,
    Form,
    Kind,
    PairStatus,
    ReplacementReason,
)


class MentoringPair(TimestampMixin, db.Model):
    """A pair (one mentee) or a group (two or more mentees); the word follows its current mentees."""

    __tablename__ = "mentoring_pairs"
    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    code: Mapped[str | None] = mapped_column(sa.String(64))
    form: Mapped[Form] = mapped_column(str_enum(Form, "mentoring_form"))
    #: Role model or sub-form (vocab.ROLE_MODELS); empty when not chosen.
    role_model: Mapped[str] = mapped_column(sa.String(32), default="")
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "mentoring_kind"))
    start_on: Mapped[date]
    #: Planned end; the mentoring period fixed by the order.
    end_on: Mapped[date | None]
    status: Mapped[PairStatus] = mapped_column(str_enum(PairStatus, "pair_status"), default=PairStatus.forming)
    #: The head's order approving the pair/group («Об утверждении наставнических пар/групп»).
    order_ref: Mapped[str] = mapped_column(sa.String(200), default="")
    #: When the pair was completed or terminated, and why it was terminated.
    closed_on: Mapped[date | None]
    close_reason: Mapped[str] = mapped_column(sa.Text, default="")
    status_changed_at: Mapped[datetime | None]
    #: The organization's programme the pair works in (registry.programmes); empty for pairs made before them.
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)

    organization: Mapped[Organization] = relationship()
    mentor_links: Mapped[list["PairMentor"]] = relationship(back_populates="pair", order_by="PairMentor.id",
                                                            cascade="all, delete-orphan")
    mentee_links: Mapped[list["PairMentee"]] = relationship(back_populates="pair", order_by="PairMentee.id",
                                                            cascade="all, delete-orphan")

    @property
    def current_mentors(self) -> list[Mentor]:
        return [link.mentor for link in self.mentor_links if link.left_on is None]

    @property
    def current_mentees(self) -> list[Mentee]:
        return [link.mentee for link in self.mentee_links if link.left_on is None]

    @property
    def is_group(self) -> bool:
        return len(self.current_mentees) > 1

    def transition_to(self, new: PairStatus) -> None:
        if new not in PAIR_TRANSITIONS[self.status]:
            raise InvalidTransition(f"Нельзя перевести из состояния «{PAIR_STATUS_LABELS[self.status]}» "
                                    f"в «{PAIR_STATUS_LABELS[new]}».")
        self.status = new

    def __repr__(self) -> str:
        return f"<MentoringPair {self.id}>"


class PairMentor(db.Model):
    """A mentor's membership in a pair; ended with a reason when the mentor is replaced (004 §4.7)."""

    __tablename__ = "pair_mentors"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentors.id"), index=True)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]
    leave_reason: Mapped[ReplacementReason | None] = mapped_column(str_enum(ReplacementReason, "replacement_reason"))
    leave_comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: Who took over, when the mentor was replaced.
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mentors.id"))

    pair: Mapped[MentoringPair] = relationship(back_populates="mentor_links")
    mentor: Mapped[Mentor] = relationship(foreign_keys=[mentor_id])
    replaced_by: Mapped[Mentor | None] = relationship(foreign_keys=[replaced_by_id])


class PairMentee(db.Model):
    __tablename__ = "pair_mentees"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("mentees.id"), index=True)
    joined_on: Mapped[date]
    left_on: Mapped[date | None]

    pair: Mapped[MentoringPair] = relationship(back_populates="mentee_links")
    mentee: Mapped[Mentee] = relationship()
