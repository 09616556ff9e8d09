"""In-app notifications and the e-mail outbox; both are written in the same transaction as their cause."""
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import str_enum
from registry.extensions import db


class Notification(db.Model):
    """One message in a user's in-app list; unread until `read_at` is set."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
                      # one notification per user and cause: a retried or doubled cause tells nobody twice
                      sa.UniqueConstraint("user_id", "cause_key", name="uq_notifications_user_id_cause_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime]
    #: Machine-readable kind, e.g. "reminder", "escalation", "regional-draft".
    kind: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    #: A site-relative path to act on it (the e-mail carries the same link made absolute with BASE_URL).
    link: Mapped[str | None] = mapped_column(sa.String(500))
    read_at: Mapped[datetime | None]
    #: What caused it (e.g. "submission:12:v4"); NULL for causes that never repeat (scheduler ledger).
    cause_key: Mapped[str | None] = mapped_column(sa.String(200))


class EmailChoice(db.Model):
    """A user's choice to get (or not) an e-mail for one kind of notification; no row means yes."""

    __tablename__ = "notification_email_choices"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    email: Mapped[bool]


class MailStatus(StrEnum):
    pending = "pending"  #: waiting for the SMTP delivery step
    sending = "sending"  #: claimed by a delivery run (never sent twice, even if that run dies)
    sent = "sent"
    failed = "failed"  #: gave up after repeated SMTP errors
    kept = "kept"  #: SMTP not configured when written: kept in the outbox only (the demo reads it there)


class OutboxMessage(db.Model):
    """An e-mail written with its cause and delivered afterwards, so a rolled-back change sends nothing."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    to_addr: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus, "mail_status"), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
