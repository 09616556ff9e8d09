"""The lockout trade-off: others can lock a known account for up to an hour with wrong passwords, so an
administrator can clear that account's failed-login counter (audited)."""
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.extensions import db
from tests import factories
from tests.registry.test_throttle import TOKEN, _api_login


def test_an_admin_clears_a_locked_account_and_it_is_audited(world, app, monkeypatch, login_as, client):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per hour")
    for _ in range(3):
        assert _api_login(client, world.curator.email, "wrong").status_code == 401
    assert _api_login(client, world.curator.email, factories.PASSWORD).status_code == 429
    for _ in range(3):
        assert _api_login(client, world.operator.email, "wrong").status_code == 401

    admin = login_as(world.admin)
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{world.curator.id}/unlock"' in page
    response = admin.post(f"/admin/users/{world.curator.id}/unlock", {"q": "curator"})
    assert response.status_code == 302
    assert "Ограничение неудачных входов для" in admin.get(response.headers["Location"]).get_data(as_text=True)

    assert client.post(TOKEN, json={"email": world.curator.email, "password": factories.PASSWORD}).status_code == 200
    assert _api_login(client, world.operator.email, factories.PASSWORD).status_code == 429  # only that account
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.login_throttle_cleared"))
    assert entry.target_key == world.curator.email and entry.actor_id == world.admin.id


def test_only_an_admin_may_clear_it(world, login_as):
    assert login_as(world.operator).post(f"/admin/users/{world.curator.id}/unlock").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "user.login_throttle_cleared")) == 0


def test_the_cli_clears_it_too(world, app, monkeypatch, client):
    """`flask users unlock` works where the counters are shared (Redis); here the test process's memory is."""
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per hour")
    for _ in range(2):
        assert _api_login(client, world.curator.email, "wrong").status_code == 401
    assert _api_login(client, world.curator.email, factories.PASSWORD).status_code == 429
    result = app.test_cli_runner().invoke(args=["users", "unlock", "--email", world.curator.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Ограничение неудачных входов для {world.curator.email} снято." in result.output
    assert _api_login(client, world.curator.email, factories.PASSWORD).status_code == 200
    assert db.session.scalar(sa.select(AuditEntry.actor_id).where(
        AuditEntry.action == "user.login_throttle_cleared")) is None
    missing = app.test_cli_runner().invoke(args=["users", "unlock", "--email", "nobody@example.ru"])
    assert missing.exit_code != 0 and "не найден" in missing.output
