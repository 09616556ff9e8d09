"""Every API refusal has one JSON shape: {"error": {"code", "message", "fields"}} (PRODUCT.md §7)."""
from flask import Flask, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from registry.core.errors import DomainError, VersionConflict

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
               423: "window_closed", 429: "too_many_requests", 500: "server_error"}
_HTTP_MESSAGES = {400: "Некорректный запрос.", 401: "Требуется вход: передайте действующий токен (Authorization: "
                  "Bearer …).", 403: "Недостаточно прав для этого действия.", 404: "Не найдено.",
                  405: "Метод не поддерживается для этого адреса.", 413: "Слишком большой запрос.",
                  422: "Данные не прошли проверку.", 500: "Внутренняя ошибка сервера."}


def error_response(status: int, code: str, message: str, fields: dict | None = None, **extra):
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}
    return jsonify(body), status


def _flatten_webargs(messages: dict) -> dict[str, list[str]]:
    """webargs nests messages by location ({"json": {"field": [...]}}); the API promises field → messages."""
    fields: dict[str, list[str]] = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            for field, msgs in location_messages.items():
                fields[str(field)] = _as_list(msgs)
        else:
            fields["_schema"] = _as_list(location_messages)
    return fields


def _as_list(msgs) -> list[str]:
    if isinstance(msgs, list):
        return [str(m) for m in msgs]
    if isinstance(msgs, dict):
        return [f"{k}: {', '.join(_as_list(v))}" for k, v in msgs.items()]
    return [str(msgs)]


class ApiErrorDetailSchema(Schema):
    code = fields.String()
    message = fields.String()
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.List(fields.String()))
    current = fields.Dict(metadata={"description": "Only on a version conflict: the current state."})


class ApiErrorSchema(Schema):
    """The error body the OpenAPI description documents for every refusal."""

    error = fields.Nested(ApiErrorDetailSchema)


class JsonApi(Api):
    """flask-smorest's Api with our error body instead of its default one."""

    ERROR_SCHEMA = ApiErrorSchema

    def handle_http_exception(self, error: HTTPException):
        if not request.path.startswith("/api/"):
            return error
        status = error.code or 500
        fields = {}
        data = getattr(error, "data", None) or {}
        if "messages" in data:
            fields = _flatten_webargs(data["messages"])
        message = _HTTP_MESSAGES.get(status) or error.description or "Ошибка."
        return error_response(status, _HTTP_CODES.get(status, "error"), message, fields)


def domain_error_response(error: DomainError):
    extra = {"current": error.current} if isinstance(error, VersionConflict) and error.current is not None else {}
    return error_response(error.status, error.code, error.message, error.fields, **extra)


def init_app(app: Flask) -> None:
    @app.errorhandler(Exception)
    def _api_server_error(error: Exception):
        if isinstance(error, HTTPException) or not request.path.startswith("/api/"):
            raise error
        app.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "server_error", _HTTP_MESSAGES[500])
