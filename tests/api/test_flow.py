"""The whole reporting chain through the JSON API: curator → municipality → region."""
from tests.api.helpers import BASE, assert_error, report_url, submission_url
from tests.factories import VALID_VALUES, YEAR


def test_curator_to_consolidation(world, api_as):
    curator, official, operator = api_as(world.curator), api_as(world.khv_official), api_as(world.operator)
    school = world.school.code

    response = curator.get(submission_url(school))
    assert response.status_code == 200
    assert response.get_json() == {"organization": school, "status": "draft", "values": {}, "version": 0,
                                   "review_comment": None}

    response = curator.put(submission_url(school), json={"values": VALID_VALUES, "version": 0})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"organization": school, "status": "draft", "values": VALID_VALUES, "version": 1,
                                   "review_comment": None}

    response = curator.post(submission_url(school, "submit"), json={"version": 1})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "submitted"
    assert response.get_json()["version"] == 2

    # returning needs a comment, shown to the curator
    assert "comment" in assert_error(official.post(submission_url(school, "return"), json={}), 422)["fields"]
    assert "comment" in assert_error(official.post(submission_url(school, "return"), json={"comment": "  "}),
                                     422)["fields"]
    response = official.post(submission_url(school, "return"), json={"comment": "Проверьте число педагогов"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "returned"
    seen = curator.get(submission_url(school)).get_json()
    assert seen["review_comment"] == "Проверьте число педагогов"
    assert seen["version"] == 3

    fixed = dict(VALID_VALUES, teachers_young_supported=10)
    response = curator.put(submission_url(school), json={"values": fixed, "version": 3})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "draft"
    assert response.get_json()["values"]["teachers_young_supported"] == 10
    assert curator.post(submission_url(school, "submit")).status_code == 200  # version is optional here

    response = official.post(submission_url(school, "accept"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"organization": school, "status": "accepted", "values": fixed, "version": 6,
                                   "review_comment": "Проверьте число педагогов"}

    # the municipality freezes its report; the additional-education centre has not reported: it is listed
    response = official.post(report_url("27-KHV", "submit"))
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["municipality"] == "27-KHV"
    assert report["status"] == "submitted"
    assert report["snapshot"]["version"] == 1
    assert [m["code"] for m in report["snapshot"]["missing"]] == ["27-KHV-DOD"]
    assert report["snapshot"]["missing"][0] == {"code": "27-KHV-DOD", "name": "Центр «Косатка»",
                                                "level": "organization", "status": "draft"}

    response = operator.post(report_url("27-KHV", "accept"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"
    assert official.get(report_url("27-KHV")).get_json()["status"] == "accepted"

    response = operator.post(f"{BASE}/consolidate")
    assert response.status_code == 201, response.get_json()
    snapshot = response.get_json()
    assert snapshot["level"] == "region"
    assert snapshot["unit_code"] == "27"
    assert snapshot["version"] == 1
    summary = snapshot["summary"]
    assert summary["values"]["students_total"] == 1000
    assert summary["values"]["teachers_young_supported"] == 10
    assert summary["indicators"]["R2"]["value"] == 20.0
    assert summary["indicators"]["R4"]["value"] is None
    assert {m["code"] for m in summary["missing"]} == {"27-VAN", "27-R-VMK"}

    campaign = operator.get(BASE).get_json()
    assert campaign["status"] == "consolidated"
    listed = operator.get(f"{BASE}/snapshots").get_json()
    assert {(s["level"], s["unit_code"], s["version"]) for s in listed} == {("municipality", "27-KHV", 1),
                                                                            ("region", "27", 1)}
    assert operator.get(f"{BASE}/snapshots/{snapshot['id']}").get_json() == snapshot

    # a second consolidation is a new version; the first stays as it was
    again = operator.post(f"{BASE}/consolidate").get_json()
    assert again["version"] == 2 and again["id"] != snapshot["id"]
    assert operator.get(f"{BASE}/snapshots/{snapshot['id']}").get_json() == snapshot
    assert [s["version"] for s in operator.get(f"{BASE}/snapshots?level=region").get_json()] == [2, 1]
    assert campaign["year"] == YEAR


def test_municipal_report_return_needs_comment_and_can_be_resubmitted(world, api_as):
    official, operator = api_as(world.khv_official), api_as(world.operator)
    assert official.post(report_url("27-KHV", "submit")).status_code == 200
    assert "comment" in assert_error(operator.post(report_url("27-KHV", "return"), json={"comment": ""}),
                                     422)["fields"]
    response = operator.post(report_url("27-KHV", "return"), json={"comment": "Нет данных центра «Косатка»"})
    assert response.status_code == 200
    assert official.get(report_url("27-KHV")).get_json()["review_comment"] == "Нет данных центра «Косатка»"
    resubmitted = official.post(report_url("27-KHV", "submit")).get_json()
    assert resubmitted["status"] == "submitted"
    assert resubmitted["snapshot"]["version"] == 2


def test_reopen_puts_accepted_back_into_review(world, api_as):
    curator, official = api_as(world.curator), api_as(world.khv_official)
    curator.put(submission_url(world.school.code), json={"values": VALID_VALUES, "version": 0})
    curator.post(submission_url(world.school.code, "submit"))
    official.post(submission_url(world.school.code, "accept"))
    response = official.post(submission_url(world.school.code, "reopen"), json={"comment": "Уточнить опрос"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "submitted"
    assert_error(official.post(submission_url(world.school.code, "reopen")), 409, "invalid_transition")


def test_direct_organization_is_reviewed_by_the_region(world, api_as):
    """The college reports to the region: the operator reviews it, the municipal official does not."""
    college = world.college.code
    api_as(world.college_curator).put(submission_url(college), json={"values": VALID_VALUES, "version": 0})
    api_as(world.college_curator).post(submission_url(college, "submit"))
    assert_error(api_as(world.van_official).post(submission_url(college, "accept")), 403, "forbidden")
    assert_error(api_as(world.van_official).get(submission_url(college)), 403)
    response = api_as(world.operator).post(submission_url(college, "accept"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "accepted"
