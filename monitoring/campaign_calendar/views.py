"""The calendar page (/calendar) and the per-user ICS feed, fetched by calendar apps without a session."""
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from deadlines import feeds
from deadlines.windows import format_local, last_day_label
from monitoring.campaign_calendar.ics import render_ics
from monitoring.campaign_calendar.upcoming import campaigns_for, events_for
from registry.core.clock import now_utc
from registry.core.downloads import content_disposition
from registry.core.wording import days_left_text, plural_ru

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("")
@login_required
def calendar_view():
    now = now_utc()
    events = [e for e in events_for(current_user, campaigns_for(current_user, now.year - 1), now) if e.closes_at > now]
    rows = [{"event": e, "last_day": last_day_label(e.closes_at, e.tz), "closes_local": format_local(e.closes_at, e.tz),
             "general_local": format_local(e.at, e.tz), "days_left": days_left_text(e.closes_at, e.tz, now)
             if e.is_deadline else _days_until(e, now)} for e in events]
    feed_url = url_for("calendar.feed", user_id=current_user.id, token=feeds.feed_token(current_user), _external=True)
    return render_template("deadlines/calendar.html", rows=rows, feed_url=feed_url)


def _days_until(event, now) -> str:
    days = (event.local_date - now.astimezone(ZoneInfo(event.tz)).date()).days
    if days <= 0:
        return "сегодня"
    return f"через {days} {plural_ru(days, 'день', 'дня', 'дней')}"


@bp.post("/feed-token")
@login_required
def feed_regenerate():
    feeds.regenerate(current_user)
    flash("Создана новая ссылка на календарь. Старая ссылка больше не работает: обновите подписку в приложении.",
          "success")
    return redirect(url_for("calendar.calendar_view"))


@bp.get("/feed/<int:user_id>/<token>.ics")
def feed(user_id: int, token: str):
    """No session: the secret token in the URL is the credential; a wrong or old token is a 404."""
    user = feeds.user_for_token(user_id, token)
    if user is None:
        abort(404)
    now = now_utc()
    body = render_ics(events_for(user, campaigns_for(user, now.year - 1), now), now=now,
                      name="Сроки мониторинга наставничества")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition("sroki.ics", inline=True)
    response.headers["Cache-Control"] = "private, max-age=900"
    return response
