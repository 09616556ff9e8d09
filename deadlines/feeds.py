"""Per-user secret calendar feed tokens: HMAC of the user id and a salt, so the URL can be shown again and
regenerating it (a new salt) voids the old one. Calendar apps fetch the feed without a session."""
import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.extensions import db


class CalendarFeed(db.Model):
    """The salt of a user's feed token; no row means the initial (empty) salt."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    salt: Mapped[str] = mapped_column(sa.String(64))
    regenerated_at: Mapped[datetime]


def _salt(user: User) -> str:
    feed = db.session.get(CalendarFeed, user.id)
    return feed.salt if feed is not None else ""


def feed_token(user: User) -> str:
    """The secret part of the user's feed URL; it is derived, never stored."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"calendar-feed:{user.id}:{_salt(user)}".encode(), hashlib.sha256).hexdigest()
    return digest[:40]


def user_for_token(user_id: int, token: str) -> User | None:
    """The enabled user whose current token this is, else None (constant-time comparison)."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_enabled:
        return None
    return user if hmac.compare_digest(feed_token(user), token) else None


def regenerate(user: User, *, now: datetime | None = None) -> str:
    """Give the user a new feed token; the old URL stops working. Caller commits."""
    now = now or now_utc()
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, salt="", regenerated_at=now)
        db.session.add(feed)
    feed.salt, feed.regenerated_at = secrets.token_hex(16), now
    db.session.flush()
    log_action(user, "calendar_feed.regenerated", "user", user.id)
    return feed_token(user)
