"""A curator invites a mentor; the mentor opens the e-mailed link, sets a password, writes the quarterly report,
gets it returned with a comment, fixes it, and the curator accepts it."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from registry.extensions import db
from registry.notify.models import OutboxMessage
from tests.registry.mentoring import builders

pytestmark = pytest.mark.browser
LINK = re.compile(r"https?://\S+(/auth/set-password/\S+)")


def test_mentor_is_invited_and_their_report_is_returned_then_accepted(world, session):
    mentor = builders.mentor(world.school, "Лебедева Ирина Олеговна")
    kid = builders.mentee(world.school, "Соколов Артём")
    builders.pair(world.school, [mentor], [kid])
    db.session.commit()

    curator = session(world.curator)
    page = curator.page
    page.goto(f"/records/{world.school.code}/mentors/{mentor.id}")
    page.get_by_label("Электронная почта наставника").fill("lebedeva@example.ru")
    page.get_by_role("button", name="Пригласить наставника").click()
    expect(page.get_by_text("Приглашение отправлено на lebedeva@example.ru").first).to_be_visible()
    curator.shot("curator-invited")

    db.session.expire_all()
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_addr == "lebedeva@example.ru"))
    link = LINK.search(mail.body).group(1)
    guest = session()
    welcome = guest.page
    welcome.goto(link)
    expect(welcome.get_by_role("heading", name="Приглашение: задайте пароль")).to_be_visible()
    welcome.get_by_label("Новый пароль").fill("наставник-2025")
    welcome.get_by_label("Пароль ещё раз").fill("наставник-2025")
    guest.shot("mentor-sets-password")
    welcome.get_by_role("button", name="Задать пароль и войти").click()
    expect(welcome.get_by_role("heading", name="Наставник: Лебедева Ирина Олеговна")).to_be_visible()
    expect(welcome.get_by_text("Соколов Артём")).to_be_visible()
    guest.shot("mentor-home")

    welcome.get_by_role("link", name=re.compile("^Отчёт за .* квартал")).click()
    welcome.get_by_label("Что сделано").fill("Четыре встречи, подготовка к олимпиаде.")
    welcome.get_by_label("Результаты").fill("Артём прошёл в муниципальный этап.")
    welcome.get_by_label("Проблемы и трудности").fill("Нет")
    welcome.get_by_role("button", name="Отправить куратору").click()
    expect(welcome.get_by_text("Отчёт отправлен куратору.").first).to_be_visible()
    guest.shot("mentor-report-sent")

    page.goto(f"/records/{world.school.code}/mentor-reports")
    page.get_by_role("link", name=re.compile("^Открыть отчёт: Лебедева")).click()
    page.get_by_label("Что исправить").fill("Укажите результаты муниципального этапа.")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("Отчёт возвращён наставнику на доработку.").first).to_be_visible()
    curator.shot("curator-returned")

    welcome.reload()
    expect(welcome.get_by_text("Укажите результаты муниципального этапа.")).to_be_visible()
    welcome.get_by_label("Результаты").fill("Артём занял второе место на муниципальном этапе.")
    guest.shot("mentor-fixing")
    welcome.get_by_role("button", name="Отправить куратору").click()
    expect(welcome.get_by_text("Отчёт отправлен куратору.").first).to_be_visible()

    page.reload()
    expect(page.get_by_text("второе место")).to_be_visible()
    page.get_by_role("button", name="Принять отчёт").click()
    expect(page.get_by_text("Отчёт принят.").first).to_be_visible()
    curator.shot("curator-accepted")
    welcome.reload()
    expect(welcome.get_by_text("принят", exact=True)).to_be_visible()
    guest.shot("mentor-accepted")
