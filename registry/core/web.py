"""Web-wide wiring: error pages and API errors for domain refusals, template helpers, security headers."""
from collections.abc import Callable
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, Response, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter

from registry.core import job_limit
from registry.core.api_errors import domain_error_response
from registry.core.errors import DomainError
from registry.core.listing import url_with
from registry.core.wording import plural_ru, zone_phrase
from registry.extensions import api, login_manager


def is_api() -> bool:
    return request.path.startswith("/api/")


def format_number(value, digits: int = 1) -> str:
    """Russian number format: «12 345,6»; a dash for no value.

    A dashboard shows hundreds of numbers: whole numbers are grouped by Python itself (the same text as babel's
    Russian pattern: thousands apart by a no-break space), fractions go through a pattern parsed once."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return _fraction_pattern(digits).apply(value, _RUSSIAN)
    return f"{int(value):,}".replace(",", "\xa0")


_RUSSIAN = Locale.parse("ru")


@cache
def _fraction_pattern(digits: int) -> NumberPattern:
    return parse_pattern(f"#,##0.{'#' * digits}")


def format_local(value: datetime | None, tz: str = "UTC") -> str:
    if value is None:
        return "—"
    return format_datetime(value, "dd.MM.yyyy HH:mm", tzinfo=ZoneInfo(tz), locale="ru")


def _viewer_zone(tz: str | None = None) -> str:
    """The zone given, else the signed-in user's region zone (UTC for an anonymous visitor)."""
    if tz is None:
        if "viewer_tz" not in g:
            from flask_login import current_user

            viewer_timezone = current_app.extensions["registry.viewer_timezone"]
            g.viewer_tz = viewer_timezone(current_user) if current_user.is_authenticated else "UTC"
        tz = g.viewer_tz
    return tz


def _format_local_for_viewer(value: datetime | None, tz: str | None = None, zone: bool = True) -> str:
    """The `local` template filter: in the zone given, else in the signed-in user's region time, followed by
    «по времени Владивостока». A table passes `zone=False` and names the zone once, in its header
    (`zone_of(tz)`), so its cells carry no repeated phrase."""
    tz = _viewer_zone(tz)
    text = format_local(value, tz)
    return f"{text} {zone_phrase(tz)}" if zone and value is not None else text


def _zone_of(tz: str | None = None) -> str:
    """«по времени Владивостока» for the zone given or the viewer's: a table header naming its times' zone."""
    return zone_phrase(_viewer_zone(tz))


def format_count(value, one: str, few: str, many: str) -> str:
    """A count with its noun in the right Russian form: «2 строки», «1 021 организация»."""
    return f"{format_number(value)} {plural_ru(int(value or 0), one, few, many)}"


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` up to the largest database INTEGER: a bigger id is a 404, not an overflow in the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


#: Russian text for werkzeug's own refusals of web requests (the login throttle's 429 carries its own).
_REFUSALS = {400: "Некорректный запрос."}


def init_app(app: Flask, *, viewer_timezone: Callable[[object], str], unit_name: Callable[[str], str]) -> None:
    """Wire the web helpers. The kernel knows no regions: the app factory passes the signed-in user's time zone
    (the `local` filter) and a unit's name by its code (the `unit_name` filter, «Школа № 5» for «27-KHV-S5»)."""
    app.extensions["registry.viewer_timezone"] = viewer_timezone
    app.url_map.converters["int"] = BoundedIntConverter  # before any blueprint adds its rules
    app.jinja_env.filters["num"] = format_number
    app.jinja_env.filters["local"] = _format_local_for_viewer
    app.jinja_env.filters["count"] = format_count
    app.jinja_env.filters["zone"] = zone_phrase
    app.jinja_env.globals["zone_of"] = _zone_of
    app.jinja_env.filters["unit_name"] = unit_name
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["job_limit_note"] = job_limit.limit_note

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        if is_api():
            return domain_error_response(error)
        return render_template("errors/error.html", message=error.message, status=error.status), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = "Форма устарела или отправлена не со страницы системы. Обновите страницу и повторите."
        return render_template("errors/error.html", message=message, status=400), 400

    @app.errorhandler(404)
    def _not_found(error):
        if is_api():
            return api.handle_http_exception(error)
        return render_template("errors/error.html", message="Страница не найдена.", status=404), 404

    @app.errorhandler(400)
    @app.errorhandler(413)
    @app.errorhandler(429)
    def _refused(error):
        if is_api():
            return api.handle_http_exception(error)
        message = _REFUSALS.get(error.code, error.description)
        if error.code == 413 and request.max_content_length and request.max_content_length < 2**20:
            message = f"Запрос слишком большой: не более {request.max_content_length // 1024} КБ."
        elif error.code == 413:
            limit_mb = max(1, round((app.config.get("MAX_CONTENT_LENGTH") or 0) / 2**20))
            message = f"Файл слишком большой: можно загрузить не более {limit_mb} МБ."
        return render_template("errors/error.html", message=message, status=error.code), error.code

    @app.errorhandler(405)
    def _method_not_allowed(error):
        if is_api():
            response = api.handle_http_exception(error)
        else:
            response = render_template("errors/error.html", message="Этот адрес не принимает такой запрос (метод "
                                       f"{request.method}). Вернитесь на страницу и повторите действие.",
                                       status=405), 405
        response = app.make_response(response)
        if error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(500)
    def _server_error(error):
        if is_api():
            return api.handle_http_exception(error)
        message = "Внутренняя ошибка сервера. Изменения не сохранены; повторите позже или сообщите администратору."
        try:
            return render_template("errors/error.html", message=message, status=500), 500
        except Exception:  # the layout could not be drawn either (database down): plain Russian text
            app.logger.exception("error page could not be rendered")
            return Response(message, status=500, mimetype="text/plain")

    @app.errorhandler(403)
    def _forbidden(error):
        if is_api():
            return api.handle_http_exception(error)
        return render_template("errors/error.html", message="Недостаточно прав.", status=403), 403

    @login_manager.unauthorized_handler
    def _unauthorized():
        if is_api():
            message = "Требуется вход: передайте действующий токен (Authorization: Bearer …)."
            if g.get("token_expired"):
                days = format_count(app.config["API_TOKEN_LIFETIME_DAYS"], "день", "дня", "дней")
                message = (f"Срок действия токена истёк (токен действует {days}): получите новый через "
                           "POST /api/v1/auth/token.")
            return jsonify({"error": {"code": "unauthorized", "message": message, "fields": {}}}), 401
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
