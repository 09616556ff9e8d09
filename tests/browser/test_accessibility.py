"""Pages fit a 1366×768 screen and a phone, every field has an accessible name, forms work with the keyboard only."""
import re

import pytest
from playwright.sync_api import Page, expect

from monitoring.indicators import CODES
from registry.extensions import db
from registry.mentoring.services import partners
from registry.mentoring.vocab import AgreementKind, PartnerKind
from surveys import services as surveys
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import PASSWORD, VALID_VALUES, YEAR

pytestmark = pytest.mark.browser
#: Fields a person fills: hidden inputs (CSRF, versions) are not fields.
FIELDS = "input:not([type=hidden]), select, textarea"


def _main_pages(world) -> dict:
    """Per user: the pages reached from the menu plus the main forms that are not in it."""
    campaign = f"/campaigns/{world.region.code}/{YEAR}"
    school = world.school.code
    _partner_waiting_for_review(world)
    _, tokens = surveys.open_survey(world.campaign, world.school, "mentee", 2, actor=world.curator)
    db.session.commit()
    return {
        None: ["/", "/auth/login", "/registry/", f"/s/{tokens[0]}"],
        world.curator: [f"{campaign}/submissions/{school}", f"/records/{school}/", f"/records/{school}/mentors/new",
                        f"/records/{school}/import", f"{campaign}/plans/{school}", f"/records/{school}/partners",
                        f"{campaign}/surveys/{school}", f"/records/{school}/documents",
                        f"/records/{school}/programmes", f"/records/{school}/programmes/new", "/account/password"],
        world.khv_official: [f"{campaign}/extensions", f"{campaign}/plans/{world.khv.code}",
                             "/records/partners/review", f"/records/{school}/documents"],
        world.operator: [f"{campaign}/", f"{campaign}/extensions", f"{campaign}/members", f"{campaign}/edit",
                         "/hierarchy/import", "/hierarchy/units", "/imports/", f"{campaign}/plans/{world.khv.code}",
                         f"{campaign}/plans-import"],
        world.admin: ["/admin/users", f"/admin/users/{world.curator.id}/edit"],
    }


#: Pages saved as named screenshots (besides each role's last page), by path.
SCREENSHOTS = {f"/campaigns/27/{YEAR}/": "dashboard", f"/campaigns/27/{YEAR}/submissions/27-KHV-S1": "curator-form"}


def _partner_waiting_for_review(world) -> None:
    """An entrepreneur registered by the school, and another spelling of its name from the ДО centre: the review
    page then shows every one of its forms."""
    agreement = {"inn": "272200000019", "name": "ИП Петров Пётр", "partner_kind": PartnerKind.other,
                 "kind": AgreementKind.social}
    partners.add_agreement(world.school, agreement, actor=world.curator)
    partners.add_agreement(world.dod, {**agreement, "name": "ИП Петров П. П."}, actor=world.dod_curator)
    db.session.commit()


def _menu_links(page: Page) -> list[str]:
    links = page.get_by_role("navigation").get_by_role("link")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def _horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (wide tables scroll inside their own wrapper)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _unnamed_fields(page: Page) -> list[str]:
    fields = page.locator(FIELDS)
    unnamed = []
    for i in range(fields.count()):
        field = fields.nth(i)
        if not field.is_visible():
            continue
        try:
            expect(field).to_have_accessible_name(re.compile(r"\S"), timeout=100)
        except AssertionError:
            unnamed.append(field.evaluate("e => e.outerHTML.slice(0, 120)"))
    return unnamed


def test_main_pages_fit_desktop_and_phone_and_name_every_field(world, session):
    problems = []
    for user, extra in _main_pages(world).items():
        desktop, phone = session(user, DESKTOP), session(user, PHONE)
        pages = ["/"] + _menu_links(desktop.page) + extra if user is not None else extra
        for path in dict.fromkeys(pages):
            for s, size in ((desktop, "1366"), (phone, "390")):
                response = s.page.goto(path)
                assert response.status == 200, f"{path}: {response.status}"
                overflow = _horizontal_overflow(s.page)
                if overflow > 0:
                    problems.append(f"{path} at {size} px: page scrolls sideways by {overflow} px")
            problems += [f"{path}: no accessible name: {html}" for html in _unnamed_fields(desktop.page)]
            if path in SCREENSHOTS:  # the pages the closing notes show
                desktop.page.goto(path)
                desktop.shot(SCREENSHOTS[path])
        role = user.role.value if user else "anonymous"
        desktop.shot(f"{role}-last-desktop")
        phone.shot(f"{role}-last-phone")
    assert problems == []


def _tab_to(page: Page, accessible_name: str, limit: int = 60) -> None:
    """Press Tab until the focused element is the link, button or field with this name."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate("""() => { const e = document.activeElement;
            return (e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || e.value || '').trim(); }""")
        if name.startswith(accessible_name):
            return
    raise AssertionError(f"«{accessible_name}» is not reachable with Tab")


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def test_login_and_report_form_with_the_keyboard_only(world, session):
    s = session()
    page = s.page
    page.goto("/auth/login")
    _tab_to(page, "Электронная почта")
    page.keyboard.type(world.curator.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    s.shot("login-typed")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()

    _tab_to(page, "Заполнить отчёт")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Отправить на проверку")).to_be_visible()
    _tab_to(page, "Численность обучающихся, всего")
    for code in CODES:  # the fields follow one another in Tab order
        assert _focused_id(page) == f"f-{code}"
        page.keyboard.type(str(VALID_VALUES[code]))
        page.keyboard.press("Tab")
    s.shot("form-typed")
    _tab_to(page, "Отправить на проверку")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Отчёт отправлен на проверку").first).to_be_visible()
    expect(page.get_by_text("на проверке").first).to_be_visible()
    s.shot("form-submitted")
