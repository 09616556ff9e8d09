"""One access layer for the records (registry.mentoring.access): its loaders raise NotFound, which a web page shows
as the HTML error page in the layout and the API as its JSON error; its `visible_*` builders scope the lists of the
pages and the API alike; a refused change answered with a redirect keeps nothing of it."""
import sqlalchemy as sa

from registry.core.errors import InvalidTransition
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Consent, Practice
from registry.mentoring.services import practices
from registry.mentoring.vocab import Form, PracticeStatus
from tests.api.helpers import assert_error
from tests.registry.mentoring import builders

R = "/records/27-KHV-S1"
LAYOUT = 'class="brand"'


def test_an_unknown_or_foreign_record_is_the_html_404_page_in_the_layout(world, login_as):
    foreign = builders.mentor(world.van_school, "Чужая Анна")
    builders.commit()
    b = login_as(world.curator)
    for path, message in [(f"{R}/mentors/{foreign.id}", "Запись не найдена."),
                          (f"{R}/mentees/999999", "Запись не найдена."),
                          (f"{R}/consents/999999/withdraw", "Согласие не найдено."),
                          (f"{R}/awards/999999/delete", "Награда не найдена."),
                          (f"{R}/partners/999999/delete", "Соглашение не найдено."),
                          ("/records/27-NOPE/mentors", "Организация с кодом «27-NOPE» не найдена.")]:
        response = b.post(path) if path.endswith(("withdraw", "delete")) else b.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 404, path
        assert LAYOUT in page and message in page, path
    response = login_as(world.operator).post("/records/practices/999999/approve")
    assert response.status_code == 404 and "Практика не найдена." in response.get_data(as_text=True)


def test_the_api_answers_the_same_loader_with_its_json_error(world, api_as):
    foreign = builders.mentor(world.van_school, "Чужая Анна")
    builders.commit()
    error = assert_error(api_as(world.curator).get(f"/api/v1/organizations/27-KHV-S1/mentors/{foreign.id}"), 404)
    assert error["message"] == "Запись не найдена."


def test_pages_and_api_list_the_same_records_of_an_organization(world, login_as, api_as):
    mine = builders.mentor(world.school, "Своя Мария")
    builders.mentor(world.van_school, "Чужая Анна")
    builders.commit()
    ids = [m["id"] for m in api_as(world.khv_official).get("/api/v1/organizations/27-KHV-S1/mentors").get_json()]
    assert ids == [r.id for r in db.session.scalars(access.visible_records(world.school, type(mine)))] == [mine.id]
    page = login_as(world.khv_official).get(R + "/mentors").get_data(as_text=True)
    assert "Своя Мария" in page and "Чужая Анна" not in page


def _proposed(org, title: str) -> Practice:
    practice = practices.create_practice(org, {"title": title, "form": Form.teacher_student, "role_model": "",
                                               "description": "Описание", "results": ""}, actor=None)
    practices.propose(practice, actor=None)
    return practice


def test_the_practice_review_queue_is_scoped_by_the_access_builder(world, login_as):
    _proposed(world.school, "Практика Хабаровска")
    _proposed(world.van_school, "Практика Ванино")
    _proposed(world.foreign_school, "Практика Биробиджана")
    builders.commit()
    seen = {user: login_as(getattr(world, user)).get("/records/practices/review").get_data(as_text=True)
            for user in ("khv_official", "operator", "admin")}
    assert "Практика Хабаровска" in seen["khv_official"] and "Практика Ванино" not in seen["khv_official"]
    assert "Практика Ванино" in seen["operator"] and "Практика Биробиджана" not in seen["operator"]
    assert "Практика Биробиджана" in seen["admin"]
    assert login_as(world.curator).get("/records/practices/review").status_code == 403
    statuses = (PracticeStatus.proposed,)
    assert db.session.scalars(access.visible_practice_reviews(world.curator, statuses)).all() == []


def test_a_refused_change_shown_by_a_redirect_keeps_nothing(world, login_as):
    """The refusal is flashed on the page the user came from (a redirect, which the request boundary commits): the
    refused change ran in a savepoint and is gone."""
    mentor = builders.mentor(world.school, "Берёзкина Ольга")
    builders.commit()
    b = login_as(world.curator)
    response = b.post(f"{R}/mentors/{mentor.id}/consents", {"kind": "publication", "given_by": "subject",
                                                             "signed_on": "2024-09-02", "fields": ["full_name"]})
    assert response.status_code == 302
    page = b.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-error"' in page and "Согласие не внесено: исправьте ошибки." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 0


def test_a_refusal_after_a_flushed_change_keeps_nothing_of_it(world, login_as, monkeypatch):
    """Even when the refused service had already changed and flushed something, the savepoint undoes it before
    the redirect that the request boundary commits."""
    practice = practices.create_practice(world.school, {"title": "Как было", "form": Form.teacher_student,
                                                        "role_model": "", "description": "Описание", "results": ""},
                                         actor=None)
    builders.commit()

    def changes_then_refuses(found, *, actor=None, now=None):
        found.title = "Изменено"
        db.session.flush()
        raise InvalidTransition("Практику нельзя отправить.")
    monkeypatch.setattr(practices, "propose", changes_then_refuses)
    b = login_as(world.curator)
    response = b.post(f"{R}/practices/{practice.id}/propose")
    assert response.status_code == 302
    assert "Практику нельзя отправить." in b.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).title == "Как было"
