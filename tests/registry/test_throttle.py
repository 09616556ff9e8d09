"""Failed logins are throttled per account and per client address (Flask-Limiter), counted together for the web
form and POST /api/v1/auth/token; the refusal is a 429 in Russian (JSON error shape on the API)."""
import pytest

from registry import config as cfg
from registry.core.security import THROTTLED
from tests import factories
from tests.api.helpers import assert_error

TOKEN = "/api/v1/auth/token"


@pytest.fixture
def limits(app, monkeypatch):
    """Small limits for the test; other tests keep the configured ones (and counters are reset after each)."""
    def set_limits(account="3 per minute", address="100 per minute"):
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", account)
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", address)
    return set_limits


def _web_login(client, email, password, address="127.0.0.1"):
    # CSRF is checked before the throttle; the test app's session gets its token from the login page
    page = client.get("/auth/login", environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def _api_login(client, email, password, address="127.0.0.1"):
    return client.post(TOKEN, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_web_login_is_throttled_per_account_even_for_the_right_password(world, limits, client, app):
    limits()
    for _ in range(3):
        assert _web_login(client, world.curator.email, "wrong").status_code == 401
    response = _web_login(client, world.curator.email, factories.PASSWORD)
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    assert _web_login(app.test_client(), world.operator.email, factories.PASSWORD).status_code == 302  # other account


def test_api_token_is_throttled_with_a_json_refusal(world, limits, client):
    limits()
    for _ in range(3):
        assert_error(_api_login(client, world.curator.email, "wrong"), 401)
    response = _api_login(client, world.curator.email, factories.PASSWORD)
    error = assert_error(response, 429, "too_many_requests")
    assert error["message"] == THROTTLED
    assert int(response.headers["Retry-After"]) > 0


def test_web_and_api_failures_count_together_and_emails_are_normalised(world, limits, client):
    limits()
    assert _web_login(client, world.curator.email, "wrong").status_code == 401
    assert _api_login(client, world.curator.email.upper(), "wrong").status_code == 401
    assert _api_login(client, f" {world.curator.email} ", "wrong").status_code == 401
    assert _api_login(client, world.curator.email, factories.PASSWORD).status_code == 429


def test_throttle_per_address_across_accounts(world, limits, client):
    limits(account="100 per minute", address="3 per minute")
    for i in range(3):
        assert _api_login(client, f"guess{i}@example.ru", "wrong", "10.0.0.1").status_code == 401
    assert _api_login(client, world.curator.email, factories.PASSWORD, "10.0.0.1").status_code == 429
    assert _web_login(client, world.curator.email, factories.PASSWORD, "10.0.0.1").status_code == 429
    assert _api_login(client, world.curator.email, factories.PASSWORD, "10.0.0.2").status_code == 200


def test_successful_logins_are_never_throttled(world, limits, client):
    limits(account="2 per minute", address="2 per minute")
    for _ in range(5):
        assert _api_login(client, world.curator.email, factories.PASSWORD).status_code == 200


def test_storage_comes_from_ratelimit_storage_url():
    config = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "RATELIMIT_STORAGE_URL": "redis://cache:6379/1"}
    cfg.finalize(config)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"


def test_token_route_documents_the_429(client):
    responses = client.get("/api/v1/openapi.json").get_json()["paths"][TOKEN]["post"]["responses"]
    assert "429" in responses
