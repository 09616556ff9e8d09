"""Public pages: search with filters and paging, profiles, the honorary gallery, practices, partners."""
from datetime import date

import pytest

from registry.extensions import db
from registry.mentoring.services import partners, people, practices
from registry.mentoring.vocab import AgreementKind, AwardTitle, Form, MentorCategory, PartnerKind, PracticeStatus
from tests.registry.mentoring import builders


def test_search_page_filters_and_pages(world, client):
    for i in range(25):
        builders.published(world.school, f"Учитель {i:02d}")
    # labels of the category and forms are searchable too («педагог (учитель…)», «учитель — ученик»)
    builders.published(world.van_school, "Ванинская Ольга", position="методист", achievements="",
                       forms=[Form.employer_student], category=MentorCategory.employer)
    builders.commit()
    page = client.get("/registry/?q=учитель").get_data(as_text=True)
    assert "Найдено: 25" in page and "Учитель 19" in page and "Учитель 20" not in page and 'rel="next"' in page
    page = client.get("/registry/?q=учитель&page=2").get_data(as_text=True)
    assert "Учитель 20" in page and 'rel="prev"' in page
    page = client.get("/registry/?municipality=27-VAN").get_data(as_text=True)
    assert "Ванинская Ольга" in page and "Учитель 01" not in page
    assert "Школа п. Ванино" in page  # the organization filter appears once a municipality is chosen


def test_profile_shows_consented_fields_only(world, client):
    person = builders.published(world.school, "Профильная Анна", fields=["full_name", "achievements"],
                                achievements="призёр олимпиады")
    builders.commit()
    page = client.get(f"/registry/mentors/{person.id}").get_data(as_text=True)
    assert "Профильная Анна" in page and "призёр олимпиады" in page
    assert "учитель математики" not in page and world.school.name not in page
    assert client.get(f"/registry/mentors/{person.id + 100}").status_code == 404


def test_honorary_gallery_lists_consented_award_holders_by_award(world, client):
    honored = builders.published(world.school, "Почётная Мария")
    people.add_award(honored, {"title": AwardTitle.honorary_mentor, "year": 2023}, actor=None)
    silent = builders.published(world.school, "Скромная Нина", fields=["full_name"])
    people.add_award(silent, {"title": AwardTitle.for_mentoring, "year": 2022}, actor=None)
    builders.commit()
    page = client.get("/registry/honorary").get_data(as_text=True)
    assert "Почётный наставник" in page and "Почётная Мария" in page and "Почётный наставник (2023)" in page
    assert "Скромная Нина" not in page  # awards were not consented


@pytest.fixture
def practice(world):
    item = practices.create_practice(world.school, {"title": "Наставник-навигатор", "form": Form.student_student,
                                                    "role_model": "leader_passive", "description": "Как мы…",
                                                    "results": "Рост на 10%"}, actor=world.curator)
    builders.commit()
    return item


def test_practices_are_public_only_after_approval(world, client, practice, login_as):
    assert "Наставник-навигатор" not in client.get("/registry/practices").get_data(as_text=True)
    b = login_as(world.curator)
    b.post(f"/records/27-KHV-S1/practices/{practice.id}/propose")
    assert login_as(world.van_official).post(f"/records/practices/{practice.id}/approve").status_code == 403
    official = login_as(world.khv_official)
    assert "Наставник-навигатор" in official.get("/records/practices/review").get_data(as_text=True)
    official.post(f"/records/practices/{practice.id}/approve")
    page = client.get("/registry/practices").get_data(as_text=True)
    assert "Наставник-навигатор" in page
    detail = client.get(f"/registry/practices/{practice.id}").get_data(as_text=True)
    assert "лидер — пассивный" in detail and "Рост на 10%" in detail
    official.post(f"/records/practices/{practice.id}/return", {"comment": ""})  # a comment is required
    db.session.expire_all()
    assert db.session.get(type(practice), practice.id).status is PracticeStatus.published
    official.post(f"/records/practices/{practice.id}/return", {"comment": "Уточните результаты"})
    assert client.get(f"/registry/practices/{practice.id}").status_code == 404


def test_direct_organizations_practices_are_approved_by_the_region(world, login_as):
    item = practices.create_practice(world.college, {"title": "Дуальное обучение", "form": Form.employer_student,
                                                     "role_model": "", "description": "…", "results": ""},
                                     actor=world.college_curator)
    practices.propose(item, actor=world.college_curator)
    builders.commit()
    assert login_as(world.van_official).post(f"/records/practices/{item.id}/approve").status_code == 403
    assert login_as(world.operator).post(f"/records/practices/{item.id}/approve").status_code == 302
    db.session.expire_all()
    assert db.session.get(type(item), item.id).status is PracticeStatus.published


def test_partner_list_shows_each_partner_once_with_its_organizations(world, client, login_as):
    b = login_as(world.curator)
    b.post("/records/27-KHV-S1/partners/new", {"inn": "7707083894", "name": "Опечатка", "partner_kind": "enterprise",
                                               "kind": "dual"})
    assert "Опечатка" not in client.get("/registry/partners").get_data(as_text=True)  # bad checksum refused
    b.post("/records/27-KHV-S1/partners/new", {"inn": "7707083893", "name": "АО «Завод»", "partner_kind":
                                               "enterprise", "kind": "dual", "mentors_provided": "2",
                                               "signed_on": "2024-01-10"})
    partners.add_agreement(world.van_school, {"inn": "7707083893", "kind": AgreementKind.practice,
                                              "partner_kind": PartnerKind.enterprise, "mentors_provided": 1,
                                              "signed_on": date(2024, 2, 1)}, actor=world.van_curator)
    builders.publish_partners(world.operator)
    builders.commit()
    page = client.get("/registry/partners").get_data(as_text=True)
    row = page.split("7707083893")[1].split("</tr>")[0]
    assert page.count("7707083893") == 1 and "Школа № 1 г. Хабаровска" in row and "Школа п. Ванино" in row
    api = client.get("/api/v1/public/partners").get_json()
    assert api[0]["mentors_provided"] == 3 and api[0]["name"] == "АО «Завод»"
