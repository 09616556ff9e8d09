"""Flask-Login wiring: cookie sessions carry the user's epoch; the API uses bearer tokens only."""
from flask import has_request_context, request

from registry.auth import services
from registry.auth.models import User
from registry.extensions import db, login_manager


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
    return services.user_for_token(header.removeprefix("Bearer ").strip())

