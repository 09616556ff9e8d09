"""The surveys API of PRODUCT.md §10: open with links, answer once by link, results, close, refusals."""
from datetime import timedelta

import sqlalchemy as sa

from deadlines import extension_grants
from registry.core.clock import now_utc
from registry.extensions import db
from surveys.models import Survey, SurveyAnswer, SurveyLink
from tests.api.helpers import assert_error
from tests.surveys.helpers import BASE, FULL, answer, answers, open_survey, token_of


def _counts():
    return (db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)),
            db.session.scalar(sa.select(sa.func.count()).where(SurveyLink.used.is_(True))))


def test_a_curator_opens_a_survey_and_gets_one_time_links(world, api_as, client):
    opened = open_survey(api_as(world.curator), world.school.code, links=4)
    assert len(opened["links"]) == len(set(opened["links"])) == 4
    assert all("/s/" in url for url in opened["links"])
    questionnaire = client.get(f"/api/v1/survey-links/{token_of(opened['links'][0])}")
    assert questionnaire.status_code == 200
    body = questionnaire.get_json()
    assert body["kind"] == "mentee" and body["title"]
    scale = body["questions"][0]
    assert {"id", "type", "text", "min", "max", "options", "required", "score"} <= set(scale)
    assert (scale["type"], scale["min"], scale["max"], scale["score"]) == ("scale", 1, 10, True)


def test_a_link_answers_once_and_the_second_answer_is_409_storing_nothing(world, api_as, client):
    url = open_survey(api_as(world.curator), world.school.code)["links"][0]
    assert answer(client, url, FULL).status_code == 201
    assert_error(answer(client, url, answers(1)), 409, "already_answered")
    assert_error(client.get(f"/api/v1/survey-links/{token_of(url)}"), 409, "already_answered")
    assert _counts() == (1, 1)


def test_unknown_closed_and_invalid_get_json_errors_and_nothing_is_stored(world, api_as, client):
    curator = api_as(world.curator)
    opened = open_survey(curator, world.school.code)
    assert_error(answer(client, "http://x/s/no-such-token", FULL), 404, "not_found")
    error = assert_error(answer(client, opened["links"][0], {**FULL, "q1": 11, "q5": "never"}), 422)
    assert set(error["fields"]) == {"answers.q1", "answers.q5"}
    assert_error(client.post(f"/api/v1/survey-links/{token_of(opened['links'][0])}/answers", json={"x": 1}), 422)
    response = curator.post(f"{BASE}/surveys/{opened['id']}/close")
    assert response.status_code == 200 and response.get_json()["open"] is False
    assert_error(answer(client, opened["links"][1], FULL), 423, "window_closed")
    assert _counts() == (0, 0)


def test_a_survey_closes_with_the_window_and_an_extension_keeps_it_open(world, api_as, client):
    curator = api_as(world.curator)
    urls = open_survey(curator, world.school.code)["links"]
    campaign = world.campaign
    campaign.organization_deadline = now_utc() - timedelta(hours=1)
    db.session.commit()
    assert_error(answer(client, urls[0], FULL), 423)
    extension_grants.grant(campaign, world.school, now_utc() + timedelta(days=2), "болезнь", actor=world.khv_official)
    db.session.commit()
    assert answer(client, urls[0], FULL).status_code == 201


def test_results_respondents_and_percentage(world, api_as, client):
    curator = api_as(world.curator)
    opened = open_survey(curator, world.school.code, links=6)
    for url, mark in zip(opened["links"], (10, 10, 1, 7, 4), strict=False):
        assert answer(client, url, answers(mark)).status_code == 201
    body = curator.get(f"{BASE}/surveys/{opened['id']}").get_json()
    # scores 100, 100, 0, 66.7, 33.3 → mean 60
    assert (body["kind"], body["organization"], body["links"], body["respondents"]) == ("mentee", "27-KHV-S1", 6, 5)
    assert body["satisfaction_pct"] == 60.0


def test_only_the_curator_opens_and_closes_and_others_see_in_scope(world, api_as):
    assert_error(api_as(world.operator).post(f"{BASE}/surveys", json={"organization": world.school.code,
                                                                      "kind": "mentee", "links": 2}), 403)
    assert_error(api_as(world.dod_curator).post(f"{BASE}/surveys", json={"organization": world.school.code,
                                                                          "kind": "mentee", "links": 2}), 403)
    opened = open_survey(api_as(world.curator), world.school.code)
    assert api_as(world.khv_official).get(f"{BASE}/surveys/{opened['id']}").status_code == 200
    assert_error(api_as(world.van_official).get(f"{BASE}/surveys/{opened['id']}"), 403)
    assert_error(api_as(world.other_operator).get(f"{BASE}/surveys/{opened['id']}"), 403)
    assert_error(api_as(world.khv_official).post(f"{BASE}/surveys/{opened['id']}/close"), 403)
    assert [s["id"] for s in api_as(world.van_official).get(f"{BASE}/surveys").get_json()] == []
    assert [s["id"] for s in api_as(world.operator).get(f"{BASE}/surveys").get_json()] == [opened["id"]]


def test_links_from_the_records_or_a_number_is_required(world, api_as):
    response = api_as(world.curator).post(f"{BASE}/surveys", json={"organization": world.school.code,
                                                                    "kind": "mentor"})
    assert_error(response, 422)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0


def test_opening_again_adds_links_to_the_same_survey(world, api_as):
    curator = api_as(world.curator)
    first = open_survey(curator, world.school.code, links=2)
    second = open_survey(curator, world.school.code, links=3)
    assert first["id"] == second["id"] and not set(first["links"]) & set(second["links"])
    assert curator.get(f"{BASE}/surveys/{first['id']}").get_json()["links"] == 5
