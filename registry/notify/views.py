"""The in-app notification list (/notifications), unread marking, and the unread count for the top bar."""
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hierarchy.queries import user_timezone
from registry.core.clock import now_utc
from registry.core.listing import paginate
from registry.notify import services
from registry.notify.kinds import KINDS
from registry.notify.models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PER_PAGE = 50
#: Sort keys → columns (the id breaks ties: notifications made in one tick stay in creation order).
SORTS = {"created": (Notification.created_at, Notification.id), "title": (Notification.title, Notification.id),
         "read": (Notification.read_at, Notification.id)}


@bp.app_context_processor
def _unread():
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": services.unread_count(current_user)}


@bp.get("")
@login_required
def notification_list():
    query = sa.select(Notification).where(Notification.user_id == current_user.id)
    listing = paginate(query, SORTS, "-created", PER_PAGE)
    return render_template("notify/notification_list.html", items=[n for n, in listing.rows], listing=listing,
                           tz=user_timezone(current_user))


@bp.post("/read")
@login_required
def mark_read():
    """Mark one notification (form field `id`) or all of the user's notifications read."""
    notification_id = request.form.get("id", type=int)
    services.mark_read(current_user, now=now_utc(), notification_id=notification_id)
    sort = request.form.get("sort", "")
    return redirect(url_for("notifications.notification_list", page=request.form.get("page", 1, type=int),
                            sort=sort if sort.lstrip("-") in SORTS else None))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def notification_settings():
    """The user's e-mail choice per notification kind; in-app notifications are always kept."""
    if request.method == "POST":
        chosen = set(request.form.getlist("email"))
        services.set_email_choices(current_user, {kind: kind in chosen for kind in KINDS})
        flash("Настройки уведомлений сохранены. В приложении уведомления приходят всегда.", "success")
        return redirect(url_for("notifications.notification_settings"))
    choices = services.email_choices(current_user)
    rows = [{"kind": kind, "label": label, "email": choices.get(kind, True)} for kind, label in KINDS.items()]
    return render_template("notify/notification_settings.html", rows=rows)
