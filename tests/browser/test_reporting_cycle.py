"""The whole reporting cycle in a real browser: curator → municipal official → regional operator."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.forms import field, fill_report
from tests.factories import VALID_VALUES

pytestmark = pytest.mark.browser


def test_report_goes_from_the_school_to_the_regional_snapshot(world, session):
    operator = session(world.operator)
    region_page = operator.page
    region_page.get_by_role("link", name="Сводка региона").first.click()
    matrix = region_page.get_by_role("table", name="Полнота и своевременность")
    khv_row = matrix.get_by_role("row", name=re.compile(world.khv.name))
    expect(khv_row).to_contain_text("не отправлен")
    operator.shot("operator-region-before")

    # the curator fills the form, one control-ratio error on the way, corrects it and submits
    curator = session()
    page = curator.page
    page.goto("/")
    curator.shot("login")
    curator.login(world.curator.email)
    page.get_by_role("link", name="Заполнить отчёт").first.click()
    curator.shot("curator-empty-form")
    fill_report(page, dict(VALID_VALUES, mentees_students=1200))  # more mentees than students
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(field(page, "mentees_students")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Не может превышать показатель «Численность обучающихся, всего» (1000)."
                            ).first).to_be_visible()
    expect(field(page, "students_total")).to_have_value("1000")  # what was typed is kept
    curator.shot("curator-validation-error")
    field(page, "mentees_students").fill("200")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.get_by_text("Отчёт отправлен на проверку").first).to_be_visible()
    curator.shot("curator-submitted")

    # the municipal official returns it with a comment
    official = session(world.khv_official)
    review = official.page
    review.get_by_role("link", name="Отчёты на проверке").first.click()
    review.get_by_role("link", name=world.school.name).first.click()
    review.get_by_label(re.compile("Что нужно исправить")).fill("Уточните число пар.")
    official.shot("official-returning")
    review.get_by_role("button", name="Вернуть на доработку").click()
    expect(review.get_by_text("возвращён на доработку с комментарием").first).to_be_visible()
    official.shot("official-returned")

    # the curator sees the comment, changes the value and sends it again
    page.reload()
    expect(page.get_by_text("Уточните число пар.").first).to_be_visible()
    field(page, "pairs_total").fill("148")
    curator.shot("curator-returned")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.get_by_text("Отчёт отправлен на проверку").first).to_be_visible()

    # the official accepts it and sends the municipal report to the region
    review.reload()
    review.get_by_role("button", name="Принять").click()
    expect(review.get_by_text(f"Отчёт «{world.school.name}» принят.")).to_be_visible()
    official.shot("official-accepted")
    review.goto("/")
    review.get_by_role("link", name="Муниципальный отчёт").first.click()
    review.get_by_role("link", name="Отправить муниципальный отчёт…").click()  # a confirmation page first
    expect(review.get_by_text("1 организация не принята и войдёт в список отсутствующих:")).to_be_visible()
    expect(review.get_by_role("listitem").filter(has_text=world.dod.name)).to_be_visible()
    official.shot("official-confirm-municipal-report")
    review.get_by_role("button", name="Отправить муниципальный отчёт").click()
    expect(review.get_by_text("Муниципальный отчёт отправлен в регион").first).to_be_visible()
    official.shot("official-municipal-report-sent")

    # the regional operator sees the change, accepts it, extends a late school's deadline and consolidates
    region_page.reload()
    expect(khv_row).to_contain_text("на проверке в регионе")
    deciding = region_page.get_by_role("table", name=re.compile("Муниципальные отчёты на решении"))
    khv_decision = deciding.get_by_role("row", name=re.compile(world.khv.name))
    expect(khv_decision).to_contain_text("1 / 2")  # accepted / expected organizations
    operator.shot("operator-region-after")
    khv_decision.get_by_role("button", name="Принять").click()
    expect(region_page.get_by_text(f"Отчёт муниципалитета «{world.khv.name}» принят.")).to_be_visible()
    expect(khv_row).to_contain_text("принят регионом")  # the matrix follows the decision
    region_page.get_by_role("link", name="Продления").first.click()
    region_page.get_by_label("Код организации или муниципалитета").fill(world.van_school.code)
    region_page.get_by_label(re.compile("Продлить до")).fill(f"{world.campaign.year + 1}-12-01T18:00")
    region_page.get_by_label("Причина").fill("Паводок: школа закрыта на неделю.")
    region_page.get_by_role("button", name="Продлить").click()
    expect(region_page.get_by_text(f"Продление для «{world.van_school.name}» до 1 декабря")).to_be_visible()
    expect(region_page.get_by_role("row", name=re.compile(world.van_school.name))).to_contain_text("действует")
    operator.shot("operator-extension")
    region_page.goto("/")
    region_page.get_by_role("link", name="Сводка региона").first.click()
    region_page.get_by_role("link", name="Консолидировать…").click()
    expect(region_page.get_by_text("Не приняты и войдут в список отсутствующих")).to_be_visible()
    operator.shot("operator-confirm-consolidation")
    region_page.get_by_role("button", name="Консолидировать").click()
    expect(region_page.get_by_text("Региональная сводка зафиксирована: срез версии 1")).to_be_visible()
    operator.shot("operator-consolidated")
