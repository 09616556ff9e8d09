"""The request is the transaction boundary (registry/core/transaction.py): views never commit or roll back, and an
error page drawn after a failed flush still renders in the layout, with the signed-in user's menu and unread count
(the context processors read the database: the boundary rolled the failed transaction back before the page)."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from registry.auth.models import User
from registry.core.errors import ValidationFailed
from registry.extensions import db

PAGE = "notifications.notification_list"
LAYOUT = 'class="brand"'


def _duplicate_of(user_id: int) -> None:
    """Add a second account with the user's e-mail and flush: the unique constraint refuses it."""
    user = db.session.get(User, user_id)
    db.session.add(User(email=user.email, password_hash=user.password_hash, role=user.role,
                        region_id=user.region_id, full_name="Дубликат"))
    db.session.flush()


@pytest.fixture
def signed_in(world, login_as):
    return login_as(world.operator)


def _users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_an_unexpected_failed_flush_renders_the_500_page_with_the_menu(app, world, signed_in, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    users = _users()

    def fails_on_flush():
        _duplicate_of(world.operator.id)
    monkeypatch.setitem(app.view_functions, PAGE, fails_on_flush)
    response = signed_in.get("/notifications")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and LAYOUT in page
    assert "Внутренняя ошибка сервера. Изменения не сохранены" in page
    assert "Кампании" in page and "региональный оператор" in page  # the menu: drawn from the database
    assert _users() == users


def test_a_refusal_after_a_failed_flush_renders_the_error_page_with_the_menu(app, world, signed_in, monkeypatch):
    users = _users()

    def refuses_after_a_failed_flush():
        db.session.get(User, world.operator.id).full_name = "Изменено"  # rolled back with the rest of the request
        try:
            _duplicate_of(world.operator.id)
        except IntegrityError:
            raise ValidationFailed("Учётная запись с этим адресом уже есть.") from None
    monkeypatch.setitem(app.view_functions, PAGE, refuses_after_a_failed_flush)
    response = signed_in.get("/notifications")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and LAYOUT in page
    assert "Учётная запись с этим адресом уже есть." in page and "Кампании" in page
    assert _users() == users
    db.session.expire_all()
    assert db.session.get(User, world.operator.id).full_name != "Изменено"


def test_a_successful_view_is_committed_once_by_the_boundary(app, world, signed_in, monkeypatch):
    def renames():
        db.session.get(User, world.operator.id).full_name = "Сохранено границей"
        return "ok"
    monkeypatch.setitem(app.view_functions, PAGE, renames)
    assert signed_in.get("/notifications").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, world.operator.id).full_name == "Сохранено границей"
