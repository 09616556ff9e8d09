"""Submissions through the API: versions, control ratios, input types, windows and extensions, the queue."""
from datetime import UTC, datetime, timedelta

import pytest

from deadlines.windows import last_day_label
from tests.api.helpers import BASE, assert_error, submission_url
from tests.factories import VALID_VALUES

SCHOOL = "27-KHV-S1"


def test_stale_version_is_refused_with_the_current_submission(world, api_as):
    curator = api_as(world.curator)
    assert curator.put(submission_url(SCHOOL), json={"values": {"students_total": 10}, "version": 0}).status_code == 200
    error = assert_error(curator.put(submission_url(SCHOOL), json={"values": {"students_total": 12}, "version": 0}),
                         409, "version_conflict")
    assert error["current"] == {"organization": SCHOOL, "status": "draft", "values": {"students_total": 10},
                                "version": 1, "review_comment": None}
    assert "версия 1" in error["message"]
    # nothing was overwritten
    assert curator.get(submission_url(SCHOOL)).get_json()["values"] == {"students_total": 10}
    assert_error(curator.post(submission_url(SCHOOL, "submit"), json={"version": 0}), 409, "version_conflict")


def test_control_ratios_are_field_errors_under_values(world, api_as):
    curator = api_as(world.curator)
    values = dict(VALID_VALUES, mentees_students=1001, mentors_teachers=31, mentee_survey_respondents=0)
    error = assert_error(curator.put(submission_url(SCHOOL), json={"values": values, "version": 0}), 422,
                         "validation_failed")
    assert error["fields"]["values.mentees_students"] == ["Не может превышать показатель «Численность обучающихся, "
                                                          "всего» (1000)."]
    assert "values.mentors_total" in error["fields"]  # the four categories no longer sum to the total
    assert "values.mentee_satisfaction_pct" in error["fields"]  # a percentage without respondents
    assert curator.get(submission_url(SCHOOL)).get_json()["version"] == 0  # nothing saved


def test_submit_requires_every_value(world, api_as):
    curator = api_as(world.curator)
    curator.put(submission_url(SCHOOL), json={"values": {"students_total": 10}, "version": 0})
    error = assert_error(curator.post(submission_url(SCHOOL, "submit")), 422)
    assert error["fields"]["values.mentees_students"] == ["Заполните показатель: без него отчёт нельзя отправить."]
    assert "values.students_total" not in error["fields"]


@pytest.mark.parametrize(("value", "message"), [
    ("10", "Нужно число."),
    (True, "Нужно число."),
    (None, "Значение не может быть пустым (null)."),
    ([1], "Нужно число."),
    (-1, "Значение не может быть отрицательным."),
    (1.5, "Нужно целое число."),
])
def test_values_must_be_numbers(world, api_as, value, message):
    response = api_as(world.curator).put(submission_url(SCHOOL),
                                         json={"values": {"students_total": value}, "version": 0})
    assert assert_error(response, 422)["fields"] == {"values.students_total": [message]}


def test_unknown_indicator_and_fields_are_refused(world, api_as):
    curator = api_as(world.curator)
    response = curator.put(submission_url(SCHOOL), json={"values": {"pupils": 1}, "version": 0})
    assert assert_error(response, 422)["fields"] == {"values.pupils": ["Неизвестный показатель."]}
    response = curator.put(submission_url(SCHOOL), json={"values": {}, "version": 0, "status": "accepted"})
    assert assert_error(response, 422)["fields"] == {"status": ["Неизвестное поле."]}
    response = curator.put(submission_url(SCHOOL), json={"values": [1, 2], "version": 0})
    assert list(assert_error(response, 422)["fields"]) == ["values"]


def test_version_is_required_and_an_integer(world, api_as):
    curator = api_as(world.curator)
    response = curator.put(submission_url(SCHOOL), json={"values": {"students_total": 1}})
    assert assert_error(response, 422)["fields"] == {"version": ["Обязательное поле."]}
    response = curator.put(submission_url(SCHOOL), json={"values": {}, "version": "0"})
    assert assert_error(response, 422)["fields"] == {"version": ["Нужно целое число."]}
    response = curator.put(submission_url(SCHOOL), json={"values": {}, "version": True})
    assert assert_error(response, 422)["fields"] == {"version": ["Нужно целое число."]}


def test_closed_window_is_423_naming_the_deadline_and_an_extension_reopens_it(world, api_as):
    operator, curator, official = api_as(world.operator), api_as(world.curator), api_as(world.khv_official)
    past = datetime.now(UTC) - timedelta(hours=1)
    response = operator.patch(BASE, json={"deadlines": {"organization": past.isoformat()}})
    assert response.status_code == 200, response.get_json()

    error = assert_error(curator.put(submission_url(SCHOOL), json={"values": VALID_VALUES, "version": 0}),
                         423, "window_closed")
    assert "Приём данных организаций закрыт" in error["message"]
    assert f"не позднее {last_day_label(past, 'Asia/Vladivostok')}" in error["message"]
    assert "по времени Владивостока" in error["message"]
    aggregate = operator.get(f"{BASE}/aggregates/27").get_json()
    assert aggregate["completeness"] == {"expected": 4, "submitted": 0, "accepted": 0, "overdue": 4,
                                         "on_time": 0, "late": 0}

    until = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    response = official.post(f"{BASE}/extensions", json={"unit_code": SCHOOL, "until": until,
                                                          "reason": "Болезнь куратора"})
    assert response.status_code == 201, response.get_json()
    extension = response.get_json()
    assert extension["unit_code"] == SCHOOL and extension["level"] == "organization" and extension["active"]
    assert extension["granted_by"] == world.khv_official.email

    response = curator.put(submission_url(SCHOOL), json={"values": VALID_VALUES, "version": 0})
    assert response.status_code == 200, response.get_json()
    assert curator.post(submission_url(SCHOOL, "submit")).status_code == 200
    aggregate = operator.get(f"{BASE}/aggregates/27").get_json()
    assert aggregate["completeness"] == {"expected": 4, "submitted": 1, "accepted": 0, "overdue": 3,
                                         "on_time": 1, "late": 0}

    response = official.post(f"{BASE}/extensions/{extension['id']}/revoke")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["active"] is False
    assert response.get_json()["revoked_at"] is not None
    assert_error(official.post(f"{BASE}/extensions/{extension['id']}/revoke"), 409)
    assert_error(curator.post(submission_url(SCHOOL, "submit")), 423, "window_closed")


def test_patch_deadline_needs_an_offset(world, api_as):
    response = api_as(world.operator).patch(BASE, json={"deadlines": {"organization": "2030-10-20T00:00:00"}})
    assert list(assert_error(response, 422)["fields"]) == ["deadlines.organization"]


def test_review_queue_is_scoped_to_the_caller(world, api_as):
    api_as(world.curator).put(submission_url(SCHOOL), json={"values": VALID_VALUES, "version": 0})
    api_as(world.curator).post(submission_url(SCHOOL, "submit"))

    def codes(user, query=""):
        response = api_as(user).get(f"{BASE}/submissions{query}")
        assert response.status_code == 200, response.get_json()
        return [item["organization"] for item in response.get_json()]

    assert codes(world.curator) == [SCHOOL]
    assert codes(world.khv_official) == ["27-KHV-DOD", SCHOOL]
    assert codes(world.van_official) == ["27-VAN-S1"]  # the college located in VAN reports to the region
    assert codes(world.operator) == ["27-KHV-DOD", SCHOOL, "27-R-VMK", "27-VAN-S1"]
    assert codes(world.operator, "?status=submitted") == [SCHOOL]
    assert codes(world.operator, "?status=draft") == ["27-KHV-DOD", "27-R-VMK", "27-VAN-S1"]
    assert codes(world.operator, "?municipality=27-VAN") == ["27-VAN-S1"]
    assert codes(world.khv_official, "?municipality=27-VAN") == []

    item = api_as(world.khv_official).get(f"{BASE}/submissions?status=submitted").get_json()[0]
    assert item["name"] == "Школа № 1 г. Хабаровска"
    assert item["org_type"] == "general"
    assert item["reporting_municipality"] == "27-KHV"
    assert item["status"] == "submitted" and item["version"] == 2
    assert item["updated_at"].endswith("+00:00") and item["submitted_at"]
    draft = api_as(world.operator).get(f"{BASE}/submissions?municipality=27-VAN").get_json()[0]
    assert draft["status"] == "draft" and draft["version"] == 0 and draft["updated_at"] is None
    assert list(assert_error(api_as(world.operator).get(f"{BASE}/submissions?status=lost"), 422)["fields"]) == [
        "status"]
