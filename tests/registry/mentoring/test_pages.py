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


def test_every_records_page_renders_its_heading_and_the_records(world, login_as):
    mentor = builders.published(world.school)
    kid = builders.mentee(world.school)
    pair = builders.pair(world.school, [mentor], [kid])
    builders.commit()
    school, who, child = world.school.name, mentor.full_name, kid.full_name
    pages = {  # path → what the page must show: its heading, then the records the world put there
        "/records/": [f"<h1>{school}</h1>"],  # a curator's records start at their own organization
        R + "/": [f"<h1>{school}</h1>"],
        R + "/mentors": ["Наставники <span class=\"muted\">(1)</span>", who],
        R + "/mentees": ["Наставляемые <span class=\"muted\">(1)</span>", child],
        R + "/pairs": ["Наставнические пары и группы <span class=\"muted\">(1)</span>", who, child],
        R + "/partners": ["Предприятия и организации-партнёры <span class=\"muted\">(0)</span>"],
        R + "/practices": ["Лучшие практики организации <span class=\"muted\">(0)</span>"],
        R + "/mentors/new": ["<h1>Новый наставник</h1>"],
        R + "/mentees/new": ["<h1>Новый наставляемый</h1>"],
        R + "/pairs/new": ["<h1>Новая пара или группа</h1>", who, child],  # the people to choose from
        R + "/practices/new": ["<h1>Новая практика</h1>"],
        f"{R}/mentors/{mentor.id}": [f"<h1>{who}</h1>"],
        f"{R}/mentees/{kid.id}": [f"<h1>{child}</h1>"],
        f"{R}/pairs/{pair.id}": [f"Пара (группа) № {pair.id}", who, child],
        R + "/import": ["<h1>Загрузка записей из файла</h1>", f"Загрузка записей: {school}"],
    }
    b = login_as(world.curator)
    for path, expected in pages.items():
        response = b.get(path, follow_redirects=True)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert [text for text in expected if text not in page] == [], path
    assert child not in b.get(R + "/mentors").get_data(as_text=True)  # each list shows its own kind of record
    assert who not in b.get(R + "/mentees").get_data(as_text=True)
    operator = login_as(world.operator)
    for path, expected in {"/records/": ["<h1>Персонифицированный учёт наставничества</h1>", school],
                           "/records/practices/review": ["<h1>Лучшие практики: рассмотрение и публикация</h1>"],
                           R + "/": [f"<h1>{school}</h1>"]}.items():
        response = operator.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert [text for text in expected if text not in page] == [], path
