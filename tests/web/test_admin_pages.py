"""The administrator's user page: list, create with field errors, disable and enable."""
import sqlalchemy as sa

from registry.auth import admin_views
from registry.auth.models import Role, User
from registry.extensions import db
from tests import factories
from tests.support.listing import assert_sorts_and_pages, body
from tests.web.conftest import text


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_admin_lists_users_with_role_and_scope(login_as, world):
    page = text(login_as(world.admin).get("/admin/users"))
    assert world.curator.email in page and "куратор организации" in page and world.school.name in page
    found = text(login_as(world.admin).get("/admin/users?q=khv"))
    assert world.khv_official.email in found and world.curator.email not in found


def test_admin_creates_a_user_and_sees_field_errors(login_as, world):
    admin = login_as(world.admin)
    refused = admin.post("/admin/users", {"email": "new@example.ru", "full_name": "Иванова И. И.",
                                          "password": "short", "role": "org_curator", "scope": "27-KHV"})
    body = text(refused)
    assert refused.status_code == 422
    assert "Пароль должен быть не короче 8 символов." in body and 'id="password-error"' in body
    assert "Укажите код организации для этой роли." in body and 'id="scope-error"' in body
    assert 'value="new@example.ru"' in body and 'value="Иванова И. И."' in body  # typed values kept
    assert _user("new@example.ru") is None
    created = admin.post("/admin/users", {"email": "new@example.ru", "full_name": "Иванова И. И.",
                                          "password": "long-enough-1", "role": "org_curator", "scope": "27-KHV-S1"})
    assert created.status_code == 302
    user = _user("new@example.ru")
    assert user.role is Role.org_curator and user.organization_id == world.school.id
    assert f"Пользователь new@example.ru создан: «{world.school.name}»." in text(admin.get(created.headers["Location"]))


def test_admin_disables_a_user_whose_session_then_ends(login_as, world):
    curator = login_as(world.curator)
    assert curator.get("/").status_code == 200
    admin = login_as(world.admin)
    assert admin.post(f"/admin/users/{world.curator.id}/disable").status_code == 302
    assert _user(world.curator.email).is_enabled is False
    response = curator.get("/")  # the public home page, not the curator's workplace
    assert response.status_code == 200 and "Вход для сотрудников" in text(response) and "Выйти" not in text(response)
    assert curator.login(world.curator.email).status_code == 401
    assert admin.post(f"/admin/users/{world.curator.id}/enable").status_code == 302
    assert _user(world.curator.email).is_enabled is True


def test_admin_cannot_disable_themselves(login_as, world):
    admin = login_as(world.admin)
    assert admin.post(f"/admin/users/{world.admin.id}/disable").status_code == 403
    assert _user(world.admin.email).is_enabled is True


def test_user_list_sorts_and_pages_keeping_the_search(login_as, world, monkeypatch):
    monkeypatch.setattr(admin_views, "PER_PAGE", 2)
    for email in ("zzz@example.ru", "aaa@example.ru"):
        factories.user(email, Role.org_curator, world.school)
    db.session.commit()
    admin = login_as(world.admin)
    assert_sorts_and_pages(admin, "/admin/users", "email", "aaa@example.ru", "zzz@example.ru",
                           default_first="aaa@example.ru")
    found = body(admin, "/admin/users?q=operator&sort=-email")
    assert found.index("operator@example.ru") < found.index("operator79@example.ru") and "Страница" not in found
