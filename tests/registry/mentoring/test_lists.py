"""Every records list sorts by its columns and pages, through the one listing helper; scope stays as it was."""
from datetime import date

import pytest

from registry.mentoring.services import partners, practices
from registry.mentoring.views import pairs as pair_views
from registry.mentoring.views import partners as partner_views
from registry.mentoring.views import people as people_views
from registry.mentoring.views import practices as practice_views
from registry.mentoring.vocab import AgreementKind, Form, PartnerKind
from tests.registry.mentoring import builders
from tests.support.listing import assert_sorts_and_pages, body

R = "/records/27-KHV-S1"


@pytest.fixture(autouse=True)
def _pages_of_two(monkeypatch):
    for module in (people_views, pair_views, partner_views, practice_views):
        monkeypatch.setattr(module, "PER_PAGE", 2)


def test_mentor_list_sorts_and_pages(world, login_as):
    for name in ("Борисова Бэлла", "Яковлева Яна", "Аистова Алла"):
        builders.mentor(world.school, name)
    builders.mentor(world.van_school, "Ванинская Чужая")
    builders.commit()
    browser = login_as(world.khv_official)
    assert_sorts_and_pages(browser, R + "/mentors", "name", "Аистова Алла", "Яковлева Яна",
                           default_first="Аистова Алла")
    pages = body(browser, R + "/mentors") + body(browser, R + "/mentors?page=2")
    assert "Борисова Бэлла" in pages and "Ванинская Чужая" not in pages  # another school's mentor stays out


def test_mentee_list_sorts_and_pages(world, login_as):
    for name in ("Бобров Борис", "Юдин Юрий", "Акулов Антон"):
        builders.mentee(world.school, name)
    builders.commit()
    assert_sorts_and_pages(login_as(world.curator), R + "/mentees", "name", "Акулов Антон", "Юдин Юрий",
                           default_first="Акулов Антон")


def test_pair_list_sorts_and_pages_keeping_the_status_filter(world, login_as):
    mentor, mentee = builders.mentor(world.school), builders.mentee(world.school)
    for code, day in (("ПАРА-Б", 3), ("ПАРА-А", 1), ("ПАРА-Я", 2)):
        builders.pair(world.school, [mentor], [mentee], code=code, start=date(2024, 9, day))
    builders.commit()
    browser = login_as(world.curator)
    assert_sorts_and_pages(browser, R + "/pairs?status=draft", "code", "ПАРА-А", "ПАРА-Я", default_first="ПАРА-Б")
    assert "status=draft" in body(browser, R + "/pairs?status=draft&sort=code").split('rel="next"')[0]


def test_partner_list_sorts_and_pages(world, login_as):
    for inn, name in (("7707083893", "Бета-завод"), ("5001007329", "Ясный комбинат"), ("2722000010", "Альфа-порт")):
        partners.add_agreement(world.school, {"inn": inn, "name": name, "kind": AgreementKind.dual,
                                              "partner_kind": PartnerKind.enterprise, "mentors_provided": 1},
                               actor=world.curator)
    builders.commit()
    assert_sorts_and_pages(login_as(world.curator), R + "/partners", "name", "Альфа-порт", "Ясный комбинат",
                           default_first="Альфа-порт")


def test_practice_list_sorts_and_pages(world, login_as):
    for title in ("Бережливая практика", "Яркая практика", "Азбучная практика"):
        practices.create_practice(world.school, {"title": title, "form": Form.student_student, "role_model": "",
                                                 "description": "…", "results": ""}, actor=world.curator)
    builders.commit()
    assert_sorts_and_pages(login_as(world.curator), R + "/practices", "title", "Азбучная практика",
                           "Яркая практика", default_first="Азбучная практика")  # newest first, then older


def test_records_index_sorts_and_pages_the_organizations_in_scope(world, login_as):
    browser = login_as(world.operator)
    assert_sorts_and_pages(browser, "/records/", "code", "27-KHV-DOD", "27-VAN-S1", default_first="27-R-VMK")
    pages = body(browser, "/records/") + body(browser, "/records/?page=2")
    assert "27-KHV-S1" in pages and "79-BIR-S1" not in pages  # another region's school stays out
