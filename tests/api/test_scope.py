"""Refusals: out of scope is 403 with no data, unknown is 404, no valid token is 401."""
from datetime import UTC, datetime, timedelta

import pytest

from registry.auth import services as auth_services
from registry.extensions import db
from tests.api.helpers import BASE, assert_error, report_url, submission_url
from tests.factories import VALID_VALUES

SCHOOL = "27-KHV-S1"


@pytest.fixture
def submitted(world, api_as):
    curator = api_as(world.curator)
    curator.put(submission_url(SCHOOL), json={"values": VALID_VALUES, "version": 0})
    curator.post(submission_url(SCHOOL, "submit"))


def _refused_without_data(response, status=403):
    error = assert_error(response, status)
    assert "values" not in response.get_data(as_text=True)
    return error


def test_curator_of_another_organization(world, api_as, submitted):
    other = api_as(world.dod_curator)
    _refused_without_data(other.get(submission_url(SCHOOL)))
    _refused_without_data(other.put(submission_url(SCHOOL), json={"values": {}, "version": 2}))
    _refused_without_data(other.post(submission_url(SCHOOL, "submit")))
    _refused_without_data(other.post(submission_url(SCHOOL, "accept")))
    # the curator may not review its own report either
    _refused_without_data(api_as(world.curator).post(submission_url(SCHOOL, "accept")))


def test_municipal_official_of_another_municipality(world, api_as, submitted):
    van = api_as(world.van_official)
    _refused_without_data(van.get(submission_url(SCHOOL)))
    _refused_without_data(van.post(submission_url(SCHOOL, "accept")))
    _refused_without_data(van.post(submission_url(SCHOOL, "return"), json={"comment": "нет"}))
    _refused_without_data(van.get(report_url("27-KHV")))
    _refused_without_data(van.post(report_url("27-KHV", "submit")))
    # the reviewing official reads but does not edit
    assert api_as(world.khv_official).get(submission_url(SCHOOL)).status_code == 200
    _refused_without_data(api_as(world.khv_official).put(submission_url(SCHOOL), json={"values": {}, "version": 2}))


def test_operator_of_another_region(world, api_as, submitted):
    other = api_as(world.other_operator)
    for url in (BASE, submission_url(SCHOOL), f"{BASE}/aggregates/27", f"{BASE}/submissions", report_url("27-KHV"),
                f"{BASE}/snapshots", f"{BASE}/extensions", f"{BASE}/members"):
        _refused_without_data(other.get(url))
    _refused_without_data(other.post(submission_url(SCHOOL, "accept")))
    _refused_without_data(other.post(f"{BASE}/consolidate"))
    # the region's own staff read every submission
    assert api_as(world.operator).get(submission_url(SCHOOL)).get_json()["values"] == VALID_VALUES
    assert api_as(world.admin).get(submission_url(SCHOOL)).status_code == 200


def test_region_actions_need_region_staff(world, api_as):
    for user in (world.curator, world.khv_official):
        client = api_as(user)
        assert_error(client.post(f"{BASE}/consolidate"), 403)
        assert_error(client.post(report_url("27-KHV", "accept")), 403)
        assert_error(client.post(report_url("27-KHV", "return"), json={"comment": "нет"}), 403)
    # the region reviews municipal reports but does not submit them
    assert_error(api_as(world.operator).post(report_url("27-KHV", "submit")), 403)


def test_unknown_units_are_404(world, api_as):
    operator = api_as(world.operator)
    assert_error(operator.get("/api/v1/regions/99/campaigns/2030/submissions/X"), 404, "not_found")
    assert_error(operator.get(f"{BASE}/submissions/NOPE"), 404)
    assert_error(operator.get(f"{BASE}/submissions/79-BIR-S1"), 404)  # exists, but in another region
    assert_error(operator.get(report_url("79-BIR")), 404)
    assert_error(operator.get(f"{BASE}/snapshots/999"), 404)
    assert_error(operator.post(f"{BASE}/extensions/999/revoke"), 404)
    assert_error(operator.get("/api/v1/regions/27/campaigns/1999"), 404)
    assert_error(operator.get("/api/v1/no-such-route"), 404)


def test_snapshot_scope(world, api_as):
    official, operator = api_as(world.khv_official), api_as(world.operator)
    official.post(report_url("27-KHV", "submit"))
    api_as(world.van_official).post(report_url("27-VAN", "submit"))
    region = operator.post(f"{BASE}/consolidate").get_json()
    own = official.get(f"{BASE}/snapshots").get_json()
    assert [(s["level"], s["unit_code"]) for s in own] == [("municipality", "27-KHV")]
    assert official.get(f"{BASE}/snapshots/{own[0]['id']}").get_json()["summary"]["unit"]["code"] == "27-KHV"
    assert_error(official.get(f"{BASE}/snapshots/{region['id']}"), 403)
    assert_error(official.get(f"{BASE}/snapshots?level=region"), 403)
    assert_error(official.get(f"{BASE}/snapshots?unit=27-VAN"), 403)
    assert_error(api_as(world.curator).get(f"{BASE}/snapshots"), 403)
    assert len(operator.get(f"{BASE}/snapshots").get_json()) == 3
    assert [s["unit_code"] for s in operator.get(f"{BASE}/snapshots?unit=27-VAN").get_json()] == ["27-VAN"]


def test_who_may_grant_extensions(world, api_as):
    until = (datetime.now(UTC) + timedelta(days=3)).isoformat()

    def grant(user, unit_code):
        return api_as(user).post(f"{BASE}/extensions", json={"unit_code": unit_code, "until": until,
                                                               "reason": "Сбой связи"})

    assert_error(grant(world.curator, SCHOOL), 403)
    assert_error(grant(world.van_official, SCHOOL), 403)
    assert_error(grant(world.van_official, "27-R-VMK"), 403)  # located in VAN, reviewed by the region
    assert_error(grant(world.khv_official, "27-KHV"), 403)
    assert_error(grant(world.operator, "27"), 403)
    assert "unit_code" in assert_error(grant(world.operator, "79-BIR-S1"), 422)["fields"]
    assert "until" in assert_error(api_as(world.operator).post(f"{BASE}/extensions", json={
        "unit_code": SCHOOL, "until": "2000-01-01T00:00:00+00:00", "reason": "x"}), 422)["fields"]
    assert grant(world.khv_official, SCHOOL).status_code == 201
    assert grant(world.operator, "27-VAN-S1").status_code == 201  # region staff may extend any organization
    assert grant(world.operator, "27-R-VMK").status_code == 201
    assert grant(world.operator, "27-KHV").status_code == 201
    assert grant(world.admin, "27").status_code == 201

    def listed(user):
        return sorted(e["unit_code"] for e in api_as(user).get(f"{BASE}/extensions").get_json())

    assert listed(world.curator) == [SCHOOL]
    assert listed(world.dod_curator) == []
    assert listed(world.khv_official) == ["27-KHV", SCHOOL]
    assert listed(world.operator) == ["27", "27-KHV", SCHOOL, "27-R-VMK", "27-VAN-S1"]
    region_extension = next(e for e in api_as(world.admin).get(f"{BASE}/extensions").get_json()
                            if e["unit_code"] == "27")
    assert_error(api_as(world.operator).post(f"{BASE}/extensions/{region_extension['id']}/revoke"), 403)


def test_no_token_bad_token_logout_and_disabled_user_are_401(world, api_as, app):
    assert_error(api_as(None).get(BASE), 401, "unauthorized")
    assert_error(api_as(None).put(submission_url(SCHOOL), json={"values": {}, "version": 0}), 401)
    assert_error(api_as(None).get(BASE, headers={"Authorization": "Bearer not-a-token"}), 401)
    assert_error(api_as(None).get(BASE, headers={"Authorization": "Basic Y3VyYXRvcjpwdw=="}), 401)

    curator, second = api_as(world.curator), api_as(world.curator)
    assert curator.get(BASE).status_code == 200
    response = curator.post("/api/v1/auth/logout")
    assert response.status_code == 204 and response.get_data() == b""
    assert_error(curator.get(BASE), 401)
    assert_error(second.get(BASE), 401)  # logout ends every token of the user
    assert api_as(world.curator).get(BASE).status_code == 200  # a new login works

    official = api_as(world.khv_official)
    auth_services.set_enabled(world.khv_official, False, actor=world.admin)
    db.session.commit()
    assert_error(official.get(BASE), 401)
