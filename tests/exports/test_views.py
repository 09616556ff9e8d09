"""Download pages and the API: every format served, buttons on the monitoring pages, scope like everything else."""
import csv
import io

from lxml import etree

from exports.definition_files import FORMS_DIR
from tests.exports.conftest import snapshot_sum
from tests.factories import YEAR

C = f"/campaigns/27/{YEAR}"
API = f"/api/v1/regions/27/campaigns/{YEAR}/federal-form"
TYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8", "xml": "application/xml"}


def test_the_monitoring_pages_carry_download_buttons(frozen, login_as):
    world = frozen.world
    curator = login_as(world.curator).get(f"{C}/submissions/{world.school.code}").get_data(as_text=True)
    assert f"{C}/federal-form/{world.school.code}/pdf" in curator and "Архив форм" not in curator
    official = login_as(world.khv_official).get(f"{C}/municipalities/27-KHV/report").get_data(as_text=True)
    assert f"{C}/federal-form/27-KHV/xlsx" in official and f"{C}/federal-form/27-KHV/archive" in official
    assert f"{C}/monitoring-report/27-KHV/pdf" in official
    region = login_as(world.operator).get(f"{C}/").get_data(as_text=True)
    assert f"{C}/federal-form/27/xml" in region and f"{C}/monitoring-report/27/xlsx" in region


def test_the_form_page_shows_values_basis_and_control_results(frozen, login_as):
    page = login_as(frozen.world.khv_official).get(f"{C}/federal-form/27-KHV").get_data(as_text=True)
    assert "Раздел 1. Участники программ наставничества" in page and "3\u00a0000" in page
    assert f"№ {frozen.municipal.id}" in page and "нарушено: 0" in page
    assert "нет источника данных" in page  # empty cells explained


def test_each_format_downloads_with_its_type_and_name(frozen, login_as):
    browser = login_as(frozen.world.curator)
    for fmt, mimetype in TYPES.items():
        response = browser.get(f"{C}/federal-form/27-KHV-S1/{fmt}")
        assert response.status_code == 200 and response.mimetype == mimetype.split(";")[0]
        assert f"mentoring_federal_27-KHV-S1_{YEAR}.{fmt}" in response.headers["Content-Disposition"]
        assert "no-store" in response.headers["Cache-Control"]


def test_scope_curator_own_org_official_own_municipality_region_all(frozen, login_as):
    world = frozen.world
    cases = [(world.curator, "27-KHV-S1", 200), (world.curator, "27-KHV-DOD", 403), (world.curator, "27-KHV", 403),
             (world.khv_official, "27-KHV-DOD", 200), (world.khv_official, "27-VAN-S1", 403),
             (world.khv_official, "27-R-VMK", 403), (world.khv_official, "27", 403),
             (world.van_official, "27-KHV", 403), (world.operator, "27-R-VMK", 200), (world.operator, "27", 200),
             (world.other_operator, "27", 403), (world.operator, "79-BIR-S1", 404), (world.operator, "NOPE", 404)]
    for user, code, status in cases:
        assert login_as(user).get(f"{C}/federal-form/{code}/csv").status_code == status, (user, code)


def test_api_serves_every_format_from_the_snapshot(frozen, api_as):
    client = api_as(frozen.world.khv_official)
    response = client.get(f"{API}?unit=27-KHV&format=csv")
    assert response.status_code == 200 and response.headers["X-Form-Preliminary"] == "false"
    rows = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    value = next(r["Значение"] for r in rows if (r["Строка"], r["Графа"]) == ("04", "3"))
    assert int(value) == snapshot_sum(frozen.municipal, "mentors_total")
    xml = client.get(f"{API}?unit=27-KHV-S1&format=xml")
    schema = etree.XMLSchema(etree.parse(str(FORMS_DIR / "report.xsd")))
    assert xml.mimetype == "application/xml" and schema.validate(etree.fromstring(xml.get_data()))
    assert client.get(f"{API}?unit=27-KHV-S1").mimetype == "application/pdf"  # pdf by default


def test_api_refusals_use_the_error_shape(frozen, api_as):
    curator = api_as(frozen.world.curator)
    assert curator.get(f"{API}?unit=27-KHV&format=pdf").get_json()["error"]["code"] == "forbidden"
    assert curator.get(f"{API}?unit=NOPE").get_json()["error"]["code"] == "not_found"
    bad = curator.get(f"{API}?unit=27-KHV-S1&format=docx")
    assert bad.status_code == 422 and "format" in bad.get_json()["error"]["fields"]
    assert curator.get(f"{API}?format=pdf").status_code == 422
    assert curator.get(f"{API}?unit=27-KHV-S1&form=nope").status_code == 404
    assert api_as(None).get(f"{API}?unit=27-KHV-S1").status_code == 401


def test_a_preliminary_form_is_marked_in_the_api_header(world, api_as):
    response = api_as(world.operator).get(f"{API}?unit=27&format=xml")
    assert response.headers["X-Form-Preliminary"] == "true" and b'preliminary="true"' in response.get_data()


def test_monitoring_report_downloads_for_consolidated_units_only(frozen, login_as):
    official = login_as(frozen.world.khv_official)
    pdf = official.get(f"{C}/monitoring-report/27-KHV/pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    assert official.get(f"{C}/monitoring-report/27-KHV/xlsx").mimetype.endswith("spreadsheetml.sheet")
    assert official.get(f"{C}/monitoring-report/27/pdf").status_code == 403
    assert official.get(f"{C}/monitoring-report/27-KHV-S1/pdf").status_code == 404
