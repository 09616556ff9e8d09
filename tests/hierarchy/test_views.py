"""The upload page (/hierarchy/import) and the unit list (/hierarchy/units): access, CSRF, errors, scope, paging."""
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from hierarchy import views
from hierarchy.models import Municipality, Organization, Region
from registry.auth.models import Role
from registry.extensions import db
from tests import factories
from tests.hierarchy.files import DATA, KHABAROVSK, csv_file, xlsx_file
from tests.support.listing import assert_sorts_and_pages

URL = "/hierarchy/import"


def _upload(browser, data: bytes, filename: str = "units.csv", **extra):
    """Upload, then follow to the import job's page (jobs run inline in tests)."""
    return browser.post(URL, data={"file": (io.BytesIO(data), filename), **extra},
                        content_type="multipart/form-data", follow_redirects=True)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


def test_upload_page_has_a_labelled_file_input_and_csrf_field(world, login_as):
    page = login_as(world.operator).get(URL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="file">' in html and 'id="file" name="file" type="file"' in html
    assert 'name="csrf_token"' in html
    assert "Хабаровский край (27)" in html  # the operator is told their scope


def test_admin_uploads_the_khabarovsk_file_and_sees_a_summary(app, login_as):
    admin = factories.user("root@example.ru", Role.admin)
    db.session.commit()
    response = _upload(login_as(admin), KHABAROVSK.read_bytes(), KHABAROVSK.name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Итоги загрузки" in html and 'role="status"' in html
    assert _cells(html) == ["1", "0", "0", "19", "0", "0", "8", "0", "0"]
    assert (_count(Region), _count(Municipality), _count(Organization)) == (1, 19, 8)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_russian_template_is_linked_and_loads_as_it_is(app, login_as, fmt):
    admin = factories.user("root@example.ru", Role.admin)
    db.session.commit()
    browser = login_as(admin)
    assert f"/hierarchy/import/template.{fmt}" in browser.get(URL).get_data(as_text=True)
    template = browser.get(f"/hierarchy/import/template.{fmt}").data
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
        assert [c.value for c in sheet[1]][:3] == ["Вид", "Код", "Наименование"]
        lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
        book = sheet.parent
        values = {cell: [c.value for row in book["Списки"][ref.split("!")[1].replace("$", "")] for c in row]
                  for cell, ref in lists.items()}
        assert values == {"A2": ["регион", "муниципалитет", "организация"],
                          "E2": ["общеобразовательная", "дополнительного образования", "профессиональная"],
                          "F2": ["муниципалитет", "регион"]}
    response = _upload(browser, template, f"units.{fmt}")
    assert response.status_code == 200 and "Итоги загрузки" in response.get_data(as_text=True)
    school = db.session.scalar(sa.select(Organization).where(Organization.code == "27-KHV-S1"))
    assert (school.org_type.value, school.reports_to.value) == ("general", "municipality")


def test_upload_of_xlsx_works_like_csv(world, login_as):
    response = _upload(login_as(world.operator), xlsx_file(), "units.xlsx")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Organization.name).where(Organization.code == "27-R-VMK")) == (
        "Ванинский колледж")


def test_errors_show_on_the_job_page_in_a_table_with_the_form(world, login_as):
    response = _upload(login_as(world.admin), (DATA / "every_error.csv").read_bytes(), "every_error.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/hierarchy/import/jobs/1"
    assert 'role="alert"' in html
    assert '<th scope="col" class="num">Строка</th><th scope="col">Столбец</th><th scope="col">Ошибка</th>' in html
    cells = _cells(html)
    assert cells[:3] == ["2", "Вид", "Неизвестный вид «planet»: допустимы «регион», «муниципалитет» или «организация»."]
    assert len(cells) == 3 * 14
    assert 'id="file"' in html  # the form is there to try again
    assert db.session.scalar(sa.select(sa.func.count()).where(Municipality.code.like("27-X%"))) == 0


def test_upload_without_a_file_is_422(world, login_as):
    response = login_as(world.admin).post(URL, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Выберите файл" in response.get_data(as_text=True)


def test_operator_upload_outside_their_region_is_refused_and_changes_nothing(world, login_as):
    response = _upload(login_as(world.operator), (DATA / "operator_scope.csv").read_bytes())
    assert response.status_code == 200 and "Файл не загружен" in response.get_data(as_text=True)
    assert "только свой регион «27»" in response.get_data(as_text=True)
    assert db.session.get(Region, world.region.id).name == "Хабаровский край"


@pytest.mark.parametrize("role", ["khv_official", "curator", "college_curator"])
def test_other_roles_get_403(world, login_as, role):
    browser = login_as(getattr(world, role))
    assert browser.get(URL).status_code == 403
    assert _upload(browser, csv_file()).status_code == 403
    assert browser.get("/hierarchy/units").status_code == 403
    assert _count(Region) == 2


@pytest.mark.parametrize("url", [URL, "/hierarchy/units"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_upload_without_csrf_token_is_refused_with_400(world, login_as):
    browser = login_as(world.admin)
    response = browser.client.post(URL, data={"file": (io.BytesIO(csv_file()), "units.csv")},
                                   content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Форма устарела" in response.get_data(as_text=True)
    assert _count(Organization) == 5


def test_files_over_the_upload_limit_are_refused_with_413(world, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)
    response = _upload(login_as(world.admin), csv_file() + b"#" * 4096)
    assert response.status_code == 413
    assert "Файл слишком большой" in response.get_data(as_text=True)
    assert _count(Municipality) == 3


def test_unit_list_for_admin_shows_every_region(world, login_as):
    html = login_as(world.admin).get("/hierarchy/units").get_data(as_text=True)
    cells = _cells(html)
    assert "79-BIR-S1" in cells and "27-R-VMK" in cells
    college = cells.index("27-R-VMK")
    assert cells[college:college + 4] == ["27-R-VMK", "Ванинский колледж", "организация: профессиональная (СПО)",
                                          "Хабаровский край (27)"]
    school = cells.index("27-KHV-S1")
    assert cells[school + 3] == "городской округ «Город Хабаровск» (27-KHV)"
    assert '<th scope="col">Подчинение</th>' in html


def test_unit_list_for_operator_is_scoped_to_their_region(world, login_as):
    cells = _cells(login_as(world.operator).get("/hierarchy/units").get_data(as_text=True))
    codes = cells[::4]
    assert codes == ["27", "27-KHV", "27-VAN", "27-KHV-DOD", "27-KHV-S1", "27-R-VMK", "27-VAN-S1"]


def test_unit_list_is_paginated(world, login_as):
    for number in range(60):
        factories.municipality(world.region, f"27-M{number:02d}")
    db.session.commit()
    browser = login_as(world.operator)
    first = browser.get("/hierarchy/units").get_data(as_text=True)
    assert len(_cells(first)) == 50 * 4
    assert "Страница 1 из 2" in first and 'href="/hierarchy/units?page=2"' in first
    second = browser.get("/hierarchy/units?page=2").get_data(as_text=True)
    assert len(_cells(second)) == (67 - 50) * 4
    assert browser.get("/hierarchy/units?page=99").status_code == 200  # clamped to the last page


def test_unit_list_sorts_by_its_columns(world, login_as, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    browser = login_as(world.operator)
    # codes sort alike on every engine (names follow the database's collation)
    assert_sorts_and_pages(browser, "/hierarchy/units", "code", "городской округ «Город Хабаровск»", "Школа п. Ванино",
                           default_first="городской округ «Город Хабаровск»")  # the region, then its municipalities
