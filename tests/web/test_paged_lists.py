"""Lists that used to show everything: the practice review queue, campaigns, stored form sets, snapshot histories."""
from datetime import UTC, datetime

import pytest

from exports import sets_views
from exports.definition_files import DEFAULT_FORM
from exports.models import FormSet
from hierarchy.models import Level
from monitoring import reports, services
from monitoring.views import campaigns as campaign_views
from monitoring.views import region as region_views
from monitoring.views import submissions as submission_views
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.services import practices
from registry.mentoring.views import practices as practice_views
from registry.mentoring.vocab import Form
from tests import factories
from tests.support.listing import PAGE, assert_sorts_and_pages, body

REVIEW = "/records/practices/review"


def _practice(org, title, actor, *, proposed_day, publish_by=None):
    practice = practices.create_practice(org, {"title": title, "form": Form.student_student, "role_model": "",
                                               "description": "…", "results": ""}, actor=actor)
    practices.propose(practice, actor=actor, now=datetime(2024, 10, proposed_day, tzinfo=UTC))
    if publish_by is not None:
        practices.approve(practice, actor=publish_by, now=datetime(2024, 10, 20, tzinfo=UTC))
    return practice


def test_review_queue_sorts_pages_and_filters_in_the_reviewers_scope(world, login_as, monkeypatch):
    monkeypatch.setattr(practice_views, "PER_PAGE", 2)
    _practice(world.school, "Бережливая практика", world.curator, proposed_day=3)
    _practice(world.dod, "Азбучная практика", world.dod_curator, proposed_day=1)
    _practice(world.school, "Яркая практика", world.curator, proposed_day=2, publish_by=world.khv_official)
    _practice(world.van_school, "Чужая практика", world.van_curator, proposed_day=4)  # another municipality
    db.session.commit()
    official = login_as(world.khv_official)
    # default: the proposed ones first, the oldest proposal first
    assert_sorts_and_pages(official, REVIEW, "title", "Азбучная практика", "Яркая практика",
                           default_first="Азбучная практика")
    second = body(official, REVIEW + "?page=2")
    assert "Яркая практика" in second and "Бережливая практика" not in second  # published after the proposed
    by_date = body(official, REVIEW + "?sort=-proposed&page=2")
    assert "Азбучная практика" in by_date and "Бережливая практика" not in by_date
    everything = "".join(body(official, f"{REVIEW}?sort=organization&page={n}") for n in (1, 2))
    assert "Чужая практика" not in everything
    # the filter keeps the sort, and the pager keeps both
    filtered = body(official, REVIEW + "?status=proposed&sort=-title")
    assert "Найдено: 2" in filtered
    assert filtered.index("Бережливая практика") < filtered.index("Азбучная практика")
    assert "Яркая практика" not in filtered and 'name="sort" value="-title"' in filtered
    published = body(official, REVIEW + "?status=published")
    assert "Яркая практика" in published and "Азбучная практика" not in published
    assert "Найдено: 3" in body(official, REVIEW + "?status=bogus")  # an unknown status shows everything


def test_campaign_list_sorts_by_year_and_pages(world, login_as, monkeypatch):
    monkeypatch.setattr(campaign_views, "PER_PAGE", 2)
    for year in (factories.YEAR - 2, factories.YEAR - 1):
        factories.open_campaign(world.region, year, world.admin)
    db.session.commit()
    operator = login_as(world.operator)
    path = f"/campaigns/{world.region.code}/"
    first, last = (f"{factories.YEAR - 2}</a>", f"{factories.YEAR}</a>")
    assert_sorts_and_pages(operator, path, "year", first, last, default_first=last)
    assert first in body(operator, path + "?page=2") and last not in body(operator, path + "?page=2")
    assert f'value="{factories.YEAR + 1}"' in body(operator, path + "?page=2")  # the next year, whatever the page
    assert body(operator, path + "?sort=-members").count("</a>") > 0
    bogus = body(operator, path + "?sort=year;drop&page=abc")
    assert last in bogus and PAGE.search(bogus).group(1) == "1"


def _consolidated(world, times: int) -> list:
    snapshots = [reports.consolidate(world.campaign, actor=world.operator) for _ in range(times)]
    db.session.commit()
    return snapshots


def test_region_snapshot_history_pages_on_its_own(world, login_as, monkeypatch):
    monkeypatch.setattr(region_views, "SNAPSHOTS_PER_PAGE", 2)
    snapshots = _consolidated(world, 3)
    operator = login_as(world.operator)
    path = f"/campaigns/{world.region.code}/{factories.YEAR}/"
    link = "/snapshots/{}\">Версия {}</a>"
    first_page = body(operator, path)
    assert link.format(snapshots[2].id, 3) in first_page and link.format(snapshots[0].id, 1) not in first_page
    second = body(operator, path + "?snapshots_page=2")
    assert link.format(snapshots[0].id, 1) in second and link.format(snapshots[2].id, 3) not in second
    ascending = body(operator, path + "?snapshots_sort=version")
    assert link.format(snapshots[0].id, 1) in ascending and link.format(snapshots[2].id, 3) not in ascending
    assert "snapshots_page=2" in ascending and "snapshots_sort=version" in ascending
    assert link.format(snapshots[2].id, 3) in body(operator, path + "?snapshots_sort=nonsense&snapshots_page=-1")


def test_municipal_report_lists_its_snapshot_versions(world, login_as):
    report = reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    db.session.commit()
    page = body(login_as(world.operator), f"/campaigns/27/{factories.YEAR}/municipalities/27-KHV/report")
    assert f"/snapshots/{report.snapshot_id}\">Версия 1</a>" in page and "Все версии срезов (1)" in page


@pytest.fixture
def form_sets(world):
    made = []
    for snapshot, (version, unit_code, day) in zip(_consolidated(world, 3), ((1, "27", 5), (2, "27-KHV", 1),
                                                                             (3, "27-VAN", 3)), strict=True):
        form_set = FormSet(campaign_id=world.campaign.id, snapshot_id=snapshot.id, level=Level.municipality,
                           unit_code=unit_code, version=version, form_code=DEFAULT_FORM,
                           frozen_at=datetime(2024, 11, day, tzinfo=UTC), created_at=now_utc())
        db.session.add(form_set)
        made.append(form_set)
    db.session.commit()
    return made


def test_form_set_list_sorts_and_pages(world, login_as, form_sets, monkeypatch):
    monkeypatch.setattr(sets_views, "PER_PAGE", 2)
    operator = login_as(world.operator)
    path = f"/campaigns/27/{factories.YEAR}/form-sets"
    region, van = f"<td>{world.region.name} <span", f"<td>{world.van.name} <span"  # sets are listed by unit name
    assert_sorts_and_pages(operator, path, "unit", region, van, default_first=van)  # the newest set first
    by_frozen = body(operator, path + "?sort=frozen&page=2")
    assert region in by_frozen and f"<td>{world.khv.name} <span" not in by_frozen
    assert "Наборы форм: 3" in by_frozen


def test_submission_history_pages_newest_first(world, login_as, monkeypatch):
    monkeypatch.setattr(submission_views, "HISTORY_PER_PAGE", 2)
    for version in range(3):
        services.save_values(world.campaign, world.school, {"students_total": 100 + version}, version=version or None,
                             actor=world.curator)
    db.session.commit()
    curator = login_as(world.curator)
    path = f"/campaigns/27/{factories.YEAR}/submissions/27-KHV-S1"
    row = '<tr><td class="num">{}</td>'
    first = body(curator, path)
    assert row.format(3) in first and row.format(2) in first and row.format(1) not in first
    second = body(curator, path + "?history_page=2")
    assert row.format(1) in second and row.format(3) not in second
    ascending = body(curator, path + "?history_sort=version")
    assert row.format(1) in ascending and row.format(3) not in ascending and "history_page=2" in ascending
    assert row.format(3) in body(curator, path + "?history_sort=who&history_page=x")  # unknown: newest first


def test_a_page_shown_again_by_a_failed_action_links_to_itself(world, login_as, monkeypatch):
    """«Вернуть» without a comment shows the report again at …/return: its history links lead to the report page."""
    monkeypatch.setattr(submission_views, "HISTORY_PER_PAGE", 2)
    for version in (0, 1):  # two saves and the submit: three versions, two pages
        services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=version,
                             actor=world.curator)
    services.submit(world.campaign, world.school, actor=world.curator)
    db.session.commit()
    path = f"/campaigns/27/{factories.YEAR}/submissions/27-KHV-S1"
    official = login_as(world.khv_official)
    response = official.post(path + "/return", {"comment": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "комментарий обязателен" in page
    assert f'href="{path}?history_page=2"' in page and "/return?" not in page
    assert official.get(f"{path}?history_page=2").status_code == 200
