"""Aggregates: the exact §7 shape, unrounded percentages, null for zero denominators, scope."""
from tests.api.helpers import BASE, assert_error, submission_url
from tests.factories import VALID_VALUES

DOD_VALUES = dict(VALID_VALUES, students_total=900, mentees_students=150, mentees_age_10_19=140,
                  mentee_survey_respondents=50, mentee_satisfaction_pct=50)


def _vt(indicator: dict) -> dict:
    """The value and target of an indicator (the answer carries more keys: approximate, reason…)."""
    return {"value": indicator["value"], "target": indicator["target"]}


def _accepted(api_as, curator, reviewer, org_code, values):
    api_as(curator).put(submission_url(org_code), json={"values": values, "version": 0})
    api_as(curator).post(submission_url(org_code, "submit"))
    assert api_as(reviewer).post(submission_url(org_code, "accept")).status_code == 200


def test_region_aggregate_shape_and_exact_percentages(world, api_as):
    _accepted(api_as, world.curator, world.khv_official, "27-KHV-S1", VALID_VALUES)
    _accepted(api_as, world.dod_curator, world.khv_official, "27-KHV-DOD", DOD_VALUES)
    operator = api_as(world.operator)
    assert operator.patch(BASE, json={"enterprises_in_region_total": 7}).status_code == 200

    response = operator.get(f"{BASE}/aggregates/27")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"unit", "values", "indicators", "completeness"}
    assert body["unit"] == {"code": "27", "level": "region", "name": "Хабаровский край"}
    assert body["values"]["students_total"] == 1900
    assert body["values"]["mentees_students"] == 350
    assert set(body["indicators"]) == {"R2", "R4", "R6", "R7", "R8", "R9", "R10", "R11", "I1", "F1", "F2"}
    indicators = body["indicators"]
    assert _vt(indicators["R2"]) == {"value": 20.0, "target": 70.0}  # 200 / 1000 over general schools only
    assert _vt(indicators["R4"]) == {"value": 100 * 150 / 900, "target": 70.0}  # 16.666…, not rounded
    assert indicators["R4"]["value"] == 16.666666666666668
    assert _vt(indicators["R6"]) == {"value": None, "target": 70.0}  # no vocational data: null, not 0
    for code in ("R2", "R4", "R6"):  # no plans: the region's targets
        assert (indicators[code]["target_source"], indicators[code]["approximate"]) == ("region", False)
    assert indicators["R9"]["value"] == 100 * 6 / 7
    assert indicators["R9"]["possibly_double_counted"] is True  # PRODUCT.md §4 fallback is marked
    assert indicators["R9"]["approximate"] is True and indicators["R9"]["count"] == 6  # 3 + 3 reported, no records
    assert indicators["F2"]["value"] == 350 + 2 * 10 + 120  # no records: student + teacher mentees + mentors
    assert indicators["R10"]["value"] == (80 * 100 + 50 * 50) / 150  # respondent-weighted
    assert _vt(indicators["I1"]) == {"value": 100 * 240 / 1900, "target": None}
    assert (indicators["I1"]["target_source"], indicators["I1"]["approximate"]) == (None, False)
    assert indicators["F1"]["value"] == 100 * (350 + 120) / 1900
    assert body["completeness"] == {"expected": 4, "submitted": 2, "accepted": 2, "overdue": 0,
                                    "on_time": 2, "late": 0}


def test_zero_denominators_are_null(world, api_as):
    body = api_as(world.operator).get(f"{BASE}/aggregates/27").get_json()
    assert body["values"] == {}
    assert all(item["value"] is None for item in body["indicators"].values())
    assert body["indicators"]["R9"]["value"] is None  # enterprises_in_region_total is not set


def test_municipal_and_organization_aggregates(world, api_as):
    _accepted(api_as, world.curator, world.khv_official, "27-KHV-S1", VALID_VALUES)
    official = api_as(world.khv_official)
    body = official.get(f"{BASE}/aggregates/27-KHV").get_json()
    assert body["unit"] == {"code": "27-KHV", "level": "municipality", "name": "городской округ «Город Хабаровск»"}
    assert body["completeness"] == {"expected": 2, "submitted": 1, "accepted": 1, "overdue": 0,
                                    "on_time": 1, "late": 0}
    # the curator sees the organization's own current values, draft included
    api_as(world.dod_curator).put(submission_url("27-KHV-DOD"), json={"values": {"students_total": 10}, "version": 0})
    own = api_as(world.dod_curator).get(f"{BASE}/aggregates/27-KHV-DOD").get_json()
    assert own["unit"]["level"] == "organization"
    assert own["values"] == {"students_total": 10}
    assert own["completeness"] == {"expected": 1, "submitted": 0, "accepted": 0, "overdue": 0,
                                   "on_time": 0, "late": 0}
    assert official.get(f"{BASE}/aggregates/27-KHV-DOD").status_code == 200


def test_aggregate_scope(world, api_as):
    assert_error(api_as(world.curator).get(f"{BASE}/aggregates/27-KHV"), 403)
    assert_error(api_as(world.curator).get(f"{BASE}/aggregates/27-KHV-DOD"), 403)
    assert_error(api_as(world.khv_official).get(f"{BASE}/aggregates/27"), 403)
    assert_error(api_as(world.khv_official).get(f"{BASE}/aggregates/27-VAN"), 403)
    assert_error(api_as(world.van_official).get(f"{BASE}/aggregates/27-R-VMK"), 403)  # reports to the region
    assert_error(api_as(world.other_operator).get(f"{BASE}/aggregates/27"), 403)
    assert_error(api_as(world.operator).get(f"{BASE}/aggregates/NOPE"), 404)
    assert_error(api_as(world.operator).get(f"{BASE}/aggregates/79-BIR-S1"), 404)  # another region's unit
    assert api_as(world.admin).get(f"{BASE}/aggregates/27-VAN-S1").status_code == 200
