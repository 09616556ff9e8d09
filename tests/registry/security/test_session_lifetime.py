"""Web sessions end when idle and at an absolute age; API tokens expire; the session cookie is Secure on https;
the CSRF token changes at login (ASVS 3.3, 3.4; issue 20)."""
from datetime import timedelta

from freezegun import freeze_time

from registry.auth.sessions import EXPIRED
from registry.core.clock import now_utc
from tests import factories
from tests.api.helpers import assert_error
from tests.conftest import CSRF_RE, Browser

HOME = "/admin/users"


def _signed_in(response) -> bool:
    return response.status_code == 200


def test_an_idle_session_ends_after_30_minutes(world, app):
    start = now_utc()
    with freeze_time(start) as clock:
        b = Browser(app.test_client())
        assert b.login(world.admin.email).status_code == 302
        clock.tick(timedelta(minutes=29))
        assert _signed_in(b.get(HOME))  # a request restarts the idle clock
        clock.tick(timedelta(minutes=29))
        assert _signed_in(b.get(HOME))
        clock.tick(timedelta(minutes=31))
        response = b.get(HOME)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
        assert EXPIRED in b.get(response.headers["Location"]).get_data(as_text=True)
        assert b.get(HOME).status_code == 302  # ended for good, not just once


def test_a_busy_session_still_ends_12_hours_after_login(world, app):
    with freeze_time(now_utc()) as clock:
        b = Browser(app.test_client())
        b.login(world.admin.email)
        for _ in range(11 * 4):
            clock.tick(timedelta(minutes=15))
            assert _signed_in(b.get(HOME))
        clock.tick(timedelta(minutes=61))
        assert b.get(HOME).status_code == 302


def test_session_limits_are_settings(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 5)
    with freeze_time(now_utc()) as clock:
        b = Browser(app.test_client())
        b.login(world.admin.email)
        clock.tick(timedelta(minutes=6))
        assert b.get(HOME).status_code == 302


def test_an_api_token_expires_after_30_days_with_a_russian_401(world, app):
    with freeze_time(now_utc()) as clock:
        client = app.test_client()
        token = client.post("/api/v1/auth/token", json={"email": world.operator.email,
                                                         "password": factories.PASSWORD}).get_json()["token"]
        url, headers = "/api/v1/regions/27/campaigns", {"Authorization": f"Bearer {token}"}
        clock.tick(timedelta(days=29, hours=23))
        assert client.get(url, headers=headers).status_code == 200
        clock.tick(timedelta(hours=1))
        error = assert_error(client.get(url, headers=headers), 401, "unauthorized")
        assert error["message"] == ("Срок действия токена истёк (токен действует 30 дней): получите новый через "
                                    "POST /api/v1/auth/token.")


def test_the_session_cookie_is_secure_on_https_or_when_forced(world, app, monkeypatch):
    def cookie(client, **kwargs):
        page = client.get("/auth/login", **kwargs)
        return page.headers.get("Set-Cookie", "")

    assert "Secure" not in cookie(app.test_client())
    assert "Secure" in cookie(app.test_client(), base_url="https://registry.example.ru")
    monkeypatch.setitem(app.config, "TRUST_PROXY", 1)
    assert "Secure" in cookie(app.test_client(), headers={"X-Forwarded-Proto": "https"})
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert "Secure" in cookie(app.test_client())
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", False)
    assert "Secure" not in cookie(app.test_client(), base_url="https://registry.example.ru")


def test_the_csrf_token_changes_at_login(world, app):
    client = app.test_client()
    before = CSRF_RE.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    assert client.post("/auth/login", data={"email": world.admin.email, "password": factories.PASSWORD,
                                             "csrf_token": before}).status_code == 302
    after = CSRF_RE.search(client.get(HOME).get_data(as_text=True)).group(1)
    assert after != before
    response = Browser(client).post("/admin/users", {"email": "x@example.ru", "password": "long-password",
                                                     "role": "admin", "csrf_token": before})
    assert response.status_code == 400  # the token seen before login no longer counts
