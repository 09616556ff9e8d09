"""Plan pages: decimal comma, per-field errors that change nothing, the decision forms, the dashboards' plan lists."""
from monitoring.plans import services as plans
from monitoring.plans.models import PlanStatus
from registry.extensions import db
from tests.factories import YEAR

URL = f"/campaigns/27/{YEAR}/plans"
KHV_TARGETS = {"R2": 55, "R4": 45, "R7": 60, "R8": 8, "R9": 5, "R10": 80, "R11": 82}


def _form(targets: dict, version: int = 0) -> dict:
    return {"version": str(version), **{f"target_{k}": v for k, v in targets.items()}}


def test_the_official_saves_a_plan_with_a_decimal_comma(world, login_as):
    page = login_as(world.khv_official)
    response = page.post(f"{URL}/27-KHV", data=_form({"R2": "45,5", "R7": " 60 "}))
    assert response.status_code == 302
    plan = plans.get_plan(world.campaign, world.khv)
    assert plan.target_map() == {"R2": 45.5, "R7": 60.0} and plan.status is PlanStatus.draft
    html = page.get(f"{URL}/27-KHV").get_data(as_text=True)
    assert 'value="45,5"' in html


def test_save_and_submit_posts_to_its_own_address_and_sends_the_plan(world, login_as):
    page = login_as(world.khv_official)
    form = page.get(f"{URL}/27-KHV").get_data(as_text=True)
    assert f'formaction="{URL}/27-KHV/submit"' in form and f'action="{URL}/27-KHV"' in form
    targets = {k: str(v) for k, v in KHV_TARGETS.items()}
    response = page.post(f"{URL}/27-KHV/submit", data=_form(targets))
    assert response.status_code == 302
    assert "План отправлен на утверждение." in page.get(response.location).get_data(as_text=True)
    plan = plans.get_plan(world.campaign, world.khv)
    assert plan.status is PlanStatus.submitted and plan.target_map() == {k: float(v) for k, v in KHV_TARGETS.items()}


def test_a_refused_submission_keeps_nothing_of_the_plan(world, login_as):
    page = login_as(world.khv_official)
    response = page.post(f"{URL}/27-KHV/submit", data=_form({"R2": "50"}, version=3))  # a stale version
    assert response.status_code == 409 and 'value="50"' in response.get_data(as_text=True)
    assert plans.get_plan(world.campaign, world.khv) is None


def test_bad_cells_are_shown_per_field_and_change_nothing(world, login_as):
    page = login_as(world.khv_official)
    response = page.post(f"{URL}/27-KHV", data=_form({"R2": "много", "R7": "160"}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Нужно число от 0 до 100, например 45,5." in html
    assert plans.get_plan(world.campaign, world.khv) is None
    response = page.post(f"{URL}/27-KHV", data=_form({"R7": "160"}))
    assert response.status_code == 422 and "Нужно число от 0 до 100." in response.get_data(as_text=True)
    assert plans.get_plan(world.campaign, world.khv) is None


def test_the_region_returns_with_a_comment_only_and_approves(world, login_as):
    plans.save_targets(world.campaign, world.khv, KHV_TARGETS, version=None, actor=world.khv_official)
    plans.submit(world.campaign, world.khv, actor=world.khv_official)
    db.session.commit()
    operator = login_as(world.operator)
    page = operator.get(f"{URL}/27-KHV").get_data(as_text=True)
    assert "Утвердить план" in page and "Вернуть на доработку" in page
    response = operator.post(f"{URL}/27-KHV/return", data={"comment": " "})
    assert response.status_code == 422 and "Комментарий обязателен." in response.get_data(as_text=True)
    assert plans.get_plan(world.campaign, world.khv).status is PlanStatus.submitted
    assert operator.post(f"{URL}/27-KHV/approve").status_code == 302
    assert plans.get_plan(world.campaign, world.khv).status is PlanStatus.approved
    assert "Переоткрыть план" in operator.get(f"{URL}/27-KHV").get_data(as_text=True)
    # the official sees it approved and can no longer edit it
    html = login_as(world.khv_official).get(f"{URL}/27-KHV").get_data(as_text=True)
    assert "утверждён" in html and "Сохранить черновик" not in html


def test_dashboards_list_units_by_plan_state(world, login_as):
    plans.save_targets(world.campaign, world.khv, KHV_TARGETS, version=None, actor=world.khv_official)
    plans.submit(world.campaign, world.khv, actor=world.khv_official)
    plans.save_targets(world.campaign, world.school, {"R2": 70, "R7": 60, "R8": 8, "R10": 80, "R11": 80},
                       version=None, actor=world.curator)
    plans.submit(world.campaign, world.school, actor=world.curator)
    plans.approve(world.campaign, world.school, actor=world.khv_official)
    db.session.commit()
    region = login_as(world.operator).get(f"/campaigns/27/{YEAR}/").get_data(as_text=True)
    board = region[region.index('id="plans"'):]
    assert "Ждут утверждения: 1 из 2" in board and "План утверждён: 0 из 2" in board
    assert "Нет утверждённого плана: 1 из 2" in board
    assert board.index(world.khv.name) < board.index("Нет утверждённого плана") < board.index(world.van.name)
    home = login_as(world.khv_official).get("/").get_data(as_text=True)
    board = home[home.index('id="plans"'):]
    assert "План утверждён: 1 из 2" in board and "Нет утверждённого плана: 1 из 2" in board
    assert board.index(world.school.name) < board.index("Нет утверждённого плана") < board.index(world.dod.name)
