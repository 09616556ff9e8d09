"""Soft warnings: shown next to the field, never blocking a save or a submit."""
from datetime import timedelta

from monitoring import services
from monitoring.soft_warnings import soft_warnings
from registry.extensions import db
from tests import factories
from tests.factories import VALID_VALUES


def test_change_over_half_against_last_year_warns(world):
    last_year = factories.open_campaign(world.region, factories.YEAR - 1, world.admin)
    during = last_year.organization_deadline - timedelta(days=5)
    services.save_values(last_year, world.school, dict(VALID_VALUES), version=None, actor=world.curator, now=during)
    db.session.commit()
    values = dict(VALID_VALUES, pairs_total=400, groups_total=13)
    warnings = soft_warnings(world.campaign, world.school, values)
    assert list(warnings) == ["pairs_total"]
    assert "+167%" in warnings["pairs_total"][0]
    assert "было 150" in warnings["pairs_total"][0]


def test_share_far_above_target_warns_on_its_numerator(world):
    values = dict(VALID_VALUES, mentees_students=990)  # 99% against a 70% target
    warnings = soft_warnings(world.campaign, world.school, values)
    assert "mentees_students" in warnings
    assert "Доля 99 % намного выше целевого значения 70 %" in warnings["mentees_students"][0]


def test_no_warnings_without_history_and_plausible_values(world):
    assert soft_warnings(world.campaign, world.school, dict(VALID_VALUES)) == {}


def test_form_shows_the_warning_and_still_saves(world, login_as):
    browser = login_as(world.curator)
    data = {code: str(v) for code, v in VALID_VALUES.items()} | {"mentees_students": "990", "version": "0",
                                                                 "action": "save"}
    url = f"/campaigns/27/{factories.YEAR}/submissions/{world.school.code}"
    assert browser.post(url, data=data).status_code == 302
    page = browser.get(url).get_data(as_text=True)
    assert "намного выше целевого значения" in page
