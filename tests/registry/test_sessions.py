"""A stolen session cookie or API token is dead after logout (web or API), a password change or disabling —
and re-enabling the account does not revive it. Stored password hashes are Argon2id at OWASP's minimum cost."""
import re

import pytest
import sqlalchemy as sa

from registry.auth import services
from registry.auth.models import User
from registry.extensions import db
from tests import factories

PAGE = "/notifications"  # a page only a signed-in user gets (`/` shows visitors the public home page)
API = f"/api/v1/regions/27/campaigns/{factories.YEAR}"


def _web_logout(world, browser, token_client):
    assert browser.post("/auth/logout").status_code == 302


def _api_logout(world, browser, token_client):
    assert token_client.post("/api/v1/auth/logout").status_code == 204


def _password_change(world, browser, token_client):
    services.set_password(world.curator, "a-brand-new-password", actor=world.curator)
    db.session.commit()


def _disabling(world, browser, token_client):
    services.set_enabled(world.curator, False, actor=world.admin)
    db.session.commit()


def _disabling_and_enabling(world, browser, token_client):
    _disabling(world, browser, token_client)
    services.set_enabled(world.curator, True, actor=world.admin)
    db.session.commit()


EVENTS = [_web_logout, _api_logout, _password_change, _disabling, _disabling_and_enabling]


def _signed_in(client, cookie: str) -> bool:
    client.set_cookie("session", cookie)
    response = client.get(PAGE)
    return response.status_code == 200


@pytest.mark.parametrize("event", EVENTS, ids=[e.__name__.strip("_") for e in EVENTS])
def test_copied_cookie_and_token_are_refused_after(event, world, login_as, api_as, app):
    browser = login_as(world.curator)
    token_client = api_as(world.curator)
    stolen_cookie = browser.client.get_cookie("session").value
    stolen_token = token_client.headers["Authorization"]
    assert _signed_in(app.test_client(), stolen_cookie)  # the copy works as long as the session lives
    assert token_client.get(API).status_code == 200

    event(world, browser, token_client)

    assert not _signed_in(app.test_client(), stolen_cookie)
    response = app.test_client().get(API, headers={"Authorization": stolen_token})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_password_change_keeps_only_the_new_password(world):
    services.set_password(world.curator, "a-brand-new-password", actor=world.curator)
    db.session.commit()
    assert services.authenticate(world.curator.email, factories.PASSWORD) is None
    assert services.authenticate(world.curator.email, "a-brand-new-password") == world.curator


ARGON2 = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$")


def _cost(stored: str) -> tuple[int, int]:
    match = ARGON2.match(stored)
    assert match, stored
    return int(match.group(1)), int(match.group(2))


def test_every_stored_hash_is_argon2id_with_at_least_19_mib_and_2_iterations(world):
    services.create_user(email="new@example.ru", password="long-enough-1", role="admin", scope=None)
    services.set_password(world.operator, "another-password-2", actor=world.admin)
    db.session.commit()
    stored = db.session.scalars(sa.select(User.password_hash)).all()
    assert len(stored) == 10
    for value in stored:
        memory_kib, iterations = _cost(value)
        assert memory_kib >= 19 * 1024 and iterations >= 2


def test_unknown_accounts_cost_one_verification_like_known_ones(world, monkeypatch):
    """Hashing a decoy on every attempt made unknown e-mails twice as slow as known ones: an account oracle."""
    services.authenticate("warm-up@example.ru", "x")
    calls = {"hash": 0, "verify": 0}
    real_verify = services.verify_password
    monkeypatch.setattr(services, "hash_password", lambda p: calls.__setitem__("hash", calls["hash"] + 1))
    monkeypatch.setattr(services, "verify_password",
                        lambda h, p: calls.__setitem__("verify", calls["verify"] + 1) or real_verify(h, p))
    for email in ("nobody@example.ru", "nobody2@example.ru", world.curator.email):
        assert services.authenticate(email, "wrong-password") is None
    assert calls == {"hash": 0, "verify": 3}
