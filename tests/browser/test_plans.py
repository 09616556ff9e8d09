"""A municipality drafts and submits its plan, the region returns it with a comment, then approves it, and the
municipal report judges the municipality by «план муниципалитета»."""
import pytest
from playwright.sync_api import expect

from tests.factories import YEAR

pytestmark = pytest.mark.browser
TARGETS = {"R2": "55,5", "R4": "45", "R7": "60", "R8": "8", "R9": "5", "R10": "80", "R11": "82"}


def test_municipal_plan_is_returned_then_approved_and_the_report_uses_it(world, session):
    plan = f"/campaigns/27/{YEAR}/plans/{world.khv.code}"
    official = session(world.khv_official)
    page = official.page
    page.get_by_role("link", name="План муниципалитета").click()
    expect(page.get_by_role("heading", name=f"План муниципалитета на {YEAR} год")).to_be_visible()
    for code, value in TARGETS.items():
        page.locator(f'input[name="target_{code}"]').fill(value)  # labelled by name only: the page shows no codes
    official.shot("plan-typed")
    page.get_by_role("button", name="Сохранить и отправить на утверждение").click()
    expect(page.get_by_text("План отправлен на утверждение").first).to_be_visible()
    expect(page.get_by_text("на утверждении").first).to_be_visible()
    official.shot("plan-submitted")

    operator = session(world.operator)
    operator.page.goto(f"/campaigns/27/{YEAR}/")
    expect(operator.page.locator(".plan-waiting").get_by_role("link", name=world.khv.name)).to_be_visible()
    operator.shot("region-dashboard-waiting")
    operator.page.goto(plan)
    operator.page.get_by_label("Что нужно исправить").fill("R2 ниже цели региона: поднимите до 70 %.")
    operator.page.get_by_role("button", name="Вернуть на доработку").click()
    expect(operator.page.get_by_text("План возвращён на доработку").first).to_be_visible()
    operator.shot("plan-returned")

    page.goto(plan)
    expect(page.get_by_text("R2 ниже цели региона: поднимите до 70 %.")).to_be_visible()
    page.locator('input[name="target_R2"]').fill("70")
    page.get_by_role("button", name="Сохранить и отправить на утверждение").click()
    expect(page.get_by_text("План отправлен на утверждение").first).to_be_visible()

    operator.page.goto(plan)
    operator.page.get_by_role("button", name="Утвердить план").click()
    expect(operator.page.get_by_text("План утверждён.").first).to_be_visible()
    operator.shot("plan-approved")
    operator.page.goto(f"/campaigns/27/{YEAR}/")
    expect(operator.page.locator(".plan-approved").get_by_role("link", name=world.khv.name)).to_be_visible()

    page.goto(f"/campaigns/27/{YEAR}/municipalities/{world.khv.code}/report")
    r2 = page.get_by_role("row").filter(has_text="Доля обучающихся общеобразовательных")
    expect(r2).to_contain_text("70 %")
    expect(r2).to_contain_text("план муниципалитета")
    official.shot("municipal-report-plan")
