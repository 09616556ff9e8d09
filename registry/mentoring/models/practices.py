"""Best practices (cases) proposed by organizations and approved before publication (003 §3.2.2, roadmap 7)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Organization
from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db
from registry.mentoring.vocab import Form, PracticeStatus


class Practice(TimestampMixin, db.Model):
    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    form: Mapped[Form] = mapped_column(str_enum(Form, "practice_form"))
    role_model: Mapped[str] = mapped_column(sa.String(32), default="")
    description: Mapped[str] = mapped_column(sa.Text)
    results: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[PracticeStatus] = mapped_column(str_enum(PracticeStatus, "practice_status"),
                                                  default=PracticeStatus.draft, index=True)
    proposed_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Why it was returned (shown to the curator).
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()
