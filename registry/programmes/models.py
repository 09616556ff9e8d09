"""A programme per form of mentoring an organization runs; a pair's individual plan as dated items with done marks."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Organization
from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db
from registry.mentoring.vocab import Form


class Programme(TimestampMixin, db.Model):
    """The organization's mentoring programme for one form (goal, tasks, audience, work plan, expected results)."""

    __tablename__ = "programmes"
    __table_args__ = (sa.UniqueConstraint("organization_id", "form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    form: Mapped[Form] = mapped_column(str_enum(Form, "programme_form"))
    title: Mapped[str] = mapped_column(sa.String(300))
    goal: Mapped[str] = mapped_column(sa.Text)
    tasks: Mapped[str] = mapped_column(sa.Text)
    audience: Mapped[str] = mapped_column(sa.Text)
    work_plan: Mapped[str] = mapped_column(sa.Text)
    expected_results: Mapped[str] = mapped_column(sa.Text)

    organization: Mapped[Organization] = relationship()


class PlanItem(db.Model):
    """One goal or task of a pair's individual plan, with its dates and whether it was done."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True)
    #: "goal" or "task" (the mentor's task plan, «план-задание»).
    kind: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)
    start_on: Mapped[date]
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    created_at: Mapped[datetime]

    pair = relationship("MentoringPair")


ITEM_KINDS = {"goal": "цель", "task": "задача"}
