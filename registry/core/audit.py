"""The audit trail: who did what, when, before → after; written in the same transaction as the change."""
import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.clock import now_utc
from registry.extensions import db

logger = logging.getLogger(__name__)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When it happened (UTC).
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    #: Who did it; null for the system (CLI without a user, scheduler jobs).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Dotted verb, e.g. "submission.submitted".
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: What it was done to: a table-like type and a stable key (usually a code or id).
    target_type: Mapped[str] = mapped_column(sa.String(32))
    target_key: Mapped[str] = mapped_column(sa.String(128), index=True)
    #: State before and after (JSON), and a free comment such as a return reason.
    before: Mapped[Any | None] = mapped_column(sa.JSON)
    after: Mapped[Any | None] = mapped_column(sa.JSON)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    #: Client address of the request, when there was one.
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))


def log_action(actor, action: str, target_type: str, target_key: str | int, *, before: Any = None,
               after: Any = None, comment: str | None = None) -> AuditEntry:
    """Add an audit entry to the current transaction. Caller commits (together with the change).

    The row is written with one Core INSERT … RETURNING id, not as a new ORM object flushed by the unit of work
    (the most frequent write of the deadline hour). What the caller changed before is flushed first, as it always
    was, so the entry still follows the change it records. Returns the entry as written (detached, with its id)."""
    values = {"created_at": now_utc(), "actor_id": getattr(actor, "id", None), "action": action,
              "target_type": target_type, "target_key": str(target_key), "before": before, "after": after,
              "comment": comment, "remote_addr": request.remote_addr if has_request_context() else None}
    db.session.flush()
    entry_id = db.session.execute(_INSERT, values).scalar_one()
    logger.info("%s %s:%s by %s", action, target_type, target_key, getattr(actor, "email", "system"))
    return AuditEntry(id=entry_id, **values)


_INSERT = sa.insert(AuditEntry.__table__).returning(AuditEntry.__table__.c.id)
