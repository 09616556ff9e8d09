"""Notify users: an in-app notification plus an outbox e-mail, written in the caller's transaction."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from registry.auth.models import User
from registry.extensions import db
from registry.notify.models import MailStatus, Notification, OutboxMessage


@dataclass
class Message:
    """What to tell: a kind, a subject, a one-paragraph summary, an e-mail template and a site-relative link."""

    kind: str
    subject: str
    summary: str
    template: str
    context: dict
    link: str | None = None


def absolute(path: str | None) -> str | None:
    """A site-relative path made absolute with BASE_URL (e-mails have no request to resolve against)."""
    if path is None:
        return None
    return current_app.config["BASE_URL"].rstrip("/") + path


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def notify(users: list[User], message: Message, *, now: datetime) -> int:
    """Add one notification and one outbox e-mail per user; returns how many users. Caller commits."""
    status = MailStatus.pending if smtp_configured() else MailStatus.kept
    # rendered straight from the environment: the web context processors need a request and a signed-in user
    template = current_app.jinja_env.get_template(f"emails/{message.template}.txt")
    for user in users:
        body = template.render(user=user, link=absolute(message.link), base_url=absolute(""), **message.context)
        db.session.add(Notification(user_id=user.id, created_at=now, kind=message.kind, title=message.subject,
                                    body=message.summary, link=message.link))
        db.session.add(OutboxMessage(created_at=now, user_id=user.id, to_addr=user.email, subject=message.subject,
                                     body=body, status=status))
    db.session.flush()
    return len(users)


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Notification.user_id == user.id,
                                                              Notification.read_at.is_(None))) or 0


def mark_read(user: User, *, now: datetime, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed. Caller commits."""
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return db.session.execute(query.values(read_at=now)).rowcount
