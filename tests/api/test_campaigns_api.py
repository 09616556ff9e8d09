"""Campaigns and membership through the API."""
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from tests.api.helpers import BASE, assert_error
from tests.factories import YEAR


def test_campaign_answer_carries_calendar_targets_and_status(world, api_as):
    response = api_as(world.curator).get(BASE)  # anyone of the region reads it: they need the deadlines
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"year", "region", "deadlines", "enterprises_in_region_total", "late_return_days", "targets",
                         "status"}
    assert body["late_return_days"] == 5  # the automatic extension after a late return, in days
    assert body["year"] == YEAR and body["region"] == "27" and body["status"] == "open"
    # "no later than 20 October" closes at 21 October 00:00 in Khabarovsk (UTC+10)
    assert body["deadlines"] == {"organization": f"{YEAR}-10-20T14:00:00+00:00",
                                 "municipality": f"{YEAR}-11-01T14:00:00+00:00",
                                 "region": f"{YEAR}-12-01T14:00:00+00:00",
                                 "federal": f"{YEAR + 1}-01-20T14:00:00+00:00",
                                 "forum": f"{YEAR}-12-25T00:00:00+00:00"}
    assert body["enterprises_in_region_total"] is None
    assert body["targets"]["R2"] == 70 and body["targets"]["R9"] == 30 and body["targets"]["I1"] is None


def test_campaign_list_is_for_the_region_only(world, api_as):
    response = api_as(world.khv_official).get("/api/v1/regions/27/campaigns")
    assert response.status_code == 200
    assert [c["year"] for c in response.get_json()] == [YEAR]
    assert_error(api_as(world.other_operator).get("/api/v1/regions/27/campaigns"), 403, "forbidden")
    assert_error(api_as(world.operator).get("/api/v1/regions/99/campaigns"), 404, "not_found")
    assert_error(api_as(world.operator).get(f"/api/v1/regions/27/campaigns/{YEAR + 5}"), 404, "not_found")


def test_open_campaign(world, api_as):
    operator = api_as(world.operator)
    response = operator.post("/api/v1/regions/27/campaigns", json={"year": YEAR + 1})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["deadlines"]["organization"] == f"{YEAR + 1}-10-20T14:00:00+00:00"
    assert [c["year"] for c in operator.get("/api/v1/regions/27/campaigns").get_json()] == [YEAR + 1, YEAR]
    assert_error(operator.post("/api/v1/regions/27/campaigns", json={"year": YEAR + 1}), 409, "invalid_transition")
    assert_error(operator.post("/api/v1/regions/27/campaigns", json={"year": 1900}), 422)
    assert api_as(world.operator).post("/api/v1/regions/27/campaigns", json={"year": "2030"}).status_code == 422
    assert_error(api_as(world.khv_official).post("/api/v1/regions/27/campaigns", json={"year": YEAR + 2}), 403)
    assert_error(api_as(world.other_operator).post("/api/v1/regions/27/campaigns", json={"year": YEAR + 2}), 403)


def test_patch_campaign(world, api_as):
    operator = api_as(world.operator)
    response = operator.patch(BASE, json={"enterprises_in_region_total": 50, "targets": {"R2": 75},
                                          "deadlines": {"organization": f"{YEAR}-10-25T23:59:00+10:00"}})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["enterprises_in_region_total"] == 50
    assert body["targets"]["R2"] == 75
    assert body["deadlines"]["organization"] == f"{YEAR}-10-25T13:59:00+00:00"
    assert operator.get(BASE).get_json() == body

    fields = assert_error(operator.patch(BASE, json={"deadlines": {"forum": f"{YEAR}-12-20T10:00:00+10:00"}}),
                          422)["fields"]
    assert fields == {"deadlines.forum": ["Неизвестное поле."]}
    assert list(assert_error(operator.patch(BASE, json={"enterprises_in_region_total": True}), 422)["fields"]) == [
        "enterprises_in_region_total"]
    assert "enterprises_in_region_total" in assert_error(
        operator.patch(BASE, json={"enterprises_in_region_total": -1}), 422)["fields"]
    assert "targets" in assert_error(operator.patch(BASE, json={"targets": {"R2": 150}}), 422)["fields"]
    assert "targets.R2" in assert_error(operator.patch(BASE, json={"targets": {"R2": "75"}}), 422)["fields"]
    late = {"organization": f"{YEAR}-12-30T00:00:00+10:00"}
    assert "deadlines" in assert_error(operator.patch(BASE, json={"deadlines": late}), 422)["fields"]
    assert operator.get(BASE).get_json() == body  # refused changes left nothing behind

    assert_error(api_as(world.khv_official).patch(BASE, json={"enterprises_in_region_total": 1}), 403)
    assert_error(api_as(world.curator).patch(BASE, json={"enterprises_in_region_total": 1}), 403)


def test_membership(world, api_as, db):
    operator = api_as(world.operator)
    members = operator.get(f"{BASE}/members").get_json()
    assert [m["organization"] for m in members] == ["27-KHV-DOD", "27-KHV-S1", "27-R-VMK", "27-VAN-S1"]
    college = next(m for m in members if m["organization"] == "27-R-VMK")
    assert college["reporting_municipality"] is None and college["org_type"] == "vocational"

    assert "reason" in assert_error(operator.delete(f"{BASE}/members/27-VAN-S1", json={}), 422)["fields"]
    response = operator.delete(f"{BASE}/members/27-VAN-S1", json={"reason": "Школа закрыта"})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert "27-VAN-S1" not in [m["organization"] for m in operator.get(f"{BASE}/members").get_json()]
    assert operator.get(f"{BASE}/aggregates/27").get_json()["completeness"]["expected"] == 3
    assert_error(operator.delete(f"{BASE}/members/27-VAN-S1", json={"reason": "ещё раз"}), 404)
    assert_error(api_as(world.van_curator).get(f"{BASE}/submissions/27-VAN-S1"), 404)  # no longer expected
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "campaign.member_removed"))
    assert entry.comment == "Школа закрыта" and entry.actor_id == world.operator.id

    response = operator.post(f"{BASE}/members", json={"organization": "27-VAN-S1"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["reporting_municipality"] == "27-VAN"
    assert_error(operator.post(f"{BASE}/members", json={"organization": "27-VAN-S1"}), 409)
    assert "organization" in assert_error(operator.post(f"{BASE}/members", json={"organization": "79-BIR-S1"}),
                                          422)["fields"]

    assert_error(api_as(world.khv_official).get(f"{BASE}/members"), 403)
    assert_error(api_as(world.khv_official).post(f"{BASE}/members", json={"organization": "27-VAN-S1"}), 403)
    assert_error(api_as(world.curator).delete(f"{BASE}/members/27-KHV-S1", json={"reason": "x"}), 403)


def test_nested_input_errors_are_flattened(world, api_as):
    operator = api_as(world.operator)
    assert assert_error(operator.patch(BASE, json={"deadlines": ["2030-01-01"]}), 422)["fields"] == {
        "deadlines": ["Нужен JSON-объект."]}
    assert assert_error(operator.patch(BASE, json=[1]), 422)["fields"] == {"_schema": ["Нужен JSON-объект."]}
