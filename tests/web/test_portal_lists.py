"""Lists officials live in: search by name (Cyrillic, any case, both engines), XLSX downloads read back per role and
scope, the print button."""
import io
import re
from urllib.parse import quote

import openpyxl
import pytest

from monitoring import reports, services
from tests import factories
from tests.web.conftest import campaign_url, text


def _sheet(response) -> list[list]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "attachment;" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _q(value: str) -> str:
    return quote(value)


def _names(rows: list[list]) -> set[str]:
    return {row[0] for row in rows[3:]}


def test_review_queue_search_ignores_case_of_cyrillic_names(login_as, world):
    operator = login_as(world.operator)
    page = text(operator.get(campaign_url(world, f"review?q={_q('ШКОЛА')}")))
    assert world.school.name in page and world.van_school.name in page
    assert world.dod.name not in page and world.college.name not in page
    page = text(operator.get(campaign_url(world, f"review?q={_q('косатка')}")))
    assert world.dod.name in page and world.school.name not in page
    page = text(operator.get(campaign_url(world, f"review?q={_q('27-R-')}")))  # by code too
    assert world.college.name in page and world.school.name not in page
    assert "Найдено: 0" in text(operator.get(campaign_url(world, "review?q=%25")))  # a wildcard is a literal


def test_review_queue_xlsx_follows_the_filters_and_each_scope(login_as, world):
    services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=None,
                         actor=world.curator)
    services.submit(world.campaign, world.school, actor=world.curator)
    factories.db.session.commit()
    operator = _sheet(login_as(world.operator).get(campaign_url(world, "review.xlsx")))
    assert operator[2][:5] == ["Организация", "Код", "Тип", "Проверяющий", "Состояние"]
    assert _names(operator) == {world.school.name, world.dod.name, world.van_school.name, world.college.name}
    school = next(row for row in operator if row[0] == world.school.name)
    assert school[1] == world.school.code and school[3] == world.khv.name and school[4] == "на проверке"
    submitted = _sheet(login_as(world.operator).get(campaign_url(world, "review.xlsx?status=submitted")))
    assert _names(submitted) == {world.school.name}
    khv = _sheet(login_as(world.khv_official).get(campaign_url(world, "review.xlsx?parent=region")))
    assert _names(khv) == {world.school.name, world.dod.name}  # an official's own organizations, whatever asked
    van = _sheet(login_as(world.van_official).get(campaign_url(world, f"review.xlsx?q={_q('школа')}")))
    assert _names(van) == {world.van_school.name}
    assert login_as(world.curator).get(campaign_url(world, "review.xlsx")).status_code == 403
    assert login_as(world.other_operator).get(campaign_url(world, "review.xlsx")).status_code == 403


def test_review_page_links_its_download_with_the_same_filters(login_as, world):
    page = text(login_as(world.operator).get(campaign_url(world, f"review?q={_q('школа')}&status=draft&page=1")))
    assert "/review.xlsx?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0&amp;status=draft" in page
    assert "data-print" in page


def test_completeness_matrix_xlsx_matches_the_dashboard(login_as, world):
    services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=None,
                         actor=world.curator)
    services.submit(world.campaign, world.school, actor=world.curator)
    factories.db.session.commit()
    rows = _sheet(login_as(world.operator).get(campaign_url(world, "matrix.xlsx")))
    header = rows[2]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[3:]}
    khv = by_name[world.khv.name]
    assert khv["всего"] == 2 and khv["на проверке"] == 1 and khv["не начат"] == 1
    assert by_name["Организации, подчинённые региону"]["всего"] == 1
    assert by_name["Всего по региону"]["всего"] == 4
    dashboard = text(login_as(world.operator).get(campaign_url(world)))
    assert f'href="/campaigns/27/{factories.YEAR}/matrix.xlsx"' in dashboard
    assert login_as(world.khv_official).get(campaign_url(world, "matrix.xlsx")).status_code == 403


@pytest.fixture
def snapshot_id(world):
    report = reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    factories.db.session.commit()
    return report.snapshot_id


def test_missing_list_searches_and_downloads_in_scope(login_as, world, snapshot_id):
    url = campaign_url(world, f"snapshots/{snapshot_id}")
    official = login_as(world.khv_official)
    page = text(official.get(url + f"?q={_q('КОСАТКА')}"))
    assert "Найдено: 1" in page
    rows = _sheet(official.get(url + "/missing.xlsx"))
    assert rows[2] == ["Подразделение", "Код", "Уровень", "Состояние на момент среза"]
    assert _names(rows) == {world.school.name, world.dod.name}
    assert _names(_sheet(official.get(url + f"/missing.xlsx?q={_q('косат')}"))) == {world.dod.name}
    assert _names(_sheet(login_as(world.operator).get(url + "/missing.xlsx"))) == {world.school.name, world.dod.name}
    assert login_as(world.van_official).get(url + "/missing.xlsx").status_code == 403


def test_unit_and_member_lists_search_by_name(login_as, world):
    operator = login_as(world.operator)
    units = text(operator.get(f"/hierarchy/units?q={_q('ванин')}"))
    assert world.van.name in units and world.college.name in units and world.school.name not in units
    assert world.foreign_school.name not in text(operator.get(f"/hierarchy/units?q={_q('школа')}"))  # own region only
    # the unit picker's suggestions list every unit; the search filters the table
    page = text(operator.get(campaign_url(world, f"members?q={_q('ХАБАРОВСК')}")))
    members = re.sub(r"<datalist.*?</datalist>", "", page, flags=re.S)
    assert world.school.name in members and world.van_school.name not in members
