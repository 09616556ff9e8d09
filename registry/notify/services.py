"""Notify users: an in-app notification plus an outbox e-mail, written in the caller's transaction."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from registry.auth.models import User
from registry.extensions import db
from registry.notify.models import EmailChoice, MailStatus, Notification, OutboxMessage


@dataclass
class Message:
    """What to tell: a kind, a subject, a one-paragraph summary, an e-mail template and a site-relative link."""

    kind: str
    subject: str
    summary: str
    template: str
    context: dict
    link: str | None = None
    #: The cause, unique per user: a second notify() for the same cause adds nothing (exactly once).
    cause_key: str | None = None


def absolute(path: str | None) -> str | None:
    """A site-relative path made absolute with BASE_URL (e-mails have no request to resolve against)."""
    if path is None:
        return None
    return current_app.config["BASE_URL"].rstrip("/") + path


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def notify(users: list[User], message: Message, *, now: datetime) -> int:
    """Add one notification and (unless the user declined this kind) one outbox e-mail per user, once per cause.

    Returns how many users were told now. Caller commits.
    """
    status = MailStatus.pending if smtp_configured() else MailStatus.kept
    # rendered straight from the environment: the web context processors need a request and a signed-in user
    template = current_app.jinja_env.get_template(f"emails/{message.template}.txt")
    users = _not_told_yet(list({u.id: u for u in users}.values()), message.cause_key)
    declined = declined_users([u.id for u in users], message.kind)
    for user in users:
        db.session.add(Notification(user_id=user.id, created_at=now, kind=message.kind, title=message.subject,
                                    body=message.summary, link=message.link, cause_key=message.cause_key))
        if user.id in declined:
            continue
        body = template.render(user=user, link=absolute(message.link), base_url=absolute(""), **message.context)
        db.session.add(OutboxMessage(created_at=now, user_id=user.id, to_addr=user.email, subject=message.subject,
                                     body=body, status=status))
    db.session.flush()
    return len(users)


def _not_told_yet(users: list[User], cause_key: str | None) -> list[User]:
    if cause_key is None or not users:
        return users
    told = set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.cause_key == cause_key, Notification.user_id.in_([u.id for u in users]))))
    return [u for u in users if u.id not in told]


def declined_users(user_ids: list[int], kind: str) -> set[int]:
    """Of these users, who chose no e-mail for this kind."""
    if not user_ids:
        return set()
    return set(db.session.scalars(sa.select(EmailChoice.user_id).where(
        EmailChoice.kind == kind, EmailChoice.user_id.in_(user_ids), EmailChoice.email.is_(False))))


def email_choices(user: User) -> dict[str, bool]:
    """Kind → whether the user gets e-mail for it (a kind without a row: yes)."""
    rows = db.session.execute(sa.select(EmailChoice.kind, EmailChoice.email).where(EmailChoice.user_id == user.id))
    return dict(rows.all())


def set_email_choices(user: User, chosen: dict[str, bool]) -> None:
    """Store the user's e-mail choice for each given kind. Caller commits."""
    current = {c.kind: c for c in db.session.scalars(sa.select(EmailChoice).where(EmailChoice.user_id == user.id))}
    for kind, email in chosen.items():
        if kind in current:
            current[kind].email = email
        else:
            db.session.add(EmailChoice(user_id=user.id, kind=kind, email=email))
    db.session.flush()


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(Notification.user_id == user.id,
                                                              Notification.read_at.is_(None))) or 0


def mark_read(user: User, *, now: datetime, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many changed. Caller commits."""
    query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return db.session.execute(query.values(read_at=now)).rowcount
