"""Throttle keys stay bounded (issue 20): over-long e-mails are refused before anything is counted, the per-account
key is a fixed-size hash, and the login routes take only a small body."""
import pytest

from registry.core.security import AUTH_MAX_BODY, account_key
from registry.extensions import limiter
from tests.api.helpers import assert_error
from tests.registry.test_throttle import TOKEN, _web_login


def _stored_key_bytes() -> int:
    """Bytes of every key the in-memory throttle store holds (counters, expiry times, windows, locks)."""
    storage = limiter.storage
    keys = set(storage.storage) | set(storage.expirations) | set(storage.events) | set(storage.locks)
    return sum(len(key) for key in keys)


@pytest.fixture
def roomy(app, monkeypatch):
    """Limits high enough that every failed login in these tests is counted (none refused with 429)."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "10000 per hour")
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "10000 per hour")


def test_memory_stays_flat_over_hundreds_of_huge_distinct_emails(world, roomy, client):
    before = _stored_key_bytes()
    for i in range(300):
        email = f"{i}-" + "x" * 12_000 + "@example.ru"
        response = client.post(TOKEN, json={"email": email, "password": "wrong"})
        assert assert_error(response, 422, "validation_failed")["fields"] == {
            "email": ["Адрес электронной почты длиннее 254 символов."]}
    assert _stored_key_bytes() - before < 1000


def test_each_counted_account_costs_a_fixed_size_key(world, roomy, client):
    before = _stored_key_bytes()
    for i in range(20):
        email = f"{i}-" + "y" * 230 + "@example.ru"  # 254 characters at most: allowed, and counted
        assert client.post(TOKEN, json={"email": email, "password": "wrong"}).status_code == 401
    grown = _stored_key_bytes() - before
    assert 0 < grown < 20 * 2 * 160  # two counters (per-minute and per-hour windows use one key each) per account
    assert account_key(" Curator@Example.RU ") == account_key("curator@example.ru")
    assert "example" not in account_key("curator@example.ru")


def test_the_web_form_refuses_an_overlong_email_before_counting(world, roomy, client):
    before = _stored_key_bytes()
    response = _web_login(client, "z" * 300 + "@example.ru", "wrong")
    assert response.status_code == 422
    assert "Адрес электронной почты длиннее 254 символов." in response.get_data(as_text=True)
    assert _stored_key_bytes() == before


def test_the_login_routes_take_a_small_body_only(world, client):
    padding = "p" * AUTH_MAX_BODY
    api = client.post(TOKEN, json={"email": "a@example.ru", "password": padding})
    assert assert_error(api, 413, "too_large")["message"] == "Слишком большой запрос."
    web = client.post("/auth/login", data={"email": "a@example.ru", "password": padding})
    assert web.status_code == 413
    assert f"Запрос слишком большой: не более {AUTH_MAX_BODY // 1024} КБ." in web.get_data(as_text=True)
