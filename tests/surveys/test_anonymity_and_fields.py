"""Anonymity (nothing ties an answer to a link or a person), the under-5 rule per role, and the submission's
survey fields that follow the survey (typing over them is refused; without a survey typing stays possible)."""
import re

import pytest
import sqlalchemy as sa

from monitoring import services
from registry.core.audit import AuditEntry
from registry.extensions import db
from surveys.models import SurveyAnswer, SurveyLink
from tests import factories
from tests.api.helpers import assert_error, submission_url
from tests.surveys.helpers import BASE, answer, answers, open_survey, token_of


def test_no_column_or_audit_row_ties_an_answer_to_a_link_or_a_person(world, api_as, client):
    opened = open_survey(api_as(world.curator), world.school.code, links=3)
    tokens = [token_of(u) for u in opened["links"]]
    for url in opened["links"][:2]:
        assert answer(client, url, answers(8)).status_code == 201
    answer_columns = set(SurveyAnswer.__table__.columns.keys())
    assert answer_columns == {"id", "survey_id", "score", "answers"}  # no link, time, address or person
    assert set(SurveyLink.__table__.columns.keys()) == {"id", "survey_id", "token", "used"}  # no time of use
    audit = db.session.scalars(sa.select(AuditEntry)).all()
    assert [e.action for e in audit if e.target_type == "survey"] == ["survey.opened"]
    dumped = " ".join(f"{e.action} {e.target_key} {e.before} {e.after} {e.comment}" for e in audit)
    assert not any(t in dumped for t in tokens)
    link_ids = set(db.session.scalars(sa.select(SurveyLink.id)))
    stored = db.session.scalars(sa.select(SurveyAnswer)).all()
    assert all(not (set(map(str, row.answers.values())) & (set(tokens) | {str(i) for i in link_ids})) for row in stored)


def _three_answers(world, api_as, client):
    saved = api_as(world.curator).put(submission_url(world.school.code), json={"values": {"students_total": 10},
                                                                              "version": 0})
    assert saved.status_code == 200
    opened = open_survey(api_as(world.curator), world.school.code, links=5)
    for url in opened["links"][:3]:
        assert answer(client, url, answers(10)).status_code == 201
    return opened


@pytest.mark.parametrize(("role", "sees"), [("operator", True), ("admin", True), ("curator", False),
                                            ("khv_official", False)])
def test_under_5_respondents_the_percentage_is_shown_to_the_region_only(world, api_as, client, role, sees):
    opened = _three_answers(world, api_as, client)
    body = api_as(getattr(world, role)).get(f"{BASE}/surveys/{opened['id']}").get_json()
    assert body["respondents"] == 3
    assert body["satisfaction_pct"] == (100.0 if sees else None)
    values = api_as(getattr(world, role)).get(submission_url(world.school.code)).get_json()["values"]
    assert values["mentee_survey_respondents"] == 3
    assert ("mentee_satisfaction_pct" in values) is sees


def test_at_5_respondents_everyone_in_scope_sees_the_percentage(world, api_as, client):
    opened = open_survey(api_as(world.curator), world.school.code, links=5)
    for url in opened["links"]:
        assert answer(client, url, answers(4)).status_code == 201
    for role in ("curator", "khv_official", "operator"):
        assert api_as(getattr(world, role)).get(f"{BASE}/surveys/{opened['id']}").get_json()[
            "satisfaction_pct"] == pytest.approx(33.3)


def test_the_fields_follow_the_survey_and_typing_over_them_is_refused(world, api_as, client):
    curator = api_as(world.curator)
    values = {k: v for k, v in factories.VALID_VALUES.items() if not k.startswith("mentee_s")}
    saved = curator.put(submission_url(world.school.code), json={"values": values, "version": 0})
    assert saved.status_code == 200
    opened = open_survey(curator, world.school.code, links=6)
    for url, mark in zip(opened["links"], (10, 10, 10, 1, 1, 7), strict=True):
        assert answer(client, url, answers(mark)).status_code == 201
    body = curator.get(submission_url(world.school.code)).get_json()  # a draft follows the survey live
    assert body["values"]["mentee_survey_respondents"] == 6
    assert body["values"]["mentee_satisfaction_pct"] == pytest.approx(61.1)
    assert body["from_survey"] == ["mentee_satisfaction_pct", "mentee_survey_respondents"]
    assert body["values"]["mentor_survey_respondents"] == 40  # no mentor survey: typed figures stay
    typed = {**body["values"], "mentee_satisfaction_pct": 95}
    error = assert_error(curator.put(submission_url(world.school.code), json={"values": typed,
                                                                             "version": body["version"]}), 422)
    assert list(error["fields"]) == ["values.mentee_satisfaction_pct"]
    assert curator.get(submission_url(world.school.code)).get_json()["version"] == body["version"]
    typed = {**body["values"], "mentor_satisfaction_pct": 70}  # the kind without a survey is typed freely
    assert curator.put(submission_url(world.school.code), json={"values": typed,
                                                                "version": body["version"]}).status_code == 200
    sent = curator.post(submission_url(world.school.code, "submit"), json={"version": body["version"] + 1})
    assert sent.status_code == 200, sent.get_json()
    stored = services.get_submission(world.campaign, world.school).value_map()
    assert stored["mentee_survey_respondents"] == 6 and stored["mentee_satisfaction_pct"] == pytest.approx(61.1)
    assert stored["mentor_satisfaction_pct"] == 70


def test_the_form_marks_the_fields_and_refuses_typing_over_them(world, api_as, client, login_as):
    opened = open_survey(api_as(world.curator), world.school.code, links=5)
    for url in opened["links"]:
        assert answer(client, url, answers(10)).status_code == 201
    browser = login_as(world.curator)
    url = f"/campaigns/27/{factories.YEAR}/submissions/{world.school.code}"
    page = browser.get(url).get_data(as_text=True)
    assert "из опроса" in page and re.search(r'name="mentee_satisfaction_pct"[^>]* value="100"', page)
    response = browser.post(url, data={"version": "0", "students_total": "10", "mentee_satisfaction_pct": "50",
                                       "mentee_survey_respondents": "5"})
    assert response.status_code == 422
    assert "Поле заполняется из опроса (100)" in response.get_data(as_text=True)
    assert services.get_submission(world.campaign, world.school) is None
    response = browser.post(url, data={"version": "0", "students_total": "10", "mentee_satisfaction_pct": "100",
                                       "mentee_survey_respondents": "5"})
    assert response.status_code == 302
    assert services.get_submission(world.campaign, world.school).value_map()["mentee_satisfaction_pct"] == 100
