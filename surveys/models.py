"""Surveys, their one-time links and the anonymous answers.

An answer row carries its survey and nothing else: no link, no time, no address. A link only knows whether it
was used, not when, so neither a column nor the order of rows ties an answer to a link or a person.
"""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deadlines.models import Campaign
from hierarchy.models import Organization
from registry.core.clock import now_utc
from registry.extensions import db


class Survey(db.Model):
    """One organization's survey of one kind (mentee or mentor) in one campaign."""

    __tablename__ = "surveys"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "organization_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: mentee or mentor (surveys.questionnaires.KINDS).
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: Version of the questionnaire file the survey was opened with.
    questionnaire_version: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(default=now_utc)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Set when the curator closes it; it also stops taking answers when the organization's window closes.
    closed_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship()
    organization: Mapped[Organization] = relationship()


class SurveyLink(db.Model):
    """A one-time link: the token is the respondent's only credential; `used` flips once."""

    __tablename__ = "survey_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used: Mapped[bool] = mapped_column(default=False)


class SurveyAnswer(db.Model):
    """One respondent's answers, stored without the link, the time or the address it came from."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: 0–100 from the scored scale questions (surveys.questionnaires.score).
    score: Mapped[float | None] = mapped_column(sa.Double)
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
