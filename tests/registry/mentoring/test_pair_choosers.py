"""A large school's pair form lists the first PEOPLE_MAX people by name and offers a search by name (issue 18)."""
from registry.mentoring.views import pairs as pair_views
from tests.registry.mentoring import builders

R = "/records/27-KHV-S1"


def _options(page: str, select_id: str) -> int:
    part = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return part.count("<option")


def test_a_large_school_sees_the_first_people_and_narrows_them_by_a_search(world, login_as, monkeypatch):
    monkeypatch.setattr(pair_views, "PEOPLE_MAX", 2)
    mentors = [builders.mentor(world.school, name) for name in ("Антонова Анна", "Борисов Борис", "Васильева Вера")]
    builders.mentee(world.school, "Ребёнок Один")
    builders.commit()
    b = login_as(world.curator)
    page = b.get(R + "/pairs/new").get_data(as_text=True)
    assert _options(page, "mentor_ids") == 2 and "Васильева Вера" not in page
    assert "В организации 3 наставника, в списке показаны первые 2 по алфавиту: уточните поиск." in page
    assert "В организации 1 наставляемый." in page
    found = b.get(R + "/pairs/new", query_string={"who": "вер"}).get_data(as_text=True)
    assert _options(found, "mentor_ids") == 1 and "Васильева Вера" in found
    assert "По запросу «вер»: 1 наставник." in found and "Показать всех" in found
    # a form sent back with errors keeps the person chosen even outside the first PEOPLE_MAX
    response = b.post(R + "/pairs/new", {"form": "teacher_student", "kind": "individual", "start_on": "",
                                         "mentor_ids": [str(mentors[2].id)], "mentee_ids": []})
    assert response.status_code == 422
    again = response.get_data(as_text=True)
    assert f'<option value="{mentors[2].id}" selected>Васильева Вера' in again


def test_a_small_school_has_no_search_and_every_person_listed(world, login_as):
    builders.mentor(world.school, "Антонова Анна")
    builders.commit()
    page = login_as(world.curator).get(R + "/pairs/new").get_data(as_text=True)
    assert 'id="who"' not in page and "Антонова Анна" in page
