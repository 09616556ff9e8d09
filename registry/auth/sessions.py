"""Flask-Login wiring: cookie sessions carry the user's epoch and their age; the API uses bearer tokens only.

A web session ends after SESSION_IDLE_MINUTES without a request and SESSION_LIFETIME_HOURS after login, whatever
happens in between (ASVS 3.3). The cookie is Secure on https requests (behind TRUST_PROXY proxies: when the proxy
says https), unless SESSION_COOKIE_SECURE decides either way.
"""
from flask import Flask, current_app, flash, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user

from registry.auth import services
from registry.auth.models import User
from registry.core.clock import now_utc
from registry.extensions import db, login_manager

#: The session's last-seen time is rewritten at most this often (each rewrite sends a new cookie).
SEEN_RESOLUTION_SECONDS = 60
EXPIRED = "Сеанс завершён: слишком долго не было действий или истёк срок сеанса. Войдите снова."


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with Secure decided per request."""

    def open_session(self, app: Flask, request):
        # no session cookie (every API request): the new empty session Flask would give, without building the
        # signing serializer first; with a cookie (or without a SECRET_KEY) Flask's own path decides
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        forced = app.config.get("SESSION_COOKIE_SECURE")
        if forced is not None:
            return bool(forced)
        return has_request_context() and request.is_secure  # ProxyFix (TRUST_PROXY) sets the scheme it was told


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    app.before_request(_end_old_session)


def start_session(user: User) -> None:
    """Log the user in with a fresh CSRF token and the session's clock started."""
    session.pop("csrf_token", None)  # Flask-WTF makes a new one: a token seen before login is worth nothing after
    login_user(user)
    session["login_at"] = session["seen_at"] = now_utc().timestamp()


def _end_old_session():
    if _is_api_request() or request.endpoint == "static" or "_user_id" not in session:
        return
    config, now = current_app.config, now_utc().timestamp()
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if (login_at is None or seen_at is None or now - seen_at > config["SESSION_IDLE_MINUTES"] * 60
            or now - login_at > config["SESSION_LIFETIME_HOURS"] * 3600):
        logout_user()
        session.clear()
        flash(EXPIRED, "info")
        return
    if now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session["seen_at"] = now


def _is_api_request() -> bool:
    return has_request_context() and request.path.startswith("/api/")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """A session is valid only while its epoch matches: logout/disable/password change void it."""
    if _is_api_request():
        return None  # the API is judged by its bearer token alone, so a cookie cannot ride on it (no CSRF)
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_enabled or user.session_epoch != int(epoch):
        return None
    return user


@login_manager.request_loader
def load_user_from_request(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not _is_api_request() or not header.startswith("Bearer "):
        return None
    user, expired = services.user_for_token(header.removeprefix("Bearer ").strip())
    g.token_expired = expired
    return user
