"""API v1: bearer tokens — issue one for email and password, end them all on logout (PRODUCT.md §7)."""
from marshmallow import RAISE, Schema, fields, validate

from registry.auth import services
from registry.auth.models import MAX_EMAIL_LENGTH
from registry.core.api import FIELD_MESSAGES, SCHEMA_MESSAGES, ApiBlueprint, current_actor
from registry.core.errors import DomainError
from registry.core.security import throttle_login
from registry.core.throttle import by_address

TOO_LONG = f"Адрес электронной почты длиннее {MAX_EMAIL_LENGTH} символов."


class InvalidCredentials(DomainError):
    status = 401
    code = "unauthorized"


class TokenRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = SCHEMA_MESSAGES
    email = fields.String(required=True, error_messages={**FIELD_MESSAGES, "invalid": "Нужна строка."},
                          validate=validate.Length(max=MAX_EMAIL_LENGTH, error=TOO_LONG))
    password = fields.String(required=True, load_only=True,
                             error_messages={**FIELD_MESSAGES, "invalid": "Нужна строка."})


class TokenSchema(Schema):
    token = fields.String(metadata={"description": "Передавайте в заголовке Authorization: Bearer <токен>."})


api_bp = ApiBlueprint("auth_api", __name__, public=("token",), description="Вход по токену и выход.")


@api_bp.route("/auth/token", methods=["POST"])
@api_bp.doc(security=[])
@api_bp.alt_response(401, response="UNAUTHORIZED")
@api_bp.alt_response(429, response="TOO_MANY_REQUESTS")
@api_bp.arguments(TokenRequestSchema)
@api_bp.response(200, TokenSchema)
@by_address("TOKEN_LIMIT_PER_ADDRESS", "token-address")  # every request, successful ones too
@throttle_login
def token(credentials: dict):
    """Получить токен доступа по адресу электронной почты и паролю.

    Один и тот же ответ 401 для неизвестного адреса, неверного пароля и отключённой учётной записи.
    Неудачные попытки ограничены по учётной записи и по адресу клиента, все запросы — по адресу клиента
    (TOKEN_LIMIT_PER_ADDRESS): сверх лимита — 429. Токен действует API_TOKEN_LIFETIME_DAYS дней.
    """
    user = services.authenticate(credentials["email"], credentials["password"])
    if user is None:
        raise InvalidCredentials("Неверный адрес или пароль, либо учётная запись отключена.")
    issued = services.issue_token(user)
    return {"token": issued}


@api_bp.route("/auth/logout", methods=["POST"])
@api_bp.response(204)
def logout():
    """Выйти везде: все сеансы и токены пользователя перестают действовать."""
    services.end_all_sessions(current_actor(), actor=current_actor(), reason="logged_out")
