"""The public lists sort by published columns only and page through the one listing helper."""
from datetime import UTC, datetime

import pytest

from registry.mentoring.services import partners, people, practices
from registry.mentoring.vocab import AgreementKind, AwardTitle, Form, PartnerKind
from registry.public import queries
from tests.registry.mentoring import builders
from tests.support.listing import assert_sorts_and_pages, body


@pytest.fixture(autouse=True)
def _pages_of_two(monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)


def test_mentor_list_sorts_and_pages_when_browsing_and_searching(world, client):
    for name in ("Борисова Бэлла", "Яковлева Яна", "Аистова Алла"):
        builders.published(world.school, name)
    builders.published(world.school, "Скрытная Софья", fields=["position"])  # no name consented
    builders.mentor(world.school, "Неопубликованная Нина")
    builders.commit()
    assert_sorts_and_pages(client, "/registry/", "name", "Аистова Алла", "Яковлева Яна", default_first="Аистова Алла")
    # with search words the search's own order (by name) stays the default; the pager keeps the query
    assert_sorts_and_pages(client, "/registry/?q=математики", "name", "Аистова Алла", "Яковлева Яна",
                           default_first="Аистова Алла")
    assert "q=" in body(client, "/registry/?q=математики&sort=name").split('rel="next"')[0]
    seen = "".join(body(client, f"/registry/?sort={key}&page={n}") for key in ("name", "-name") for n in (1, 2, 3))
    assert "Неопубликованная Нина" not in seen and "Скрытная Софья" not in seen


def test_honorary_gallery_sorts_by_award_or_name_and_pages(world, client):
    for name, title in (("Борисова Бэлла", AwardTitle.for_mentoring), ("Яковлева Яна", AwardTitle.honorary_mentor),
                        ("Аистова Алла", AwardTitle.other)):
        people.add_award(builders.published(world.school, name), {"title": title, "year": 2023}, actor=None)
    silent = builders.published(world.school, "Скромная Нина", fields=["full_name"])
    people.add_award(silent, {"title": AwardTitle.honorary_mentor, "year": 2022}, actor=None)
    builders.commit()
    assert_sorts_and_pages(client, "/registry/honorary", "name", "Аистова Алла", "Яковлева Яна",
                           default_first="Яковлева Яна")  # the highest award first
    by_award = body(client, "/registry/honorary")
    assert by_award.index("Почётный наставник") < by_award.index("Яковлева Яна") < by_award.index("Борисова Бэлла")
    seen = "".join(body(client, f"/registry/honorary?sort={key}&page={n}") for key in ("award", "name")
                   for n in (1, 2))
    assert "Скромная Нина" not in seen  # awards were not consented


def test_practice_list_sorts_and_pages(world, client):
    for day, title in ((3, "Бережливая практика"), (1, "Азбучная практика"), (2, "Яркая практика")):
        practice = practices.create_practice(world.school, {"title": title, "form": Form.student_student,
                                                            "role_model": "", "description": "…", "results": ""},
                                             actor=world.curator)
        practices.propose(practice, actor=world.curator)
        practices.approve(practice, actor=world.khv_official, now=datetime(2024, 10, day, tzinfo=UTC))
    practices.create_practice(world.school, {"title": "Черновая практика", "form": Form.student_student,
                                             "role_model": "", "description": "…", "results": ""},
                              actor=world.curator)
    builders.commit()
    assert_sorts_and_pages(client, "/registry/practices", "title", "Азбучная практика", "Яркая практика",
                           default_first="Бережливая практика")  # the latest published first
    seen = body(client, "/registry/practices") + body(client, "/registry/practices?page=2")
    assert "Черновая практика" not in seen


def test_partner_list_sorts_and_pages(world, client):
    for inn, name in (("7707083893", "Бета-завод"), ("5001007329", "Ясный комбинат"), ("2722000010", "Альфа-порт")):
        partners.add_agreement(world.school, {"inn": inn, "name": name, "kind": AgreementKind.dual,
                                              "partner_kind": PartnerKind.enterprise, "mentors_provided": 2},
                               actor=world.curator)
    builders.publish_partners(world.khv_official)
    builders.commit()
    assert_sorts_and_pages(client, "/registry/partners", "name", "Альфа-порт", "Ясный комбинат",
                           default_first="Альфа-порт")
    page = body(client, "/registry/partners?sort=inn")
    assert page.index("2722000010") < page.index("5001007329") and world.school.name in page
