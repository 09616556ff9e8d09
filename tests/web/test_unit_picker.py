"""Where a form takes a unit code, the unit can be found and chosen by its name, without JavaScript."""
import re

import pytest

from hierarchy import picker
from registry.extensions import db
from tests import factories
from tests.factories import YEAR

EXTENSIONS = f"/campaigns/27/{YEAR}/extensions"


@pytest.fixture(autouse=True, params=["in Python", "in SQL"])
def searched(request, monkeypatch):
    """Every test twice: a region-sized scope compared in Python, and a country-sized one searched in SQL (the same
    answers; SMALL 0 makes this world's few units "many")."""
    if request.param == "in SQL":
        monkeypatch.setattr(picker, "SMALL", 0)
    return request.param


def _radios(page: str) -> dict[str, str]:
    """value → label of the search's radio buttons."""
    labels = dict(re.findall(r'<label for="([^"]+-pick-\d+)">([^<]+)</label>', page))
    values = dict(re.findall(r'id="([^"]+-pick-\d+)" name="[^"]+" value="([^"]+)"', page))
    return {values[i]: labels[i] for i in values}


def test_searching_by_part_of_the_name_lists_units_to_choose_from(world, login_as):
    page = login_as(world.operator).get(EXTENSIONS, query_string={"q": "ШКОЛА"}).get_data(as_text=True)
    choices = _radios(page)
    assert set(choices) == {"27-KHV-S1", "27-VAN-S1"}  # case ignored; only this region's units
    assert choices["27-VAN-S1"].startswith("Школа п. Ванино (организация")
    assert "Найдено по запросу «ШКОЛА»: 2 подразделения" in page
    one = login_as(world.operator).get(EXTENSIONS, query_string={"q": "город хабаровск"}).get_data(as_text=True)
    assert set(_radios(one)) == {"27-KHV"} and ": 1 подразделение" in one  # «» in the name ignored
    nothing = login_as(world.operator).get(EXTENSIONS, query_string={"q": "Биробиджан"}).get_data(as_text=True)
    assert "Ничего не найдено" in nothing  # another region's school is not offered


def test_a_municipal_official_is_offered_only_their_organizations(world, login_as):
    page = login_as(world.khv_official).get(EXTENSIONS, query_string={"q": "школа"}).get_data(as_text=True)
    assert set(_radios(page)) == {"27-KHV-S1"}


def test_the_chosen_unit_gets_the_extension_and_the_message_names_it(world, login_as):
    operator = login_as(world.operator)
    response = operator.post(EXTENSIONS, {"unit_code": ["27-VAN-S1", ""], "until": f"{YEAR}-12-01T18:00",
                                          "reason": "Паводок"})
    assert response.status_code == 302
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Продление для «Школа п. Ванино» до 1 декабря {YEAR} г., 18:00 по времени Владивостока." in page


def test_the_code_field_also_takes_the_exact_name(world, login_as):
    factories.organization(world.region, world.van, "27-VAN-S2", name="Школа № 2 п. Ванино")
    db.session.commit()
    operator = login_as(world.operator)
    response = operator.post(f"/campaigns/27/{YEAR}/members", {"org_code": "школа № 2 п. ванино"})
    assert response.status_code == 302
    page = operator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Организация «Школа № 2 п. Ванино» добавлена в кампанию." in page


def test_the_admin_picks_a_users_scope_by_name(world, login_as):
    admin = login_as(world.admin)
    page = admin.get("/admin/users", query_string={"unit_q": "косатка"}).get_data(as_text=True)
    assert set(_radios(page)) == {"27-KHV-DOD"}
    response = admin.post("/admin/users", {"email": "dod2@example.ru", "password": "long-enough-1",
                                           "role": "org_curator", "scope": "27-KHV-DOD"})
    assert response.status_code == 302
    assert "создан: «Центр «Косатка»»." in admin.get(response.headers["Location"]).get_data(as_text=True)


def test_a_label_as_the_datalist_fills_it_resolves_to_its_code(world):
    scope = {"region_id": None, "levels": (picker.Level.region, picker.Level.municipality, picker.Level.organization)}
    label = "Центр «Косатка» (организация, город Хабаровск; код 27-KHV-DOD)"
    found = picker.search("косатка", **scope)[0]
    assert [c.code for c in found] == ["27-KHV-DOD"]
    assert picker.resolve(found[0].label, **scope) == "27-KHV-DOD"
    assert picker.resolve("центр «косатка»", **scope) == "27-KHV-DOD"
    assert picker.resolve(label.replace("27-KHV-DOD", "27-NOPE"), **scope).endswith("27-NOPE)")
