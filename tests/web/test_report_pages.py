"""Municipal report and regional consolidation pages: freeze, missing lists, accept/return, snapshots."""
import sqlalchemy as sa

from hierarchy.models import Level
from monitoring import services
from monitoring.models import MunicipalReport, ReportStatus, Snapshot
from monitoring.views import region, reports
from registry.extensions import db
from tests.factories import VALID_VALUES
from tests.support.listing import PAGE, body
from tests.web.conftest import campaign_url, text


def _accepted(world, org, curator, reviewer):
    services.save_values(world.campaign, org, dict(VALID_VALUES), version=None, actor=curator)
    services.submit(world.campaign, org, actor=curator)
    services.accept(world.campaign, org, actor=reviewer)
    db.session.commit()


def _report_url(world, municipality, action: str = "") -> str:
    return campaign_url(world, f"municipalities/{municipality.code}/report" + (f"/{action}" if action else ""))


def _report(world, municipality) -> MunicipalReport:
    db.session.expire_all()
    return db.session.scalar(sa.select(MunicipalReport).where(MunicipalReport.municipality_id == municipality.id))


def test_municipal_report_page_shows_live_aggregate_and_who_is_missing(login_as, world):
    _accepted(world, world.school, world.curator, world.khv_official)
    page = text(login_as(world.khv_official).get(_report_url(world, world.khv)))
    assert "Отправить муниципальный отчёт" in page
    assert "R2" in page and "20 %" in page  # 200 of 1000 general-school students
    assert "Не приняты (1)" in page and world.dod.name in page
    assert "1\u00a0000" in page  # students_total in Russian number format
    assert "<tr><td>Наставляемых, ответивших на опрос</td>" in page
    assert "<tr><td>Удовлетворённость наставляемых, %</td>" not in page  # a mean: shown as R10, never summed


def test_submitting_the_municipal_report_freezes_a_snapshot_with_the_missing_list(login_as, world):
    _accepted(world, world.school, world.curator, world.khv_official)
    official = login_as(world.khv_official)
    response = official.post(_report_url(world, world.khv, "submit"))
    assert response.status_code == 302
    page = text(official.get(_report_url(world, world.khv)))
    assert "Отправленный срез: версия 1" in page
    assert "Не вошли в срез (отчёт не принят на момент отправки): 1." in page and world.dod.name in page
    assert "на проверке в регионе" in page and "Отправить муниципальный отчёт" not in page
    snapshot = db.session.scalar(sa.select(Snapshot).where(Snapshot.level == Level.municipality))
    detail = text(official.get(campaign_url(world, f"snapshots/{snapshot.id}")))
    assert "Отсутствуют в срезе (1)" in detail and world.dod.code in detail


def test_region_returns_with_comment_accepts_and_consolidates(login_as, world):
    _accepted(world, world.school, world.curator, world.khv_official)
    _accepted(world, world.college, world.college_curator, world.operator)
    official = login_as(world.khv_official)
    official.post(_report_url(world, world.khv, "submit"))
    operator = login_as(world.operator)
    region_page = text(operator.get(campaign_url(world)))
    assert world.khv.name in region_page and "на проверке в регионе" in region_page
    assert world.college.name in region_page and "Консолидировать" in region_page

    response = operator.post(_report_url(world, world.khv, "return"), {"comment": ""})
    assert response.status_code == 422 and "Комментарий обязателен." in text(response)
    assert operator.post(_report_url(world, world.khv, "return"), {"comment": "Нет данных Центра"}).status_code == 302
    assert _report(world, world.khv).status is ReportStatus.returned
    assert "Нет данных Центра" in text(official.get(_report_url(world, world.khv)))
    assert "Нет данных Центра" in text(official.get("/"))

    official.post(_report_url(world, world.khv, "submit"))
    response = operator.post(_report_url(world, world.khv, "accept"), {"next": campaign_url(world)})
    assert response.status_code == 302 and response.headers["Location"] == campaign_url(world)
    assert _report(world, world.khv).status is ReportStatus.accepted

    response = operator.post(campaign_url(world, "consolidate"))
    assert response.status_code == 302
    detail = text(operator.get(response.headers["Location"]))
    assert "Версия 1" in detail and world.region.name in detail
    assert "Отсутствуют в срезе (1)" in detail and world.van.name in detail  # VAN never reported
    assert "2\u00a0000" in detail  # KHV's frozen school + the direct college
    region_page = text(operator.get(campaign_url(world)))
    assert "Версия 1" in region_page and "принят регионом" in region_page


def test_municipal_official_cannot_decide_on_their_own_report(login_as, world):
    official = login_as(world.khv_official)
    official.post(_report_url(world, world.khv, "submit"))
    assert official.post(_report_url(world, world.khv, "accept")).status_code == 403
    assert official.post(campaign_url(world, "consolidate")).status_code == 403
    assert official.get(campaign_url(world)).status_code == 403


def test_missing_lists_of_the_report_and_its_snapshot_page(login_as, world, monkeypatch):
    monkeypatch.setattr(reports, "MISSING_PER_PAGE", 1)
    monkeypatch.setattr(region, "MISSING_PER_PAGE", 1)
    official = login_as(world.khv_official)
    url = _report_url(world, world.khv)

    def missing(page: str) -> str:
        return page.split("Не приняты (2)")[1].split("<h2")[0]

    first, second = missing(body(official, url)), missing(body(official, url + "?missing_page=2"))
    assert (world.school.name in first) != (world.dod.name in first) and PAGE.search(first).groups() == ("1", "2")
    assert (world.school.name in second) != (world.school.name in first)
    assert PAGE.search(missing(body(official, url + "?missing_page=99"))).groups() == ("2", "2")
    assert official.post(_report_url(world, world.khv, "submit")).status_code == 302
    report = body(official, url + "?missing_page=2")
    frozen = report.split("Не вошли в срез")[1].split("</section>")[0]
    assert PAGE.search(frozen).groups() == ("1", "2") and "missing_page=2" in frozen  # each list pages apart
    snapshot = db.session.scalar(sa.select(Snapshot).where(Snapshot.level == Level.municipality))
    detail = campaign_url(world, f"snapshots/{snapshot.id}")
    pages = [body(official, detail), body(official, detail + "?page=2")]
    assert all("Отсутствуют в срезе (2)" in p for p in pages)
    assert [PAGE.search(p).groups() for p in pages] == [("1", "2"), ("2", "2")]
    assert {world.school.code in p for p in pages} == {True, False}
    assert PAGE.search(body(official, detail + "?page=-1")).group(1) == "1"
