"""Users: the role drop-down starts at the least privilege; an admin changes a user's role and scope (audited, the
user's sessions and tokens end); users change their own password. Also the region's identity from configuration."""
import re

import pytest
import sqlalchemy as sa

from registry.app import create_app
from registry.auth import services
from registry.auth.models import Role
from registry.config import TestConfig, check_emblem
from registry.core.audit import AuditEntry
from registry.extensions import db
from tests.conftest import CSRF_RE
from tests.factories import PASSWORD
from tests.web.conftest import text

NEW_PASSWORD = "another-horse-77"


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_role_drop_down_defaults_to_the_least_privilege(login_as, world):
    page = text(login_as(world.admin).get("/admin/users"))
    create_form = page[page.index('id="create"'):]
    options = re.findall(r'<option value="(\w+)"( selected)?>', create_form)
    assert [value for value, _ in options] == ["org_curator", "municipal_official", "region_operator", "admin"]
    assert [value for value, selected in options if selected] == ["org_curator"]


def test_admin_changes_role_and_scope_and_the_old_rights_end(login_as, api_as, world):
    curator = login_as(world.curator)
    api = api_as(world.curator)
    assert api.get("/api/v1/regions/27/campaigns").status_code == 200
    admin = login_as(world.admin)
    page = text(admin.get(f"/admin/users/{world.curator.id}/edit"))
    assert world.school.name in page and 'value="27-KHV-S1"' in page
    response = admin.post(f"/admin/users/{world.curator.id}/edit", {"role": "municipal_official", "scope": "27-VAN"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.curator.role is Role.municipal_official and world.curator.municipality_id == world.van.id
    assert world.curator.organization_id is None
    entry = _audit("user.role_changed")[0]
    assert entry.actor_id == world.admin.id and entry.target_key == world.curator.email
    assert entry.before == {"role": "org_curator", "scope": "27-KHV-S1"}
    assert entry.after == {"role": "municipal_official", "scope": "27-VAN"}
    assert "Сеансы пользователя завершены" in text(admin.get("/admin/users"))
    assert "Вход для сотрудников" in text(curator.get("/"))  # the old session is over
    assert api.get("/api/v1/regions/27/campaigns").status_code == 401  # and so is the old token
    official = text(login_as(world.curator).get("/"))
    assert world.van.name in official and "специалист муниципалитета" in official


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"role": "municipal_official", "scope": "27-KHV-S1"}, "scope", "Укажите код муниципалитета"),
    ({"role": "org_curator", "scope": "27-NOPE"}, "scope", "«27-NOPE» не найден"),
    ({"role": "admin", "scope": "27"}, "scope", "нет области действия"),
    ({"role": "root", "scope": ""}, "role", "Неизвестная роль"),
])
def test_a_wrong_role_or_scope_changes_nothing(login_as, world, form, field, message):
    admin = login_as(world.admin)
    response = admin.post(f"/admin/users/{world.curator.id}/edit", form)
    assert response.status_code == 422
    page = text(response)
    assert message in page and f'id="{field}-error"' in page
    db.session.expire_all()
    assert world.curator.role is Role.org_curator and world.curator.organization_id == world.school.id
    assert _audit("user.role_changed") == []


def test_the_scope_is_found_by_name_on_the_role_form(login_as, world):
    """Without JavaScript: a search by part of the name lists the units to choose from; the exact name also works."""
    admin = login_as(world.admin)
    found = text(admin.get(f"/admin/users/{world.curator.id}/edit?unit_q=Ванин"))
    assert 'type="radio"' in found and world.van.name in found
    response = admin.post(f"/admin/users/{world.curator.id}/edit", {"role": "municipal_official",
                                                                    "scope": world.van.name})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(world.curator), world.curator.id).municipality_id == world.van.id


def test_admin_cannot_demote_themself_and_others_cannot_edit(login_as, world):
    admin = login_as(world.admin)
    response = admin.post(f"/admin/users/{world.admin.id}/edit", {"role": "region_operator", "scope": "27"})
    assert response.status_code == 422 and "Нельзя снять с себя роль администратора" in text(response)
    db.session.expire_all()
    assert world.admin.role is Role.admin
    operator = login_as(world.operator)
    assert operator.post(f"/admin/users/{world.curator.id}/edit", {"role": "admin", "scope": ""}).status_code == 403
    assert admin.get("/admin/users/999999/edit").status_code == 404


def test_user_changes_own_password(login_as, world):
    me, other_device = login_as(world.curator), login_as(world.curator)
    page = text(me.get("/"))
    assert 'href="/account/password"' in page  # the user menu links the page
    wrong = me.post("/account/password", {"current_password": "nope", "new_password": NEW_PASSWORD,
                                          "new_password_repeat": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Текущий пароль указан неверно" in text(wrong)
    mismatch = me.post("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                             "new_password_repeat": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422 and "не совпадают" in text(mismatch)
    short = me.post("/account/password", {"current_password": PASSWORD, "new_password": "short",
                                          "new_password_repeat": "short"})
    assert short.status_code == 422 and "не короче 8 символов" in text(short)
    assert _audit("user.password_changed") == []
    done = me.post("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                         "new_password_repeat": NEW_PASSWORD})
    assert done.status_code == 302
    assert "Выйти" in text(me.get("/"))  # this session goes on under the new epoch
    assert "Вход для сотрудников" in text(other_device.get("/"))  # every other session ended
    [entry] = _audit("user.password_changed")
    assert entry.actor_id == world.curator.id
    db.session.expire_all()
    assert services.authenticate(world.curator.email, PASSWORD) is None
    assert services.authenticate(world.curator.email, NEW_PASSWORD) == world.curator


def test_identity_from_configuration(client, app, world):
    page = text(client.get("/"))
    assert app.config["REGION_TITLE"] in page and app.config["OPERATOR_EMAIL"] in page
    emblem = client.get("/emblem")
    assert emblem.status_code == 200 and emblem.mimetype == "image/svg+xml" and b"<svg" in emblem.data
    emblem.close()
    assert CSRF_RE.search(text(client.get("/auth/login")))  # the login form still draws under the new layout


def test_a_missing_emblem_refuses_to_start(tmp_path):
    missing = tmp_path / "герб.svg"
    with pytest.raises(RuntimeError, match=rf"REGION_EMBLEM={re.escape(str(missing))}: no such file"):
        create_app(TestConfig, REGION_EMBLEM=str(missing))
    with pytest.raises(RuntimeError, match="REGION_EMBLEM is empty"):
        check_emblem({"REGION_EMBLEM": ""})
    text_file = tmp_path / "emblem.txt"
    text_file.write_text("x")
    with pytest.raises(RuntimeError, match="must be an .svg or .png"):
        check_emblem({"REGION_EMBLEM": str(text_file)})
    png = tmp_path / "emblem.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    config = {"REGION_EMBLEM": str(png)}
    check_emblem(config)
    assert config["REGION_EMBLEM"] == str(png.resolve())
