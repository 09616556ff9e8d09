"""The region's bulk upload of plans: a good file approves every row's plan; any bad cell changes nothing."""
import csv
import io
import re
from datetime import timedelta

import openpyxl

from monitoring import campaigns
from monitoring.plans import services as plans
from monitoring.plans.importer import HEADERS, UNIT_HEADER
from monitoring.plans.models import PlanStatus
from monitoring.plans.targets import resolve_targets
from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from tests.factories import YEAR

URL = f"/campaigns/27/{YEAR}/plans-import"


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([UNIT_HEADER, "Наименование", HEADERS["R2"], HEADERS["R4"], HEADERS["R7"], HEADERS["R9"]])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(page, content: bytes):
    return page.post(URL, data={"file": (io.BytesIO(content), "plans.xlsx")}, content_type="multipart/form-data")


def test_a_good_file_approves_each_row_plan(world, login_as):
    content = _xlsx([["27-KHV", "Хабаровск", 55, "45,5", 60, 5], ["27-KHV-S1", "Школа", 75, None, 65, None]])
    response = _upload(login_as(world.operator), content)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Утверждено планов: 2." in response.get_data(as_text=True)
    khv = plans.get_plan(world.campaign, world.khv)
    assert khv.status is PlanStatus.approved and khv.target_map() == {"R2": 55, "R4": 45.5, "R7": 60, "R9": 5}
    assert plans.get_plan(world.campaign, world.school).target_map() == {"R2": 75, "R7": 65}
    assert resolve_targets(world.campaign, world.dod)["R4"] == {"target": 45.5, "target_source": "municipality"}
    assert db.session.query(AuditEntry).filter(AuditEntry.action == "plan.imported").count() == 2


def test_one_bad_cell_changes_nothing_and_every_error_is_located(world, login_as):
    content = _xlsx([["27-KHV", "Хабаровск", 55, 45, 60, 5],
                     ["27-KHV-S1", "Школа", "много", None, 120, None],
                     ["27-KHV-S1", "Школа снова", 70, None, None, None],
                     ["27-NOPE", "?", 10, None, None, None]])
    response = _upload(login_as(world.operator), content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "«много» — не число: нужно от 0 до 100." in html
    assert "Нужно число от 0 до 100." in html  # R7 = 120
    assert "Код «27-KHV-S1» уже встречается в строке 3." in html
    assert "Подразделение «27-NOPE» не найдено" in html
    assert plans.get_plan(world.campaign, world.khv) is None  # the good first row was not applied either
    assert plans.get_plan(world.campaign, world.school) is None


def test_an_inapplicable_code_and_a_closed_window_are_row_errors(world, login_as):
    now = now_utc()
    campaigns.update_campaign(world.campaign, deadlines={"organization": now - timedelta(hours=1)},
                              actor=world.operator)
    db.session.commit()
    content = _xlsx([["27-KHV", "Хабаровск", 55, 45, 60, 5], ["27-VAN-S1", "Школа п. Ванино", 70, 40, None, None]])
    response = _upload(login_as(world.operator), content)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Приём данных подразделения закрыт" in html
    assert plans.get_plan(world.campaign, world.khv) is None


def test_the_template_lists_every_unit_of_the_campaign(world, login_as):
    response = login_as(world.operator).get(f"{URL}/template.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == UNIT_HEADER
    assert rows[0][2] == "Доля обучающихся общеобразовательных организаций в наставничестве, %"
    assert not any(re.search(r"\bR\d+\b", h) for h in rows[0])  # names, not codes
    assert [r[0] for r in rows[1:]] == ["27-KHV", "27-VAN", "27-KHV-DOD", "27-KHV-S1", "27-R-VMK", "27-VAN-S1"]


def test_the_csv_template_is_offered_beside_the_xlsx_one_and_loads_back(world, login_as):
    """The CSV template (UTF-8 with BOM, «;», as Russian Excel reads it) has the same header and rows; filled in, it
    uploads; a header by the old «R2. …» code form is accepted too."""
    page = login_as(world.operator)
    assert f'href="{URL}/template.csv"' in page.get(URL).get_data(as_text=True)
    response = page.get(f"{URL}/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [UNIT_HEADER, "Наименование", *HEADERS.values()]
    assert [r[0] for r in rows[1:]] == ["27-KHV", "27-VAN", "27-KHV-DOD", "27-KHV-S1", "27-R-VMK", "27-VAN-S1"]
    rows[1] += [""] * len(HEADERS)
    rows[1][2] = "55,5"
    rows[0][3] = "R4. Доля обучающихся ДО, %"  # a file made from an earlier template
    rows[1][3] = "45"
    body = io.StringIO()
    csv.writer(body, delimiter=";").writerows(rows[:2])
    uploaded = page.post(URL, data={"file": (io.BytesIO(body.getvalue().encode("utf-8-sig")), "plans.csv")},
                         content_type="multipart/form-data")
    assert uploaded.status_code == 200, uploaded.get_data(as_text=True)
    assert plans.get_plan(world.campaign, world.khv).target_map() == {"R2": 55.5, "R4": 45}
    assert page.get(f"{URL}/template.pdf").status_code == 404


def test_only_the_region_uploads_plans(world, login_as):
    content = _xlsx([["27-KHV", "Хабаровск", 55, 45, 60, 5]])
    assert _upload(login_as(world.khv_official), content).status_code == 403
    assert plans.get_plan(world.campaign, world.khv) is None
