"""The API blueprint every v1 module shares: bearer token required, Russian refusals, documented errors."""
from http import HTTPStatus

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, abort

from registry.extensions import api, login_manager

BEARER = "bearerAuth"
#: Messages of marshmallow's own checks, in Russian (fields and schemas add theirs).
FIELD_MESSAGES = {"required": "Обязательное поле.", "null": "Значение не может быть пустым (null).",
                  "validator_failed": "Недопустимое значение."}
SCHEMA_MESSAGES = {"unknown": "Неизвестное поле.", "type": "Нужен JSON-объект."}


class RussianParser(FlaskParser):
    """webargs' parser with the malformed-JSON refusal (400) in Russian."""

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, messages={"json": ["Тело запроса — не корректный JSON."]})


def current_actor():
    """The authenticated user object itself (not the proxy), for services and the audit log."""
    return current_user._get_current_object()


def _document_bearer_auth(state) -> None:
    """Declare the bearer scheme once per app and require it by default (public routes override it)."""
    if BEARER not in api.spec.components.security_schemes:
        api.spec.components.security_scheme(BEARER, {
            "type": "http", "scheme": "bearer",
            "description": "Токен из POST /api/v1/auth/token: заголовок «Authorization: Bearer <токен>».",
        })
        api.spec.options["security"] = [{BEARER: []}]


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose routes all need a valid bearer token, except `public` endpoints."""

    ARGUMENTS_PARSER = RussianParser()

    def __init__(self, *args, public: tuple[str, ...] = (), throttled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.public = frozenset(public)
        #: Every route is limited per client address (registry.core.throttle): its 429 is documented.
        self.throttled = throttled
        self.before_request(self._require_token)
        self.record_once(_document_bearer_auth)

    def route(self, rule, *, parameters=None, tags=None, **options):
        """Register a view and document the refusals every route may give, in our error shape."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)
        endpoint = options.get("endpoint")

        def decorator(func):
            name = endpoint or func.__name__
            statuses = [400] if name in self.public else [400, 401, 403, 404]
            if set(options.get("methods", ())) & {"POST", "PUT", "PATCH", "DELETE"} and name not in self.public:
                statuses += [409, 423]
            if self.throttled:
                statuses.append(429)
            for status in statuses:
                func = self.alt_response(status, response=HTTPStatus(status).name)(func)
            return register(func)
        return decorator

    def arguments(self, schema, **kwargs):
        """flask-smorest's `arguments`, given a schema instance made once: webargs would build a new instance of a
        schema class for every request (marshmallow deep-copies each declared field), and a Schema keeps no state
        from one load to the next."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)

    def _require_token(self):
        if (request.endpoint or "").rpartition(".")[2] in self.public:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # the JSON 401 of registry.core.web
        return None
