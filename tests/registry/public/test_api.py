"""The public API and open data: no token, consented fields only, documented as public."""
import csv
import io
import json

import pytest

from tests.registry.mentoring import builders


@pytest.fixture
def published(world):
    full = builders.published(world.school, "=HYPERLINK(\"evil\") Анна", competences="+cmd")
    partial = builders.published(world.van_school, "Частичная Вера", fields=["full_name", "forms"],
                                 competences="закрытая компетенция")
    builders.commit()
    return full, partial


def test_mentor_search_needs_no_token_and_answers_pages(published, client):
    response = client.get("/api/v1/public/mentors?q=вера&page=1")
    assert response.status_code == 200
    body = response.get_json()
    assert body["items"] == [{"id": published[1].id, "full_name": "Частичная Вера",
                              "forms": ["учитель — ученик (педагог — студент)"]}]
    assert (body["page"], body["total"], body["has_next"], body["total_is_capped"]) == (1, 1, False, False)
    assert client.get("/api/v1/public/mentors?municipality=27-VAN&form=teacher_student").get_json()["total"] == 0
    assert client.get("/api/v1/public/mentors?form=teacher_student").get_json()["total"] == 2


def test_bad_parameters_get_russian_errors(client, world):
    response = client.get("/api/v1/public/mentors?page=0&form=x")
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "Номер страницы" in fields["page"][0] and "Неизвестная форма" in fields["form"][0]


def test_mentor_card_is_404_unless_published(published, client, world):
    hidden = builders.mentor(world.school, "Скрытов")
    builders.commit()
    assert client.get(f"/api/v1/public/mentors/{published[0].id}").status_code == 200
    response = client.get(f"/api/v1/public/mentors/{hidden.id}")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_public_routes_are_documented_without_security(client, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/public/mentors", "/api/v1/public/mentors/{mentor_id}", "/api/v1/public/practices",
                 "/api/v1/public/partners"):
        assert spec["paths"][path]["get"]["security"] == [], path
        assert "401" not in spec["paths"][path]["get"]["responses"]


def test_open_data_csv_is_excel_ready_and_formula_safe(published, client):
    response = client.get("/registry/data/mentors.csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff") and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Номер", "Фамилия, имя, отчество"]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[published[0].id][1].startswith("'=HYPERLINK")  # never a live formula
    assert by_id[published[1].id][7] == ""  # competences not consented
    data = json.loads(client.get("/registry/data/mentors.json").data)
    assert {m["id"] for m in data} == {published[0].id, published[1].id}
    assert "competences" not in next(m for m in data if m["id"] == published[1].id)
