"""The public home page as a visitor sees it: on a phone the menu folds under «Меню» (details/summary, no
JavaScript), opens, and the mentor search works; on a desktop the navigation bar is open and the way in is there."""
import re

import pytest
from playwright.sync_api import expect

from registry.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.layout import sideways_scroll
from tests.registry.mentoring.builders import published

pytestmark = pytest.mark.browser


@pytest.fixture
def mentors(world):
    published(world.school, "Сидорова Анна Викторовна")
    published(world.van_school, "Петров Илья Сергеевич")
    db.session.commit()


def test_public_home_on_a_phone(world, mentors, session):
    s = session(None, PHONE)
    page = s.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Региональный реестр наставничества")
    menu = page.locator("details.phone-menu")
    practices = menu.get_by_role("link", name="Лучшие практики")
    expect(menu.get_by_text("Меню")).to_be_visible()
    expect(practices).to_be_hidden()  # folded
    expect(page.locator("nav.mainnav")).to_be_hidden()  # the desktop bar gives way to the folded menu
    assert sideways_scroll(page) <= 0
    s.shot("public-home-phone")
    menu.get_by_text("Меню").click()
    expect(practices).to_be_visible()
    expect(menu.get_by_role("link", name="Почётные наставники")).to_be_visible()
    s.shot("phone-menu-open")
    menu.get_by_text("Меню").click()
    expect(practices).to_be_hidden()

    page.get_by_label("Фамилия, организация или компетенции").fill("сидорова")
    page.get_by_role("button", name="Найти").click()
    expect(page).to_have_url(re.compile(r"/registry/\?q="))
    expect(page.get_by_text("Сидорова Анна Викторовна")).to_be_visible()
    expect(page.get_by_text("Петров Илья Сергеевич")).to_have_count(0)
    s.shot("public-search-phone")


def test_public_home_on_a_desktop(world, mentors, session):
    s = session(None, DESKTOP)
    page = s.page
    page.goto("/")
    bar = page.locator("nav.mainnav")
    expect(bar.get_by_role("link", name="Предприятия-партнёры")).to_be_visible()
    expect(page.locator("details.phone-menu")).to_be_hidden()
    expect(page.get_by_role("contentinfo")).to_contain_text("mentoring@example.ru")  # the operator's contacts
    assert page.locator("header img").evaluate("img => img.complete && img.naturalWidth > 0")  # the emblem loads
    s.shot("public-home-desktop")
    page.emulate_media(media="print")  # on paper: no menu, footer or buttons
    for part in ("header.topbar", "footer.site-footer", "form.home-search button"):
        expect(page.locator(part)).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_label("Муниципалитет").select_option(label=world.van.name)
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_text("Петров Илья Сергеевич")).to_be_visible()
    expect(page.get_by_text("Сидорова Анна Викторовна")).to_have_count(0)
    page.get_by_role("link", name="Вход для сотрудников").first.click()
    expect(page.get_by_role("heading", name="Вход в систему")).to_be_visible()
    page.get_by_role("link", name="← На главную страницу реестра").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/$"))
