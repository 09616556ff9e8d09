"""The one "set your password" link mechanism: invitation by the curator, reset by the administrator."""
import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry.auth import links
from registry.auth.models import PasswordLink, Role, User
from registry.auth.passwords import verify_password
from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from registry.notify.models import OutboxMessage
from tests.conftest import CSRF_RE
from tests.registry.mentoring import builders

LINK_RE = re.compile(r"http://\S+/auth/set-password/(\S+)")
NEW = "новый-пароль-42"


def _mail_token(to: str) -> str:
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_addr == to)
                              .order_by(OutboxMessage.id.desc())).first()
    return LINK_RE.search(mail.body).group(1)


def _set(client, token: str, password: str = NEW, again: str | None = None):
    page = client.get(f"/auth/set-password/{token}")
    csrf = CSRF_RE.search(page.get_data(as_text=True))
    if page.status_code != 200:
        return page  # the refusal page has no form to send
    data = {"password": password, "password2": password if again is None else again, "csrf_token": csrf.group(1)}
    return client.post(f"/auth/set-password/{token}", data=data)


def _invite(login_as, world, email="new.mentor@example.ru"):
    mentor = builders.mentor(world.school, "Приглашённая Ольга")
    db.session.commit()
    curator = login_as(world.curator)
    response = curator.post(f"/records/27-KHV-S1/mentors/{mentor.id}/invite", data={"email": email})
    assert response.status_code == 302, response.get_data(as_text=True)
    return mentor


def test_invitation_creates_a_mentor_account_mails_a_link_that_sets_the_password_once(app, world, login_as):
    mentor = _invite(login_as, world)
    user = db.session.scalar(sa.select(User).where(User.mentor_id == mentor.id))
    assert (user.role, user.organization_id, user.email) == (Role.mentor, world.school.id, "new.mentor@example.ru")
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_addr == user.email))
    assert mail.subject == "Приглашение в реестр наставничества" and "Школа № 1 г. Хабаровска" in mail.body
    token = _mail_token(user.email)
    stored = db.session.scalar(sa.select(PasswordLink).where(PasswordLink.user_id == user.id))
    assert stored.token_hash != token and token not in stored.token_hash  # only the hash is kept

    client = app.test_client()
    response = _set(client, token)
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/mentor/")  # signed in, on the mentor's page
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW)
    again = _set(app.test_client(), token, "другой-пароль-99")
    assert again.status_code == 410 and "уже использована" in again.get_data(as_text=True)
    actions = set(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_key == user.email)))
    assert {"user.password_link_invitation", "user.password_set_by_invitation"} <= actions


def test_refused_password_keeps_the_link_usable(app, world, login_as):
    mentor = _invite(login_as, world)
    token = _mail_token("new.mentor@example.ru")
    client = app.test_client()
    short = _set(client, token, "короткий"[:5])
    assert short.status_code == 422 and "не короче 8 символов" in short.get_data(as_text=True)
    mismatch = _set(client, token, NEW, again=NEW + "x")
    assert mismatch.status_code == 422 and "Пароли не совпадают" in mismatch.get_data(as_text=True)
    assert _set(client, token).status_code == 302
    assert db.session.scalar(sa.select(User.id).where(User.mentor_id == mentor.id))


def test_expired_and_unknown_links_get_a_russian_page(app, world, login_as):
    _invite(login_as, world)
    token = _mail_token("new.mentor@example.ru")
    db.session.execute(sa.update(PasswordLink).values(expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    expired = app.test_client().get(f"/auth/set-password/{token}")
    assert expired.status_code == 410 and "Срок действия ссылки истёк" in expired.get_data(as_text=True)
    assert _set(app.test_client(), token).status_code == 410
    unknown = app.test_client().get("/auth/set-password/not-a-token")
    assert unknown.status_code == 410 and "Ссылка не найдена" in unknown.get_data(as_text=True)


def test_expiry_is_configurable(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_LINK_LIFETIME_HOURS", 2)
    now = now_utc()
    with app.test_request_context():
        links.issue(world.curator, "reset", actor=world.admin, now=now)
    db.session.commit()
    link = db.session.scalar(sa.select(PasswordLink))
    assert link.expires_at - now == timedelta(hours=2)


def test_a_new_link_voids_the_older_one(app, world):
    with app.test_request_context():
        first = links.issue(world.curator, "reset", actor=world.admin, now=now_utc())
        second = links.issue(world.curator, "reset", actor=world.admin, now=now_utc())
    db.session.commit()
    assert _set(app.test_client(), first).status_code == 410
    assert _set(app.test_client(), second).status_code == 302


def test_two_concurrent_uses_set_the_password_once(app, world):
    """Both requests found the link usable; the conditional UPDATE lets only the first one spend it."""
    with app.test_request_context():
        token = links.issue(world.curator, "reset", actor=world.admin, now=now_utc())
    db.session.commit()
    now = now_utc()
    links.check(token, now=now)  # the second request's check, before the first one commits
    with app.app_context():
        links.redeem(token, "первый-пароль-1", now=now)
        db.session.commit()
    with pytest.raises(links.LinkRefused) as refused:
        links.redeem(token, "второй-пароль-2", now=now)
    assert refused.value.reason == "used"
    db.session.rollback()
    assert verify_password(db.session.get(User, world.curator.id).password_hash, "первый-пароль-1")


def test_admin_sends_a_reset_link_from_the_user_list(app, world, login_as):
    admin = login_as(world.admin)
    assert "Отправить ссылку для смены пароля" in admin.get("/admin/users").get_data(as_text=True)
    response = admin.post(f"/admin/users/{world.curator.id}/password-link", data={})
    assert response.status_code == 302
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_addr == world.curator.email))
    assert mail.subject == "Смена пароля в реестре наставничества"
    old_sessions = login_as(world.curator)
    assert _set(app.test_client(), _mail_token(world.curator.email)).status_code == 302
    # the password change ended the curator's other sessions
    assert old_sessions.get("/notifications").status_code == 302
    assert login_as(world.admin).post(f"/admin/users/{world.curator.id}/password-link").status_code == 302
    assert login_as(world.khv_official).post(f"/admin/users/{world.admin.id}/password-link").status_code == 403


def test_invitation_refuses_a_taken_address_and_changes_nothing(app, world, login_as):
    mentor = builders.mentor(world.school, "Приглашённая Ольга")
    db.session.commit()
    response = login_as(world.curator).post(f"/records/27-KHV-S1/mentors/{mentor.id}/invite",
                                            data={"email": world.khv_official.email})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(User.id).where(User.mentor_id == mentor.id)) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_two_simultaneous_requests_set_the_password_once(app, world):
    """Two threads, each with its own session, use the same link at the same moment: one wins, one is refused."""
    with app.test_request_context():
        token = links.issue(world.curator, "reset", actor=world.admin, now=now_utc())
    db.session.commit()
    start, results = threading.Barrier(2), {}

    def use(password: str) -> None:
        with app.app_context():
            start.wait()
            try:
                links.redeem(token, password, now=now_utc())
                db.session.commit()
                results[password] = "set"
            except links.LinkRefused as refused:
                db.session.rollback()
                results[password] = refused.reason
            finally:
                db.session.remove()

    threads = [threading.Thread(target=use, args=(p,)) for p in ("первый-пароль-1", "второй-пароль-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == ["set", "used"], results
    winner = next(p for p, r in results.items() if r == "set")
    db.session.expire_all()
    assert verify_password(db.session.get(User, world.curator.id).password_hash, winner)
