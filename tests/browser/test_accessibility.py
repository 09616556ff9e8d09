"""Pages fit a 1366×768 screen and a phone, every field has an accessible name, forms work with the keyboard only."""
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from monitoring.indicators import CODES
from monitoring.models import Submission
from registry.auth import links
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.services import partners
from registry.mentoring.vocab import AgreementKind, PartnerKind
from registry.mentors import services as mentor_services
from registry.mentors.vocab import quarter_of
from surveys import services as surveys
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.forms import field
from tests.browser.layout import sideways_scroll
from tests.factories import PASSWORD, VALID_VALUES, YEAR
from tests.registry.mentoring import builders as mentoring_builders
from tests.registry.mentors import builders as mentor_builders

pytestmark = pytest.mark.browser
#: Fields a person fills: hidden inputs (CSRF, versions) are not fields.
FIELDS = "input:not([type=hidden]), select, textarea"


def _main_pages(world) -> dict:
    """Per user: the pages reached from the menu plus the main forms that are not in it."""
    campaign = f"/campaigns/{world.region.code}/{YEAR}"
    school = world.school.code
    _partner_waiting_for_review(world)
    _, tokens = surveys.open_survey(world.campaign, world.school, "mentee", 2, actor=world.curator)
    m, report, link = _mentor_pages(world)
    db.session.commit()
    mentor_card = f"/records/{school}/mentors/{m.anna.id}"
    return {
        None: ["/", "/auth/login", "/registry/", f"/s/{tokens[0]}", f"/auth/set-password/{link}"],
        m.anna_user: [f"/mentor/pairs/{m.anna_pair.id}", f"/mentor/reports/{report.year}/{report.quarter}"],
        world.curator: [f"{campaign}/submissions/{school}", f"/records/{school}/", f"/records/{school}/mentors/new",
                        f"/records/{school}/import", f"{campaign}/plans/{school}", f"/records/{school}/partners",
                        f"{campaign}/surveys/{school}", f"/records/{school}/documents",
                        f"/records/{school}/programmes", f"/records/{school}/programmes/new", mentor_card,
                        f"/records/{school}/mentor-reports", f"/records/{school}/mentor-reports/{report.id}",
                        f"{mentor_card}/evaluations/{report.year}", "/notifications/settings", "/account/password"],
        world.khv_official: [f"{campaign}/municipalities/{world.khv.code}/report/submit",
                             f"{campaign}/extensions", f"{campaign}/plans/{world.khv.code}",
                             "/records/partners/review", f"/records/{school}/documents"],
        world.operator: [f"{campaign}/", f"{campaign}/extensions", f"{campaign}/members", f"{campaign}/edit",
                         "/hierarchy/import", "/hierarchy/units", "/imports/", f"{campaign}/plans/{world.khv.code}",
                         f"{campaign}/plans-import", f"{campaign}/consolidate", f"{campaign}/form-sets"],
        world.admin: ["/admin/users", f"/admin/users/{world.curator.id}/edit"],
    }


def _mentor_pages(world):
    """Two mentors with accounts and pairs, a report of the first one waiting for the curator, an invitation link."""
    m = mentor_builders.build(world)
    now = now_utc()
    today = mentor_services.local_today(m.anna_user, now)
    report = mentor_services.save_report(m.anna_user, today.year, quarter_of(today),
                                         {"done": "Встречи", "results": "Проект", "problems": "Нет"}, submit=True,
                                         now=now)
    invited = mentoring_builders.mentor(world.school, "Новикова Нина")
    db.session.flush()
    user = mentor_services.invite(invited, "nina@example.ru", actor=world.curator, now=now)
    token = links.issue(user, "invitation", actor=world.curator, now=now)
    return m, report, token


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
                overflow = sideways_scroll(s.page)
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


def test_a_refused_submission_page_fits_and_still_saves_to_the_form_address(world, session):
    """«Отправить на проверку» posts to …/submit; an incomplete report comes back there with the draft kept. That
    page fits desktop and phone, names every field, and its «Сохранить черновик» still saves to the form's own
    address."""
    problems = []
    form_url = f"/campaigns/{world.region.code}/{YEAR}/submissions/{world.school.code}"
    for typed, (s, size) in zip(("900", "901"), ((session(world.curator, DESKTOP), "1366"),
                                                 (session(world.curator, PHONE), "390")), strict=True):
        page = s.page
        page.goto(form_url)
        field(page, "students_total").fill(typed)
        page.get_by_role("button", name="Отправить на проверку").click()
        expect(page.get_by_text("на проверку отчёт не отправлен").first).to_be_visible()
        assert page.url.endswith(f"{form_url}/submit")
        expect(field(page, "students_total")).to_have_value(typed)
        overflow = sideways_scroll(page)
        if overflow > 0:
            problems.append(f"{form_url}/submit at {size} px: page scrolls sideways by {overflow} px")
        problems += [f"{form_url}/submit: no accessible name: {html}" for html in _unnamed_fields(page)]
        s.shot(f"refused-submission-{size}")
    assert problems == []
    field(page, "students_total").fill("902")
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_text("Черновик сохранён").first).to_be_visible()
    assert page.url.endswith(form_url)
    db.session.expire_all()
    submission = db.session.scalar(sa.select(Submission).where(Submission.organization_id == world.school.id))
    assert submission.value_map() == {"students_total": 902} and submission.version == 3


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


def test_a_decimal_comma_is_typed_saved_and_shown_back(world, session):
    s = session(world.curator)
    page = s.page
    page.goto(f"/campaigns/{world.region.code}/{YEAR}/submissions/{world.school.code}")
    field = page.get_by_label(re.compile("^Удовлетворённость наставляемых"))
    field.fill("95,5")
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_text("Черновик сохранён").first).to_be_visible()
    page.reload()
    expect(page.get_by_label(re.compile("^Удовлетворённость наставляемых"))).to_have_value("95,5")
    s.shot("decimal-comma")
    db.session.expire_all()
    submission = db.session.scalar(sa.select(Submission).where(Submission.organization_id == world.school.id))
    assert submission.value_map()["mentee_satisfaction_pct"] == 95.5


def test_a_unit_is_found_by_name_and_chosen_without_javascript(world, session):
    s = session(world.operator, javascript=False)
    page = s.page
    page.goto(f"/campaigns/{world.region.code}/{YEAR}/extensions")
    page.get_by_role("searchbox", name="Найти организацию или муниципалитет по названию").fill("ванино")
    page.get_by_role("button", name="Найти").click()
    page.get_by_label(re.compile(r"^Школа п\. Ванино \(организация")).check()
    page.get_by_label(re.compile("Продлить до")).fill(f"{YEAR + 1}-12-01T18:00")
    page.get_by_label("Причина").fill("Паводок: школа закрыта на неделю.")
    page.get_by_role("button", name="Продлить", exact=True).click()
    expect(page.get_by_text(f"Продление для «{world.van_school.name}» до 1 декабря {YEAR + 1} г., 18:00 "
                            "по времени Владивостока.")).to_be_visible()
    s.shot("picked-by-name")
