"""POST /api/v1/auth/token: one refusal for every bad credential; input is validated like everywhere else."""
import sqlalchemy as sa

from registry.auth import services
from registry.auth.models import ApiToken
from registry.extensions import db
from tests import factories
from tests.api.helpers import assert_error

TOKEN_URL = "/api/v1/auth/token"


def test_token_for_good_credentials(world, api_as):
    response = api_as(None).post(TOKEN_URL, json={"email": "Curator@Example.ru ", "password": factories.PASSWORD})
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["token"]
    assert set(response.get_json()) == {"token"} and len(token) >= 32
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert token not in stored and ApiToken.hash(token) in stored  # only the hash is kept


def test_same_401_for_unknown_email_wrong_password_and_disabled_account(world, api_as):
    services.set_enabled(world.dod_curator, False, actor=world.admin)
    db.session.commit()
    client = api_as(None)
    errors = [assert_error(client.post(TOKEN_URL, json=body), 401, "unauthorized") for body in (
        {"email": "nobody@example.ru", "password": factories.PASSWORD},
        {"email": world.curator.email, "password": "wrong-password"},
        {"email": world.dod_curator.email, "password": factories.PASSWORD},
    )]
    assert errors[0] == errors[1] == errors[2]
    assert errors[0]["message"] == "Неверный адрес или пароль, либо учётная запись отключена."


def test_token_request_validation(world, api_as):
    client = api_as(None)
    error = assert_error(client.post(TOKEN_URL, json={"email": world.curator.email}), 422, "validation_failed")
    assert error["fields"] == {"password": ["Обязательное поле."]}
    error = assert_error(client.post(TOKEN_URL, json={"email": "a@b.ru", "password": "x", "remember": True}), 422)
    assert error["fields"] == {"remember": ["Неизвестное поле."]}
    error = assert_error(client.post(TOKEN_URL, data="{not json", content_type="application/json"), 400,
                         "bad_request")
    assert error["fields"] == {"_schema": ["Тело запроса — не корректный JSON."]}
    assert "email" in assert_error(client.post(TOKEN_URL, data="email=a", content_type="text/plain"), 422)["fields"]


def test_logout_needs_a_token(world, api_as):
    assert_error(api_as(None).post("/api/v1/auth/logout"), 401, "unauthorized")
