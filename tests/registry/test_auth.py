"""Accounts: Argon2id hashes, scoped roles, sessions that end on logout, disabling and password change."""
import re

import pytest
import sqlalchemy as sa

from registry.auth import services
from registry.auth.models import Role, User
from registry.core.audit import AuditEntry
from registry.core.errors import ValidationFailed
from registry.extensions import db
from tests import factories


def test_password_hash_is_argon2id_with_owasp_minimum_cost(world):
    user = services.create_user(email="New@Example.ru", password="long-enough-1", role="org_curator",
                                scope=world.school.code)
    params = re.match(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$", user.password_hash)
    assert params, user.password_hash
    memory_kib, iterations = int(params.group(1)), int(params.group(2))
    assert memory_kib >= 19 * 1024
    assert iterations >= 2
    assert user.email == "new@example.ru"
    assert services.authenticate("new@example.ru", "long-enough-1") == user
    assert services.authenticate("new@example.ru", "wrong-password") is None


@pytest.mark.parametrize(("role", "scope", "field"), [
    ("org_curator", "27-KHV", "scope"),  # a municipality code for a curator
    ("municipal_official", None, "scope"),
    ("admin", "27", "scope"),
    ("wizard", None, "role"),
])
def test_create_user_refuses_mismatched_scope(world, role, scope, field):
    with pytest.raises(ValidationFailed) as err:
        services.create_user(email="x@example.ru", password="long-enough-1", role=role, scope=scope)
    assert field in err.value.fields


def test_create_user_refuses_short_password_and_duplicate_email(world):
    with pytest.raises(ValidationFailed) as err:
        services.create_user(email=world.curator.email, password="short", role="admin", scope=None)
    assert set(err.value.fields) == {"email", "password"}


def test_disabled_user_cannot_authenticate(world):
    services.set_enabled(world.curator, False, actor=world.admin)
    db.session.commit()
    assert services.authenticate(world.curator.email, factories.PASSWORD) is None


def test_users_create_cli(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "op2@example.ru", "--password", "long-enough-1",
                                 "--role", "region_operator", "--scope", "27"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "op2@example.ru"))
    assert user.role is Role.region_operator
    assert user.region_id == world.region.id
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.created",
                                                          AuditEntry.target_key == "op2@example.ru"))
    assert audit is not None


def test_users_create_cli_reports_what_to_fix(app, world):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "c@example.ru", "--password",
                                                "long-enough-1", "--role", "org_curator", "--scope", "NOPE"])
    assert result.exit_code != 0
    assert "«NOPE» не найден" in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "c@example.ru")) is None
