"""Stored federal form sets are listed to whoever may download their files: the web page and the v1 API."""
import hashlib
import re

import pytest

from exports import sets_views
from registry.core.clock import now_utc
from registry.extensions import db
from scheduler.form_jobs import build_federal_forms
from tests.factories import YEAR

C = f"/campaigns/27/{YEAR}"
API = f"/api/v1/regions/27/campaigns/{YEAR}/form-sets"


@pytest.fixture
def built(frozen):
    build_federal_forms(now_utc())
    return frozen.world


def listed(api, user) -> dict[tuple[str, str], set[str]]:
    """(set level, unit code) → formats the API lists for the user."""
    response = api(user).get(API)
    assert response.status_code == 200, response.get_json()
    found: dict[tuple[str, str], set[str]] = {}
    for form_set in response.get_json():
        for file in form_set["files"]:
            found.setdefault((form_set["level"], file["unit_code"]), set()).add(file["format"])
    return found


def test_each_role_gets_the_files_of_its_scope(built, api_as):
    w = built
    every = {"pdf", "xlsx", "csv", "xml"}
    assert listed(api_as, w.khv_official) == {
        ("municipality", "27-KHV"): every, ("municipality", w.school.code): every, ("municipality", w.dod.code): every,
        ("region", "27-KHV"): every, ("region", w.school.code): every, ("region", w.dod.code): every}
    assert set(listed(api_as, w.curator)) == {("municipality", w.school.code), ("region", w.school.code)}
    assert set(listed(api_as, w.college_curator)) == {("region", w.college.code)}
    assert listed(api_as, w.van_official) == {} and listed(api_as, w.van_curator) == {}  # VAN sent nothing
    assert len(listed(api_as, w.operator)) == 3 + 5 and len(listed(api_as, w.admin)) == 8
    response = api_as(w.other_operator).get(API)
    assert response.status_code == 403 and response.get_json()["error"]["code"]


def test_the_api_lists_checksums_and_urls_that_serve_those_bytes(built, api_as):
    client = api_as(built.curator)
    sets = client.get(API).get_json()
    assert [s["level"] for s in sets] == ["region", "municipality"]  # newest first
    assert all(s["completed"] and s["version"] == 1 for s in sets)
    for file in sets[0]["files"]:
        data = client.get(file["url"]).data
        assert hashlib.sha256(data).hexdigest() == file["sha256"] and len(data) == file["size"]
        assert file["unit_name"] == built.school.name


def test_the_api_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/regions/{region_code}/campaigns/{year}/form-sets"]["get"]
    assert "200" in operation["responses"]
    assert "FormSet" in spec["components"]["schemas"] and "StoredFile" in spec["components"]["schemas"]


def test_the_official_sees_and_downloads_its_forms_on_the_web(built, login_as):
    w = built
    client = login_as(w.khv_official)
    assert f"{C}/federal-forms" in client.get("/").get_data(as_text=True)  # in the menu
    page = client.get(f"{C}/federal-forms")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and w.school.name in text and w.dod.name in text
    assert w.college.name not in text and "Ванин" not in text
    links = re.findall(r'href="([^"]+/federal-form/[^"]+)"', text)
    assert len(links) == 6 * 4
    school_pdf = next(link for link in links if w.school.code in link and "/pdf" in link).replace("&amp;", "&")
    response = client.get(school_pdf)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert f"{C}/form-sets" not in text  # the set pages stay with region staff


def test_the_curator_page_and_out_of_scope_downloads(built, login_as):
    w = built
    client = login_as(w.curator)
    assert f"{C}/federal-forms" in client.get("/").get_data(as_text=True)
    text = client.get(f"{C}/federal-forms").get_data(as_text=True)
    assert w.school.name in text and w.dod.name not in text
    assert client.get(f"{C}/federal-form/27-KHV/pdf").status_code == 403
    assert login_as(w.other_operator).get(f"{C}/federal-forms").status_code == 403


def test_the_page_is_sorted_and_paged(built, login_as, monkeypatch):
    monkeypatch.setattr(sets_views, "PER_PAGE", 3)
    client = login_as(built.operator)
    first = client.get(f"{C}/federal-forms?sort=unit").get_data(as_text=True)
    second = client.get(f"{C}/federal-forms?sort=unit&page=2").get_data(as_text=True)
    codes = lambda text: re.findall(r"<td>(27[-\w]*)</td>", text)  # noqa: E731 - a local reader
    assert codes(first) == ["27", "27-KHV", "27-KHV"] and codes(second)[0] == built.dod.code
    assert "Страница 1 из 3" in first  # 8 rows, 3 a page


def test_names_listed_are_the_frozen_ones(built, api_as):
    old = built.school.name
    built.school.name = "Новое название школы"
    db.session.commit()
    names = {f["unit_name"] for s in api_as(built.curator).get(API).get_json() for f in s["files"]}
    assert names == {old}


def test_the_api_filters_by_unit_within_the_scope(built, api_as):
    sets = api_as(built.khv_official).get(f"{API}?unit={built.dod.code}").get_json()
    assert {f["unit_code"] for s in sets for f in s["files"]} == {built.dod.code} and len(sets) == 2
    assert api_as(built.curator).get(f"{API}?unit={built.dod.code}").get_json() == []  # not the curator's
