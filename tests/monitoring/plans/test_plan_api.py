"""Plans through the API: the workflow, versions, windows and extensions, scope of who drafts and who approves."""
from datetime import UTC, datetime, timedelta

import pytest

from registry.core.audit import AuditEntry
from registry.extensions import db
from tests.api.helpers import BASE, assert_error

KHV, SCHOOL, COLLEGE = "27-KHV", "27-KHV-S1", "27-R-VMK"
#: Every code that applies to 27-KHV (a general school and an additional-education centre report to it).
KHV_TARGETS = {"R2": 55, "R4": 45.5, "R7": 60, "R8": 8, "R9": 5, "R10": 80, "R11": 82}
SCHOOL_TARGETS = {"R2": 75, "R7": 65, "R8": 9, "R10": 90, "R11": 90}


def plan_url(code: str, action: str = "") -> str:
    return f"{BASE}/plans/{code}" + (f"/{action}" if action else "")


def test_a_plan_not_started_reads_as_an_empty_draft(world, api_as):
    body = api_as(world.khv_official).get(plan_url(KHV)).get_json()
    assert body == {"unit": KHV, "status": "draft", "targets": {}, "version": 0, "comment": None}


def test_municipal_plan_workflow_draft_submit_return_approve_reopen(world, api_as):
    official, operator = api_as(world.khv_official), api_as(world.operator)
    response = official.put(plan_url(KHV), json={"targets": {"R2": 55}, "version": 0})
    assert response.get_json() == {"unit": KHV, "status": "draft", "targets": {"R2": 55}, "version": 1,
                                   "comment": None}
    error = assert_error(official.post(plan_url(KHV, "submit")), 422, "validation_failed")
    assert error["fields"]["targets.R7"] == ["Укажите цель: без неё план нельзя отправить на утверждение."]
    assert "targets.R6" not in error["fields"]  # no vocational organization reports to 27-KHV: may be left out
    assert official.put(plan_url(KHV), json={"targets": KHV_TARGETS, "version": 1}).status_code == 200
    assert official.post(plan_url(KHV, "submit"), json={"version": 2}).get_json()["status"] == "submitted"
    # returning needs a comment; a blank one changes nothing
    error = assert_error(operator.post(plan_url(KHV, "return"), json={"comment": "  "}), 422)
    assert error["fields"] == {"comment": ["Комментарий обязателен."]}
    assert operator.get(plan_url(KHV)).get_json()["status"] == "submitted"
    returned = operator.post(plan_url(KHV, "return"), json={"comment": "R2 ниже региональной цели"}).get_json()
    assert (returned["status"], returned["comment"]) == ("returned", "R2 ниже региональной цели")
    assert official.post(plan_url(KHV, "submit")).get_json()["status"] == "submitted"
    approved = operator.post(plan_url(KHV, "approve")).get_json()
    assert (approved["status"], approved["comment"], approved["version"]) == ("approved", None, 6)
    assert_error(official.put(plan_url(KHV), json={"targets": KHV_TARGETS, "version": 6}), 409, "invalid_transition")
    reopened = operator.post(plan_url(KHV, "reopen"), json={"comment": "Уточнить R9"}).get_json()
    assert (reopened["status"], reopened["version"]) == ("draft", 7)
    actions = [a for a, in db.session.query(AuditEntry.action).filter(AuditEntry.target_type == "plan")
               .order_by(AuditEntry.id)]
    assert actions == ["plan.saved", "plan.saved", "plan.submitted", "plan.returned", "plan.submitted",
                       "plan.approved", "plan.reopened"]


def test_stale_version_is_409_with_the_current_plan(world, api_as):
    official = api_as(world.khv_official)
    official.put(plan_url(KHV), json={"targets": {"R2": 50}, "version": 0})
    error = assert_error(official.put(plan_url(KHV), json={"targets": {"R2": 60}, "version": 0}), 409,
                         "version_conflict")
    assert error["current"]["targets"] == {"R2": 50} and error["current"]["version"] == 1
    assert_error(official.post(plan_url(KHV, "submit"), json={"version": 0}), 409, "version_conflict")
    assert official.get(plan_url(KHV)).get_json()["targets"] == {"R2": 50}


@pytest.mark.parametrize(("targets", "field", "message"), [
    ({"R2": 101}, "targets.R2", "Нужно число от 0 до 100."),
    ({"R2": -1}, "targets.R2", "Нужно число от 0 до 100."),
    ({"I1": 10}, "targets.I1", "Неизвестный показатель: план задаёт цели только для R2, R4, R6, R7, R8, R9, R10, R11."),
    ({"R6": 10}, "targets.R6", "Показатель не относится к этому подразделению: оставьте его пустым."),
])
def test_bad_targets_are_per_code_errors_and_change_nothing(world, api_as, targets, field, message):
    official = api_as(world.khv_official)
    error = assert_error(official.put(plan_url(KHV), json={"targets": targets, "version": 0}), 422)
    assert error["fields"] == {field: [message]}
    assert official.get(plan_url(KHV)).get_json()["version"] == 0


def test_an_organization_has_no_r9_target(world, api_as):
    curator = api_as(world.curator)
    error = assert_error(curator.put(plan_url(SCHOOL), json={"targets": {"R9": 5}, "version": 0}), 422)
    assert list(error["fields"]) == ["targets.R9"]


def test_closed_window_is_423_and_an_extension_reopens_it(world, api_as):
    operator, official = api_as(world.operator), api_as(world.khv_official)
    past = datetime.now(UTC) - timedelta(hours=1)
    deadlines = {"organization": (past - timedelta(hours=1)).isoformat(), "municipality": past.isoformat()}
    assert operator.patch(BASE, json={"deadlines": deadlines}).status_code == 200
    error = assert_error(official.put(plan_url(KHV), json={"targets": {"R2": 50}, "version": 0}), 423,
                         "window_closed")
    assert "Приём данных муниципалитетов закрыт" in error["message"]
    until = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    assert operator.post(f"{BASE}/extensions", json={"unit_code": KHV, "until": until,
                                                     "reason": "Согласование дорожной карты"}).status_code == 201
    assert official.put(plan_url(KHV), json={"targets": {"R2": 50}, "version": 0}).status_code == 200


def test_organization_plan_is_approved_by_its_reviewer_only(world, api_as):
    curator = api_as(world.curator)
    assert curator.put(plan_url(SCHOOL), json={"targets": SCHOOL_TARGETS, "version": 0}).status_code == 200
    assert curator.post(plan_url(SCHOOL, "submit")).status_code == 200
    for outsider in (world.van_official, world.operator, world.curator, world.dod_curator):
        assert api_as(outsider).post(plan_url(SCHOOL, "approve")).status_code in (403, 404), outsider.email
    assert api_as(world.khv_official).post(plan_url(SCHOOL, "approve")).get_json()["status"] == "approved"


def test_a_region_subordinate_college_plan_is_approved_by_the_region(world, api_as):
    curator = api_as(world.college_curator)
    targets = {"R6": 40, "R7": 50, "R8": 6, "R10": 70, "R11": 70}
    assert curator.put(plan_url(COLLEGE), json={"targets": targets, "version": 0}).status_code == 200
    assert curator.post(plan_url(COLLEGE, "submit")).status_code == 200
    assert_error(api_as(world.van_official).post(plan_url(COLLEGE, "approve")), 403)
    assert api_as(world.operator).post(plan_url(COLLEGE, "approve")).get_json()["status"] == "approved"


def test_nobody_outside_the_unit_drafts_or_sees_its_plan(world, api_as):
    body = {"targets": {"R2": 50}, "version": 0}
    for outsider in (world.van_official, world.operator, world.curator, world.admin):
        assert api_as(outsider).put(plan_url(KHV), json=body).status_code == 403, outsider.email
    for outsider in (world.van_official, world.curator, world.other_operator):
        assert api_as(outsider).get(plan_url(KHV)).status_code in (403, 404), outsider.email
    assert api_as(world.khv_official).put(plan_url(KHV), json=body).status_code == 200
    # the municipality's plan is approved by the region, not by itself
    api_as(world.khv_official).put(plan_url(KHV), json={"targets": KHV_TARGETS, "version": 1})
    api_as(world.khv_official).post(plan_url(KHV, "submit"))
    assert_error(api_as(world.khv_official).post(plan_url(KHV, "approve")), 403)
    assert_error(api_as(world.van_official).post(plan_url(KHV, "return"), json={"comment": "x"}), 403)


def test_the_region_has_no_plan(world, api_as):
    assert_error(api_as(world.operator).get(plan_url("27")), 404, "not_found")
