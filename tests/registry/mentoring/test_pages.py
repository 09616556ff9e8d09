"""Records pages: the curator keeps them; the municipality and region read them; nobody else sees them."""
import re

import sqlalchemy as sa

from registry.extensions import db
from registry.mentoring.models import Consent, Mentee, Mentor, MentoringPair
from registry.mentoring.vocab import PairStatus
from tests.registry.mentoring import builders

R = "/records/27-KHV-S1"


def mentor_id_of(response) -> int:
    return int(re.search(r"/mentors/(\d+)", response.headers["Location"]).group(1))


def test_curator_adds_a_mentor_records_consents_and_publishes(world, login_as, client):
    b = login_as(world.curator)
    response = b.post(R + "/mentors/new", {"full_name": "Берёзкина Ольга", "category": "teacher", "code": "M1",
                                           "forms": ["teacher_student", "student_student"],
                                           "position": "завуч-методист"})
    assert response.status_code == 302, response.get_data(as_text=True)
    mentor_id = mentor_id_of(response)
    page = b.get(f"{R}/mentors/{mentor_id}").get_data(as_text=True)
    assert "Берёзкина Ольга" in page and "не публикуется" in page
    b.post(f"{R}/mentors/{mentor_id}/consents", {"kind": "processing", "given_by": "subject",
                                                 "signed_on": "2024-09-01"})
    b.post(f"{R}/mentors/{mentor_id}/consents", {"kind": "publication", "given_by": "subject",
                                                 "signed_on": "2024-09-02", "fields": ["full_name", "forms"]})
    assert client.get(f"/registry/mentors/{mentor_id}").status_code == 200
    public = client.get("/registry/?q=березкина").get_data(as_text=True)
    assert "Берёзкина Ольга" in public and "завуч-методист" not in public  # the position was not consented


def test_invalid_mentor_form_shows_errors_and_keeps_input(world, login_as):
    b = login_as(world.curator)
    response = b.post(R + "/mentors/new", {"full_name": "", "category": "wizard", "position": "директор"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Обязательное поле." in page and "Недопустимое значение" in page and 'value="директор"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentor)) == 0


def test_minor_mentee_consent_must_come_from_a_guardian(world, login_as):
    person = builders.mentee(world.school, "Малышев Ваня")
    builders.commit()
    b = login_as(world.curator)
    b.post(f"{R}/mentees/{person.id}/consents", {"kind": "processing", "given_by": "subject",
                                                 "signed_on": "2024-09-01"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 0
    b.post(f"{R}/mentees/{person.id}/consents", {"kind": "processing", "given_by": "guardian",
                                                 "guardian_name": "Малышева Анна", "signed_on": "2024-09-01"})
    consent = db.session.scalar(sa.select(Consent))
    assert consent.guardian_name == "Малышева Анна" and consent.mentee_id == person.id


def test_pair_lifecycle_from_forming_to_completed_with_full_cycle_marks(world, login_as):
    mentor = builders.mentor(world.school)
    kids = [builders.mentee(world.school, f"Ребёнок {i}") for i in range(2)]
    builders.commit()
    b = login_as(world.curator)
    response = b.post(R + "/pairs/new", {"form": "teacher_student", "kind": "group", "start_on": "2024-09-01",
                                         "mentor_ids": [str(mentor.id)], "mentee_ids": [str(k.id) for k in kids]})
    assert response.status_code == 302, response.get_data(as_text=True)
    pair = db.session.scalar(sa.select(MentoringPair))
    url = f"{R}/pairs/{pair.id}/status"
    b.post(url, {"action": "activate"})  # not allowed before the order
    b.post(url, {"action": "approve", "order_ref": "№ 12 от 01.09.2024"})
    b.post(url, {"action": "activate"})
    b.post(url, {"action": "complete", "on": "2025-05-30", f"full_cycle_{kids[0].id}": "1"})  # one decision missing
    db.session.expire_all()
    assert db.session.get(MentoringPair, pair.id).status is PairStatus.active
    b.post(url, {"action": "complete", "on": "2025-05-30", f"full_cycle_{kids[0].id}": "1",
                 f"full_cycle_{kids[1].id}": "0"})
    db.session.expire_all()
    assert db.session.get(MentoringPair, pair.id).status is PairStatus.completed
    assert [db.session.get(Mentee, k.id).full_cycle_completed for k in kids] == [True, False]


def test_other_curators_cannot_open_the_records_but_the_municipality_reads_them(world, login_as):
    person = builders.mentor(world.school, "Закрытова Ирина")
    builders.commit()
    url = f"{R}/mentors/{person.id}"
    assert login_as(world.van_curator).get(url).status_code == 403
    assert login_as(world.van_official).get(url).status_code == 403
    page = login_as(world.khv_official).get(url)
    assert page.status_code == 200 and "Закрытова Ирина" in page.get_data(as_text=True)
    assert login_as(world.khv_official).post(url, {"full_name": "Взлом", "category": "teacher"}).status_code == 403
    assert login_as(world.operator).get(url).status_code == 200
    assert login_as(world.other_operator).get(url).status_code == 403


def test_every_records_page_renders(world, login_as):
    mentor = builders.published(world.school)
    kid = builders.mentee(world.school)
    pair = builders.pair(world.school, [mentor], [kid])
    builders.commit()
    b = login_as(world.curator)
    for path in ("/records/", R + "/", R + "/mentors", R + "/mentees", R + "/pairs", R + "/partners",
                 R + "/practices", R + "/mentors/new", R + "/mentees/new", R + "/pairs/new", R + "/practices/new",
                 f"{R}/mentors/{mentor.id}", f"{R}/mentees/{kid.id}", f"{R}/pairs/{pair.id}", R + "/import"):
        response = b.get(path, follow_redirects=True)
        assert response.status_code == 200, path
    for path in ("/records/", "/records/practices/review", R + "/"):
        assert login_as(world.operator).get(path).status_code == 200, path
