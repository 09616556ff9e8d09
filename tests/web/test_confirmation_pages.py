"""Irreversible actions are confirmed on a page listing their consequences; the GET changes nothing."""
import sqlalchemy as sa

from monitoring import services
from monitoring.models import MunicipalReport, Snapshot, SubmissionStatus
from registry.extensions import db
from tests.factories import VALID_VALUES
from tests.web.conftest import campaign_url, text


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_municipal_submit_lists_who_will_be_missing_before_the_post(world, login_as):
    b = login_as(world.khv_official)
    url = campaign_url(world, "municipalities/27-KHV/report/submit")
    report_page = text(b.get(campaign_url(world, "municipalities/27-KHV/report")))
    assert f'href="{url}"' in report_page
    page = text(b.get(url))
    assert "2 организации не приняты и войдут в список отсутствующих:" in page
    assert world.school.name in page and world.dod.name in page and world.van_school.name not in page
    assert _count(MunicipalReport) == 0 and _count(Snapshot) == 0
    assert b.post(url).status_code == 302
    assert _count(MunicipalReport) == 1


def test_consolidation_lists_the_missing_units(world, login_as):
    b = login_as(world.operator)
    url = campaign_url(world, "consolidate")
    page = text(b.get(url))
    assert "Не приняты и войдут в список отсутствующих" in page
    assert world.khv.name in page and world.college.name in page and "(муниципальный отчёт)" in page
    assert _count(Snapshot) == 0
    assert b.post(url).status_code == 302 and _count(Snapshot) == 1


def test_accepting_from_the_queue_goes_through_a_confirmation(world, login_as):
    services.save_values(world.campaign, world.school, dict(VALID_VALUES), version=None, actor=world.curator)
    services.submit(world.campaign, world.school, actor=world.curator)
    db.session.commit()
    b = login_as(world.khv_official)
    queue = text(b.get(campaign_url(world, "review")))
    accept_url = campaign_url(world, f"submissions/{world.school.code}/accept")
    assert f'href="{accept_url}?next=' in queue
    page = text(b.get(accept_url + "?next=/campaigns/27/"))
    assert f"Принять отчёт «{world.school.name}»?" in page and "больше не сможет его изменить" in page
    assert services.get_submission(world.campaign, world.school).status is SubmissionStatus.submitted
    assert b.post(accept_url).status_code == 302
    db.session.expire_all()
    assert services.get_submission(world.campaign, world.school).status is SubmissionStatus.accepted


def test_confirmation_pages_are_refused_outside_scope(world, login_as):
    assert login_as(world.van_official).get(campaign_url(world, "municipalities/27-KHV/report/submit")).status_code \
        in (403, 404)
    assert login_as(world.curator).get(campaign_url(world, "consolidate")).status_code in (403, 404)
