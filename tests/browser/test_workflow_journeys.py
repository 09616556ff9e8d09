"""The other side is told, and a late return can be fixed: two journeys in a real browser."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from monitoring import services
from registry.extensions import db
from registry.notify.mail import deliver_outbox
from tests.browser.forms import field
from tests.deadlines.conftest import config, smtp, smtp_server  # noqa: F401 - fixtures
from tests.factories import VALID_VALUES

pytestmark = pytest.mark.browser


def _submitted(world, now=None):
    services.save_values(world.campaign, world.school, dict(VALID_VALUES), version=None, actor=world.curator, now=now)
    services.submit(world.campaign, world.school, actor=world.curator, now=now)
    db.session.commit()


def _return(official, world, comment: str):
    page = official.page
    page.get_by_role("link", name="Отчёты на проверке").first.click()
    page.get_by_role("link", name=world.school.name).first.click()
    page.get_by_label(re.compile("Что нужно исправить")).fill(comment)
    return page


def test_a_return_reaches_the_curator_in_the_app_and_by_email(world, session, smtp):  # noqa: F811 - fixture
    _submitted(world)
    official = session(world.khv_official)
    page = _return(official, world, "Уточните число пар.")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("возвращён на доработку с комментарием").first).to_be_visible()
    deliver_outbox(datetime.now(UTC))  # the scheduler's delivery step
    [mail] = smtp.to(world.curator.email)
    assert mail["Subject"] == f"Отчёт возвращён на доработку: {world.school.name}"
    assert "Уточните число пар." in mail.get_content()

    curator = session(world.curator)
    page = curator.page
    page.get_by_role("link", name=re.compile("^Уведомления")).click()
    expect(page.get_by_text(f"Отчёт возвращён на доработку: {world.school.name}")).to_be_visible()
    expect(page.get_by_text("Уточните число пар.")).to_be_visible()
    curator.shot("curator-notified")
    page.get_by_role("link", name="Настроить уведомления по e-mail").click()
    page.get_by_label("Отчёт организации принят").uncheck()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки уведомлений сохранены")).to_be_visible()
    expect(page.get_by_label("Отчёт организации принят")).not_to_be_checked()
    curator.shot("curator-settings")


def test_a_return_after_the_deadline_extends_it_and_the_curator_resubmits(world, session):
    campaign = world.campaign
    now = datetime.now(UTC)
    _submitted(world, now=now - timedelta(days=2))
    campaign.organization_deadline = now - timedelta(days=1)  # the school's window has closed
    db.session.commit()
    official = session(world.khv_official)
    page = _return(official, world, "Уточните число пар.")
    expect(page.get_by_text("При возврате будет автоматически предоставлено продление на 5 дн.")).to_be_visible()
    official.shot("official-warned-of-extension")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("возвращён на доработку с комментарием").first).to_be_visible()

    curator = session(world.curator)
    page = curator.page
    page.get_by_role("link", name="Заполнить отчёт").first.click()
    expect(page.get_by_text(re.compile("Срок продлён до"))).to_be_visible()
    expect(page.get_by_text("Уточните число пар.").first).to_be_visible()
    field(page, "pairs_total").fill("148")
    curator.shot("curator-extended")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.get_by_text("Отчёт отправлен на проверку").first).to_be_visible()
