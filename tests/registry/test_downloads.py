"""Every download names its file the RFC 6266 way, whatever the name holds, and keeps personal data out of caches."""
from urllib.parse import quote, unquote

import pytest
import sqlalchemy as sa

from hierarchy.models import Organization
from registry.core.downloads import content_disposition
from registry.extensions import db
from tests.factories import YEAR
from tests.registry.mentoring import builders

R = "/records/27-KHV-S1"


def filename_star(header: str) -> str:
    """The real name a browser saves under: the RFC 5987 `filename*` parameter, decoded."""
    value = header.split("filename*=UTF-8''", 1)[1].split(";", 1)[0]
    return unquote(value)


def ascii_filename(header: str) -> str:
    return header.split('filename="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(("name", "saved", "fallback"), [
    ("mentoring_federal_27-KHV-S1_2027.csv", "mentoring_federal_27-KHV-S1_2027.csv",
     "mentoring_federal_27-KHV-S1_2027.csv"),
    ("Школа № 1 — наставники.xlsx", "Школа № 1 — наставники.xlsx", "No_1.xlsx"),
    ("Ёлочка.csv", "Ёлочка.csv", "download.csv"),
    ("27-KHV\r\nSet-Cookie: x=1.csv", "27-KHV_Set-Cookie: x=1.csv", "27-KHV_Set-Cookie_x_1.csv"),
    ("../../etc/passwd", "etc_passwd", "etc_passwd"),
])
def test_the_header_carries_the_utf8_name_and_an_ascii_fallback(name, saved, fallback):
    header = content_disposition(name)
    assert header.startswith("attachment; ")
    header.encode("latin-1")  # a header werkzeug can send
    assert "\n" not in header and "\r" not in header
    assert filename_star(header) == saved and ascii_filename(header) == fallback


def _rename(old: str, **values) -> None:
    """Write a legacy value straight to the table (today's importer refuses such codes)."""
    db.session.execute(sa.update(Organization).where(Organization.code == old).values(**values))
    db.session.commit()


def test_records_export_is_named_after_the_organization_in_cyrillic_and_never_cached(world, login_as):
    builders.mentor(world.school)
    builders.commit()
    response = login_as(world.curator).get(R + "/export/mentors.csv")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert filename_star(header) == "Школа № 1 г. Хабаровска — наставники.csv"
    assert f"filename*=UTF-8''{quote('Школа', safe='')}" in header
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_legacy_name_with_a_newline_is_downloaded_not_a_500(world, login_as):
    _rename("27-KHV-S1", name="Школа\nномер 1")
    response = login_as(world.curator).get(R + "/export/mentees.xlsx")
    assert response.status_code == 200
    assert filename_star(response.headers["Content-Disposition"]) == "Школа_номер 1 — наставляемые.xlsx"


def test_a_legacy_code_with_a_newline_or_cyrillic_reaches_the_form_downloads(world, login_as, api_as):
    for code in ("27-KHV-S1\nX", "27-ШКОЛА"):
        _rename(db.session.get(Organization, world.school.id).code, code=code)
        web = login_as(world.curator).get(f"/campaigns/27/{YEAR}/federal-form/{quote(code, safe='')}/csv")
        api = api_as(world.curator).get(f"/api/v1/regions/27/campaigns/{YEAR}/federal-form",
                                        query_string={"unit": code, "format": "csv"})
        for response in (web, api):
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            name = filename_star(response.headers["Content-Disposition"])
            assert name == f"mentoring_federal_{code.replace(chr(10), '_')}_{YEAR}.csv"
            assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("url", [R + "/", R + "/mentors", R + "/mentees", R + "/pairs", R + "/partners",
                                 R + "/import", "/imports/"])
def test_records_pages_are_never_cached(world, login_as, url):
    response = login_as(world.curator).get(url)
    assert response.status_code == 200, url
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_mentor_page_is_never_cached_but_the_public_registry_may_be(world, login_as, client):
    mentor = builders.published(world.school)
    builders.commit()
    page = login_as(world.curator).get(f"{R}/mentors/{mentor.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in client.get(f"/registry/mentors/{mentor.id}").headers.get("Cache-Control", "")
