"""One person per region (СНИЛС), cross-organization pairs, the records API and the region registry API."""
import io
from datetime import date

import openpyxl
import pytest

from registry.core import export_store
from registry.core.errors import ValidationFailed
from registry.extensions import db
from registry.mentoring.models import MentoringPair, Person
from registry.mentoring.text import snils_error
from registry.mentoring.vocab import Form, MenteeCategory, MentorCategory
from tests.api.helpers import assert_error
from tests.registry.mentoring import builders

SNILS = "112-233-445 95"


@pytest.mark.parametrize(("text", "valid"), [
    ("112-233-445 95", True), ("11223344595", True), ("123-456-789 64", True),
    ("112-233-445 96", False),  # a typo in the control number
    ("987-654-321 00", False), ("12345", False), ("abc-233-445 95", False),
    ("001-001-998 00", True),  # issued before the checksum: never checked
])
def test_snils_checksum(text, valid):
    assert (snils_error(text) is None) is valid


def test_the_same_snils_in_two_organizations_is_one_person(world):
    a = builders.mentor(world.school, "Студентова Ольга", category=MentorCategory.student, snils=SNILS)
    b = builders.mentor(world.college, "Студентова Ольга", category=MentorCategory.student, snils="11223344595")
    db.session.commit()
    assert a.person_id == b.person_id and db.session.query(Person).count() == 1
    with pytest.raises(ValidationFailed) as refused:
        builders.mentor(world.school, "Другая запись", snils=SNILS)
    assert "snils" in refused.value.fields
    db.session.rollback()


def _cross_world(world):
    """A college student mentors pupils of two KHV schools' worth: the school's pair joins the college's mentor."""
    student = builders.mentor(world.college, "Колледжев Пётр", category=MentorCategory.student, snils=SNILS,
                              forms=[Form.student_pupil])
    own = builders.mentor(world.school, "Школьная Анна", snils="123-456-789 64", forms=[Form.teacher_student])
    # the same person is also recorded by the school (another role there): still one person
    twin = builders.mentor(world.school, "Колледжев Пётр", category=MentorCategory.student, snils=SNILS,
                           forms=[Form.student_pupil])
    pupil = builders.mentee(world.school, "Ученик Первый")
    other = builders.mentee(world.dod, "Ученик Второй")
    pair = builders.pair(world.school, [student], [pupil], form=Form.student_pupil)
    db.session.commit()
    return student, own, twin, pupil, other, pair


def test_a_pair_joins_a_mentor_of_another_organization_and_both_see_it(world, api_as):
    student, _, _, pupil, _, pair = _cross_world(world)
    college = api_as(world.college_curator).get("/api/v1/organizations/27-R-VMK/pairs").get_json()
    assert [(p["id"], p["cross_organization"], p["mentee_ids"]) for p in college] == [(pair.id, True, [])], \
        "the college sees the pair but not the school's pupil"
    school = api_as(world.curator).get("/api/v1/organizations/27-KHV-S1/pairs").get_json()
    assert [(p["id"], p["mentor_ids"], p["mentee_ids"]) for p in school] == [(pair.id, [student.id], [pupil.id])]
    # a mentor of another region never joins
    with pytest.raises(ValidationFailed):
        builders.pair(world.school, [builders.mentor(world.foreign_school, "Чужой")], [pupil])
    db.session.rollback()


def test_registry_counts_records_by_organizations_and_distinct_persons(world, api_as):
    _cross_world(world)
    body = api_as(world.operator).get("/api/v1/regions/27/registry/mentors").get_json()
    assert (body["total"], body["distinct_persons"], body["page"]) == (3, 2, 1)
    khv = api_as(world.khv_official).get("/api/v1/regions/27/registry/mentors").get_json()
    assert sorted(i["organization"] for i in khv["items"]) == ["27-KHV-S1", "27-KHV-S1"], "only their organizations"
    assert {i["snils"] for i in khv["items"]} == {"***-***-*** 95", "***-***-*** 64"}, "masked outside the org"
    by_form = api_as(world.operator).get("/api/v1/regions/27/registry/mentors?form=student_pupil").get_json()
    assert (by_form["total"], by_form["distinct_persons"]) == (2, 1)
    mentees = api_as(world.khv_official).get("/api/v1/regions/27/registry/mentees?organization=27-KHV-DOD")
    assert [i["full_name"] for i in mentees.get_json()["items"]] == ["Ученик Второй"]
    assert_error(api_as(world.curator).get("/api/v1/regions/27/registry/mentors"), 403)
    assert_error(api_as(world.other_operator).get("/api/v1/regions/27/registry/mentees"), 403)


def test_the_curator_sees_the_full_snils_of_their_own_records_only(world, api_as):
    student, own, *_ = _cross_world(world)
    mine = api_as(world.curator).get(f"/api/v1/organizations/27-KHV-S1/mentors/{own.id}").get_json()
    assert mine["snils"] == "123-456-789 64"
    theirs = api_as(world.khv_official).get(f"/api/v1/organizations/27-KHV-S1/mentors/{own.id}").get_json()
    assert theirs["snils"] == "***-***-*** 64"
    assert_error(api_as(world.curator).get(f"/api/v1/organizations/27-R-VMK/mentors/{student.id}"), 403)
    assert_error(api_as(world.curator).get(f"/api/v1/organizations/27-KHV-S1/mentors/{student.id}"), 404)


def test_possible_duplicate_hint_without_snils(world, api_as):
    builders.mentor(world.school, "Двойникова Ирина", birth_date=date(1980, 1, 2))
    builders.mentor(world.dod, "Двойникова Ирина", birth_date=date(1980, 1, 2))
    builders.mentor(world.dod, "Другая Ирина", birth_date=date(1980, 1, 2))
    db.session.commit()
    items = api_as(world.operator).get("/api/v1/regions/27/registry/mentors").get_json()["items"]
    assert {(i["full_name"], i["possible_duplicate"]) for i in items} == {
        ("Двойникова Ирина", True), ("Другая Ирина", False)}


def test_records_api_creates_reads_patches_and_deletes(world, api_as):
    api = api_as(world.curator)
    created = api.post("/api/v1/organizations/27-KHV-S1/mentors", json={
        "full_name": "Апиева Нина", "birth_date": "1985-03-04", "snils": SNILS, "category": "teacher",
        "position": "учитель", "forms": ["teacher_student"]})
    assert created.status_code == 201, created.get_data(as_text=True)
    mentor = created.get_json()
    assert (mentor["snils"], mentor["forms"], mentor["category"]) == (SNILS, ["teacher_student"], "teacher")
    patched = api.patch(f"/api/v1/organizations/27-KHV-S1/mentors/{mentor['id']}", json={"position": "завуч"})
    assert patched.get_json()["position"] == "завуч"
    kid = api.post("/api/v1/organizations/27-KHV-S1/mentees", json={
        "full_name": "Апиев Коля", "birth_date": "2009-01-01", "category": "student"}).get_json()
    pair = api.post("/api/v1/organizations/27-KHV-S1/pairs", json={
        "form": "teacher_student", "kind": "traditional", "mentor_ids": [mentor["id"]], "mentee_ids": [kid["id"]],
        "start_date": "2024-09-01"})
    assert pair.status_code == 201, pair.get_data(as_text=True)
    assert_error(api.delete(f"/api/v1/organizations/27-KHV-S1/mentees/{kid['id']}"), 409)
    assert api.delete(f"/api/v1/organizations/27-KHV-S1/pairs/{pair.get_json()['id']}").status_code == 204
    assert api.delete(f"/api/v1/organizations/27-KHV-S1/mentees/{kid['id']}").status_code == 204
    assert_error(api.get(f"/api/v1/organizations/27-KHV-S1/mentees/{kid['id']}"), 404)
    partner = api.post("/api/v1/organizations/27-KHV-S1/partners", json={
        "inn": "7707083893", "name": "ПАО Сбербанк", "kind": "enterprise"})
    assert partner.status_code == 201 and partner.get_json()["inn"] == "7707083893"
    assert_error(api_as(world.khv_official).post("/api/v1/organizations/27-KHV-S1/mentors", json={
        "full_name": "X", "category": "teacher"}), 403)


def test_records_api_refuses_per_field(world, api_as):
    api = api_as(world.curator)
    wrong = assert_error(api.post("/api/v1/organizations/27-KHV-S1/mentors", json={
        "full_name": "Опечаткина", "category": "teacher", "snils": "112-233-445 96"}), 422)
    assert "контрольное число" in wrong["fields"]["snils"][0]
    young = assert_error(api.post("/api/v1/organizations/27-KHV-S1/mentees", json={
        "full_name": "Малыш", "category": "student", "birth_date": "2016-05-01"}), 422)
    assert list(young["fields"]) == ["guardian_consent"]
    ok = api.post("/api/v1/organizations/27-KHV-S1/mentees", json={
        "full_name": "Малыш", "category": "student", "birth_date": "2016-05-01",
        "guardian_consent": {"guardian_name": "Мама Малыша", "signed_on": "2024-09-01"}})
    assert ok.status_code == 201, ok.get_data(as_text=True)
    teacher = builders.mentor(world.school, "Педагогова")
    young_teacher = builders.mentee(world.school, "Молодая", category=MenteeCategory.young_teacher,
                                    birth_date=date(1999, 1, 1))
    db.session.commit()
    mismatch = assert_error(api.post("/api/v1/organizations/27-KHV-S1/pairs", json={
        "form": "teacher_student", "kind": "traditional", "mentor_ids": [teacher.id],
        "mentee_ids": [young_teacher.id], "start_date": "2024-09-01"}), 422)
    assert set(mismatch["fields"]) == {"form", "mentee_ids"}
    assert db.session.scalar(db.select(db.func.count()).select_from(MentoringPair)) == 0


def test_the_yearly_registry_is_frozen_with_the_snapshots(world):
    from monitoring import snapshots
    from registry.core.clock import now_utc

    _cross_world(world)
    municipal = snapshots.freeze_municipal(world.campaign, world.khv, actor=None, now=now_utc())
    regional = snapshots.freeze_region(world.campaign, actor=None, now=now_utc())
    db.session.commit()
    khv = municipal.summary["registry"]
    # the KHV school keeps two mentor records (one is the college student's second role): two persons
    assert (khv["mentors"]["records"], khv["mentors"]["distinct_persons"]) == (2, 2)
    assert (khv["mentees"]["records"], khv["mentees"]["by_form"]["student_pupil"]) == (2, 1)
    region = regional.summary["registry"]["mentors"]
    assert (region["records"], region["distinct_persons"]) == (3, 2), "the student counted once in the region"
    assert (region["by_category"]["student"], region["by_form"]["student_pupil"]) == (1, 1)
    extract = khv["extract"]
    data = export_store.read(extract["path"])
    assert (len(data), export_store.sha256(data)) == (extract["size"], extract["sha256"])
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    mentors = list(book["Наставники"].iter_rows(values_only=True))
    assert [(r[0], r[2], r[5]) for r in mentors[1:]] == [("Колледжев Пётр", "27-KHV-S1", "***-***-*** 95"),
                                                         ("Школьная Анна", "27-KHV-S1", "***-***-*** 64")]
    assert [r[0] for r in book["Наставляемые"].iter_rows(values_only=True)][1:] == ["Ученик Первый", "Ученик Второй"]
    book.close()
    assert regional.summary["registry"]["extract"]["path"].endswith("/registry/region-27-v1.xlsx")
    builders.mentor(world.school, "Поздняя Запись")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(municipal), municipal.id).summary["registry"]["mentors"]["records"] == 2
    assert export_store.read(extract["path"]) == data, "the stored extract stays as frozen"


def test_a_mentor_from_another_organization_counts_for_the_pairs_organization(world):
    from registry.mentoring import queries
    from registry.mentoring.services import pairs as pair_service

    _, _, _, _, _, pair = _cross_world(world)
    pair_service.approve(pair, order_ref="№ 5", actor=None)
    db.session.commit()
    school = queries.counts_from_records(world.school, 2024)
    college = queries.counts_from_records(world.college, 2024)
    assert (school["mentors_total"], school["mentors_students"], school["mentees_form_student_pupil"]) == (1, 1, 1)
    assert (college["mentors_total"], college["pairs_total"]) == (0, 0), "the mentor's own organization has no pair"
