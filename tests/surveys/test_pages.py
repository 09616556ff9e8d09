"""The respondent's page (plain form, no account) and the officers' download of anonymous answers."""
import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from registry.extensions import db
from surveys import services
from surveys.models import SurveyAnswer
from tests.factories import YEAR
from tests.surveys.helpers import FULL, answers

FORM = {"q1": "9", "q2": "9", "q3": "9", "q4": "9", "q5": "monthly", "q6": "unsure", "q7": "=HYPERLINK(\"x\")"}


def _links(world, count=6):
    _, tokens = services.open_survey(world.campaign, world.school, "mentee", count, actor=world.curator)
    db.session.commit()
    return tokens


def test_the_answer_page_works_as_a_plain_form_once_per_link(world, client):
    token = _links(world)[0]
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert "Анкета наставляемого" in page and 'type="radio" name="q1" value="10"' in page and "<script" not in page
    refused = client.post(f"/s/{token}", data={"q1": "9"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Ответьте на этот вопрос." in text and 'value="9" checked' in text  # what was chosen is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 0
    done = client.post(f"/s/{token}", data=FORM)
    assert done.status_code == 200 and "Ответы сохранены" in done.get_data(as_text=True)
    again = client.post(f"/s/{token}", data=FORM)
    assert again.status_code == 409 and "уже ответили" in again.get_data(as_text=True)
    assert client.get("/s/unknown-token").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 1


def test_answers_are_throttled_per_address(world, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_ANSWER_LIMIT_PER_ADDRESS", "2 per minute")
    tokens = _links(world, 3)
    assert client.post(f"/s/{tokens[0]}", data=FORM).status_code == 200
    assert client.post(f"/api/v1/survey-links/{tokens[1]}/answers", json={"answers": FULL}).status_code == 201
    throttled = client.post(f"/api/v1/survey-links/{tokens[2]}/answers", json={"answers": FULL})
    assert throttled.status_code == 429 and throttled.get_json()["error"]["code"] == "too_many_requests"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 2


def _answer_all(world, client, count):
    for token in _links(world, count):
        assert client.post(f"/api/v1/survey-links/{token}/answers",
                           json={"answers": {**answers(9), "q7": "=cmd|' /C calc'!A0"}}).status_code == 201


def test_officers_download_anonymous_answers_neutralised(world, client, login_as):
    _answer_all(world, client, 5)
    browser = login_as(world.khv_official)
    response = browser.get(f"/campaigns/27/{YEAR}/survey-answers/27-KHV/csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Код организации", "Организация", "Опрос", "Анкета №"]
    assert len({r[3] for r in rows[1:]}) == 5
    assert "'=cmd|' /C calc'!A0" in {r[6] for r in rows[1:]}
    xlsx = browser.get(f"/campaigns/27/{YEAR}/survey-answers/27-KHV/xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    texts = [c.value for c in sheet["G"]]
    assert "'=cmd|' /C calc'!A0" in texts and all(c.data_type != "f" for c in sheet["G"])
    assert login_as(world.curator).get(f"/campaigns/27/{YEAR}/survey-answers/27-KHV-S1/csv").status_code == 403
    assert login_as(world.van_official).get(f"/campaigns/27/{YEAR}/survey-answers/27-KHV/csv").status_code == 403


def test_under_5_respondents_answers_are_left_out_except_for_the_region(world, client, login_as):
    _answer_all(world, client, 3)
    official = login_as(world.khv_official).get(f"/campaigns/27/{YEAR}/survey-answers/27-KHV/csv")
    assert len(official.get_data(as_text=True).strip().splitlines()) == 1  # the header only
    region = login_as(world.operator).get(f"/campaigns/27/{YEAR}/survey-answers/27/csv")
    assert len({line.split(";")[3] for line in region.get_data(as_text=True).strip().splitlines()[1:]}) == 3


def test_the_curators_survey_page_opens_surveys_and_shows_results(world, client, login_as):
    curator = login_as(world.curator)
    url = f"/campaigns/27/{YEAR}/surveys/{world.school.code}"
    refused = curator.post(url, data={"kind": "mentor", "links": ""})
    assert refused.status_code == 422 and "укажите число ссылок" in refused.get_data(as_text=True).lower()
    assert curator.post(url, data={"kind": "mentee", "links": "5"}).status_code == 302
    for token in services.unused_links(services.survey_for(world.campaign, world.school, "mentee")):
        assert client.post(f"/api/v1/survey-links/{token}/answers", json={"answers": answers(10)}).status_code == 201
    page = curator.get(url).get_data(as_text=True)
    assert "Ответили" in page and "100 %" in page
    sheet = curator.get(f"{url}/{services.survey_for(world.campaign, world.school, 'mentee').id}/qr.pdf")
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")


def test_closing_a_closed_survey_is_refused_with_422_on_the_same_page(world, login_as):
    _links(world)
    survey = services.survey_for(world.campaign, world.school, "mentee")
    curator = login_as(world.curator)
    url = f"/campaigns/27/{YEAR}/surveys/{world.school.code}/{survey.id}/close"
    assert curator.post(url).status_code == 302
    refused = curator.post(url)
    assert refused.status_code == 422 and "Опрос уже закрыт." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert services.survey_for(world.campaign, world.school, "mentee").closed_at is not None
