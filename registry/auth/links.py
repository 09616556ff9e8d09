"""Single-use, expiring "set your password" links: a mentor's invitation and an administrator's reset.

The token travels only in the e-mail (written to the outbox with its cause); the table keeps its SHA-256. A link
works once and until PASSWORD_LINK_LIFETIME_HOURS after it was issued; issuing a new one voids the user's older
ones. Using it is one conditional UPDATE, so of two concurrent uses exactly one sets the password. Callers commit.
"""
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from registry.auth import services
from registry.auth.models import ApiToken, PasswordLink, User
from registry.core.audit import log_action
from registry.core.errors import DomainError
from registry.extensions import db
from registry.notify.models import MailStatus, OutboxMessage
from registry.notify.services import absolute, smtp_configured

PURPOSES = {"invitation": "Приглашение в реестр наставничества", "reset": "Смена пароля в реестре наставничества"}
REFUSALS = {
    "unknown": "Ссылка не найдена: проверьте, что она скопирована из письма полностью.",
    "used": "Эта ссылка уже использована: пароль по ней задан. Войдите с этим паролем или попросите новую ссылку.",
    "expired": "Срок действия ссылки истёк. Попросите куратора или администратора прислать новую ссылку.",
    "disabled": "Учётная запись отключена: пароль по этой ссылке задать нельзя.",
}


class LinkRefused(DomainError):
    """The link cannot be used; `reason` is a key of REFUSALS."""

    status = 410
    code = "link_refused"

    def __init__(self, reason: str):
        super().__init__(REFUSALS[reason])
        self.reason = reason


def issue(user: User, purpose: str, *, actor: User | None, now: datetime) -> str:
    """Void the user's unused links, add a new one and its e-mail to the outbox; return the token. Caller commits."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    db.session.execute(sa.update(PasswordLink).where(PasswordLink.user_id == user.id,
                                                     PasswordLink.used_at.is_(None)).values(used_at=now))
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=current_app.config["PASSWORD_LINK_LIFETIME_HOURS"])
    link = PasswordLink(user_id=user.id, token_hash=ApiToken.hash(token), purpose=purpose, created_at=now,
                        created_by_id=getattr(actor, "id", None), expires_at=expires)
    db.session.add(link)
    db.session.flush()
    log_action(actor, f"user.password_link_{purpose}", "user", user.email, after={"expires_at": expires.isoformat()})
    # built without a request: the CLI and tests issue links too
    path = current_app.url_map.bind("localhost").build("password_links.set_password", {"token": token})
    _mail(user, purpose, absolute(path), expires, now)
    return token


def _mail(user: User, purpose: str, link: str, expires: datetime, now: datetime) -> None:
    # not notify(): its in-app copy would keep the link (the credential) readable in the database
    tz = ZoneInfo(user.organization.region.timezone) if user.organization else ZoneInfo("UTC")
    body = current_app.jinja_env.get_template("emails/password_link.txt").render(
        user=user, purpose=purpose, link=link, expires_local=expires.astimezone(tz).strftime("%d.%m.%Y %H:%M"),
        tz=tz.key, base_url=absolute(""))
    db.session.add(OutboxMessage(created_at=now, user_id=user.id, to_addr=user.email, subject=PURPOSES[purpose],
                                 body=body, status=MailStatus.pending if smtp_configured() else MailStatus.kept))
    db.session.flush()


def check(token: str, *, now: datetime) -> PasswordLink:
    """The usable link with this token, or LinkRefused saying why not."""
    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.token_hash == ApiToken.hash(token or "")))
    if link is None:
        raise LinkRefused("unknown")
    if link.used_at is not None:
        raise LinkRefused("used")
    if link.expires_at <= now:
        raise LinkRefused("expired")
    if not link.user.is_enabled:
        raise LinkRefused("disabled")
    return link


def redeem(token: str, password: str, *, now: datetime) -> User:
    """Set the user's password through the link and spend it; LinkRefused if it is no longer usable. The request
    commits (and rolls back on an error answer: a refused password then leaves the link usable).

    The link is spent first, by one conditional UPDATE: it takes the write lock before anything is read (the row
    lock on PostgreSQL, the database's on SQLite), so of two concurrent uses the second changes no row and is
    refused with the reason read after the first one's commit."""
    spent = db.session.execute(sa.update(PasswordLink).where(
        PasswordLink.token_hash == ApiToken.hash(token or ""), PasswordLink.used_at.is_(None),
        PasswordLink.expires_at > now,
    ).values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if spent != 1:
        check(token, now=now)  # raises with the reason: unknown, used or expired
        raise LinkRefused("used")
    link = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.token_hash == ApiToken.hash(token))
                             .execution_options(populate_existing=True))
    user = link.user
    if not user.is_enabled:
        raise LinkRefused("disabled")
    services.set_password(user, password, actor=user)
    log_action(user, f"user.password_set_by_{link.purpose}", "user", user.email, after={"link_id": link.id})
    return user
