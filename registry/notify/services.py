"""Notify users: an in-app notification plus an outbox e-mail, written in the caller's transaction."""
from dataclasses import dataclass
from datetime import datetime
from functools import cache

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
    users = list({u.id: u for u in users}.values())
    if not users:
        return 0
    told, declined = set(), set()
    for user_id, was_told, said_no in db.session.execute(
            _told_and_declined_query(message.cause_key is not None),
            {"ids": [u.id for u in users], "cause_key": message.cause_key, "kind": message.kind}):
        _note_flags(user_id, was_told, said_no, told, declined)
    return _send(users, told, declined, message, now)


def notify_selected(query: sa.Select, params: dict, message: Message, *, now: datetime) -> int:
    """notify() for the users that `query` (a SELECT of User, built once: functools.cache) selects with `params`:
    whether each was told of the cause already and declined e-mail of its kind come in the same statement, one
    round trip instead of two (every workflow event of the deadline-hour soak). Caller commits."""
    users, told, declined = [], set(), set()
    for user, was_told, said_no in db.session.execute(_with_flags(query, message.cause_key is not None),
                                                      {**params, "cause_key": message.cause_key,
                                                       "kind": message.kind}):
        users.append(user)
        _note_flags(user.id, was_told, said_no, told, declined)
    return _send(users, told, declined, message, now) if users else 0


def _note_flags(user_id: int, was_told: bool, said_no: bool, told: set[int], declined: set[int]) -> None:
    if was_told:
        told.add(user_id)
    if said_no:
        declined.add(user_id)


def _send(users: list[User], told: set[int], declined: set[int], message: Message, now: datetime) -> int:
    """The notifications and e-mails of the users not yet told of the message's cause."""
    status = MailStatus.pending if smtp_configured() else MailStatus.kept
    # rendered straight from the environment: the web context processors need a request and a signed-in user
    template = current_app.jinja_env.get_template(f"emails/{message.template}.txt")
    users = [u for u in users if u.id not in told]
    notifications, mails = [], []
    for user in users:
        notifications.append({"user_id": user.id, "created_at": now, "kind": message.kind, "title": message.subject,
                              "body": message.summary, "link": message.link, "read_at": None,
                              "cause_key": message.cause_key})
        if user.id in declined:
            continue
        body = template.render(user=user, link=absolute(message.link), base_url=absolute(""), **message.context)
        mails.append({"created_at": now, "user_id": user.id, "to_addr": user.email, "subject": message.subject,
                      "body": body, "status": status, "attempts": 0, "sent_at": None, "last_error": None})
    # Core INSERTs (one each, all users at once), after the caller's pending changes as before: a workflow event
    # does not pay the unit of work for rows nothing reads back in the request
    db.session.flush()
    if notifications:
        db.session.execute(_INSERT_NOTIFICATION, notifications)
    if mails:
        db.session.execute(_INSERT_MAIL, mails)
    return len(users)


_INSERT_NOTIFICATION = sa.insert(Notification.__table__)
_INSERT_MAIL = sa.insert(OutboxMessage.__table__)


def _flags(has_cause: bool) -> tuple:
    """Per user (correlated to User): told of this cause already, declined e-mail of this kind."""
    told = (sa.exists().where(Notification.user_id == User.id, Notification.cause_key == sa.bindparam("cause_key"))
            if has_cause else sa.literal(False))
    declined = sa.exists().where(EmailChoice.user_id == User.id, EmailChoice.kind == sa.bindparam("kind"),
                                 EmailChoice.email.is_(False))
    return told.label("told"), declined.label("declined")


@cache
def _told_and_declined_query(has_cause: bool) -> sa.Select:
    """The flags of the users with these ids (built once: bind parameters only)."""
    return sa.select(User.id, *_flags(has_cause)).where(User.id.in_(sa.bindparam("ids", expanding=True)))


@cache
def _with_flags(query: sa.Select, has_cause: bool) -> sa.Select:
    """A users query with the flags as two more columns (built once per query, which is itself built once)."""
    return query.add_columns(*_flags(has_cause))


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
