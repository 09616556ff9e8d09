"""Public mentor search: Russian full text, case- and ё-insensitive, only consented fields, filters, paging."""
import pytest

from registry.mentoring.services import consents
from registry.mentoring.vocab import ConsentKind, Form, MentorCategory
from registry.public import queries
from tests.registry.mentoring import builders


def names(result) -> list[str]:
    return [m.get("full_name", "—") for m in result["items"]]


def search(**kwargs):
    page = kwargs.pop("page", 1)
    return queries.search_mentors(queries.MentorFilters(**kwargs), page)


@pytest.fixture
def mentors(world):
    builders.published(world.school, "Ёлкина Анна Сергеевна", competences="робототехника и программирование")
    builders.published(world.school, "ИВАНОВА Мария Петровна")
    builders.published(world.van_school, "Сидоров Пётр Ильич", category=MentorCategory.employer,
                       forms=[Form.employer_student], competences="сварка")
    builders.mentor(world.school, "Скрытый Наставник Без Согласия", competences="робототехника")
    builders.commit()
    return world


def test_search_ignores_case_for_cyrillic(mentors):
    assert names(search(q="иванова")) == ["ИВАНОВА Мария Петровна"]
    assert names(search(q="ИВАНОВА МАРИЯ")) == ["ИВАНОВА Мария Петровна"]


def test_search_treats_yo_and_ye_as_one_letter(mentors):
    assert names(search(q="елкина")) == ["Ёлкина Анна Сергеевна"]
    assert names(search(q="ЁЛКИНА")) == ["Ёлкина Анна Сергеевна"]
    assert names(search(q="петр ильич")) == ["Сидоров Пётр Ильич"]
    assert names(search(q="ПЁТР ИЛЬИЧ")) == ["Сидоров Пётр Ильич"]


def test_search_needs_every_word(mentors):
    assert names(search(q="робототехника")) == ["Ёлкина Анна Сергеевна"]  # the hidden mentor also knows robotics
    assert names(search(q="робототехника ёлкина")) == ["Ёлкина Анна Сергеевна"]
    assert names(search(q="робототехника сварка")) == []


def test_each_engine_matches_word_forms_its_own_way(mentors, db):
    """PostgreSQL matches Russian word forms by stem; SQLite's FTS5 matches words by prefix."""
    if db.engine.dialect.name == "postgresql":
        assert names(search(q="сварки")) == ["Сидоров Пётр Ильич"]  # «сварка» in another case
        assert names(search(q="ивановой")) == ["ИВАНОВА Мария Петровна"]
        assert names(search(q="анна")) == ["Ёлкина Анна Сергеевна"]  # not «Андрей»-like stems of «ан»
        assert names(search(q="робот")) == []
    else:
        assert names(search(q="робот")) == ["Ёлкина Анна Сергеевна"]
        assert names(search(q="свар")) == ["Сидоров Пётр Ильич"]
        assert names(search(q="сварки")) == []


def test_query_syntax_is_not_interpreted(mentors):
    for q in ['"', "*", "OR", "иванова | сидоров", "AND NOT", "NEAR(", "'; DROP TABLE mentors; --", ":*&!"]:
        search(q=q)  # no error from either engine's query parser
    assert names(search(q="иванова & сидоров")) == []


def test_unpublished_and_non_consented_fields_are_not_searchable(mentors, world):
    assert names(search(q="скрытый")) == []
    person = builders.published(world.dod, "Тайнова Ольга", fields=["full_name"], competences="астрономия")
    builders.commit()
    assert names(search(q="тайнова")) == ["Тайнова Ольга"]
    assert search(q="астрономия")["items"] == []  # competences were not consented
    assert person.public_organization_id is None


def test_filters_use_consented_fields_only(mentors, world):
    builders.published(world.school, "Безорганизационная Вера", fields=["full_name", "forms"])
    builders.commit()
    assert names(search(municipality="27-VAN")) == ["Сидоров Пётр Ильич"]
    assert names(search(organization="27-KHV-S1")) == ["Ёлкина Анна Сергеевна", "ИВАНОВА Мария Петровна"]
    assert names(search(form="employer_student")) == ["Сидоров Пётр Ильич"]
    assert names(search(category="employer")) == ["Сидоров Пётр Ильич"]
    assert names(search(municipality="NO-SUCH")) == []
    assert names(search(form="bogus")) == []


def test_withdrawal_removes_the_mentor_at_once(mentors, world):
    person = builders.published(world.school, "Отзывова Нина")
    builders.commit()
    assert names(search(q="отзывова")) == ["Отзывова Нина"]
    consents.withdraw(consents.active(person, ConsentKind.publication), actor=world.curator)
    builders.commit()
    assert names(search(q="отзывова")) == []
    assert queries.mentor(person.id) is None


def test_pages_hold_twenty_in_name_order(world):
    for i in range(45):
        builders.published(world.school, f"Учитель {i:02d}")
    builders.commit()
    first, third = search(q="учитель"), search(q="учитель", page=3)
    assert len(first["items"]) == 20 and first["has_next"] and first["total"] == 45
    assert names(third) == [f"Учитель {i:02d}" for i in range(40, 45)] and not third["has_next"]


def test_names_first_then_words_each_mentor_once_up_to_the_cap(world, monkeypatch):
    """The name prefix is read first and the word search only for the rest: a mentor found both ways counts once,
    and the words fill what the names leave of the cap (issue 18)."""
    monkeypatch.setattr(queries, "MATCH_CAP", 5)
    monkeypatch.setattr(queries, "PER_PAGE", 5)
    queries._search_statements.cache_clear()  # the statements are built with the cap and the page size
    for i in range(3):
        builders.published(world.school, f"Садовник {i} Иван", competences="садовник")  # both ways
    for i in range(2):
        builders.published(world.school, f"Липов {i} Пётр", competences="садовник")  # by the word only
    builders.commit()
    try:
        found = search(q="садовник")
        assert names(found) == ["Липов 0 Пётр", "Липов 1 Пётр", "Садовник 0 Иван", "Садовник 1 Иван",
                                "Садовник 2 Иван"]
        assert found["total"] == 5 and not found["total_is_capped"]
        builders.published(world.school, "Липов 2 Пётр", competences="садовник")
        builders.commit()
        more = search(q="садовник")
        assert more["total"] == 5 and more["total_is_capped"]
        assert len({m["id"] for m in more["items"]}) == len(more["items"]) == 5  # no mentor twice
    finally:
        queries._search_statements.cache_clear()


def test_names_match_as_people_type_them(mentors):
    """A published name is found from its first letters, surname first, on both engines (issue 18)."""
    assert names(search(q="Ива")) == ["ИВАНОВА Мария Петровна"]
    assert names(search(q="иванова ма")) == ["ИВАНОВА Мария Петровна"]
    assert names(search(q="ёлк")) == ["Ёлкина Анна Сергеевна"]  # ё folded like the stored name
    assert names(search(q="СИДОРОВ П")) == ["Сидоров Пётр Ильич"]
    assert names(search(q="ванова")) == []  # the beginning of the name, not any part of it
    assert names(search(q="ива", municipality="27-VAN")) == []  # still within the filters
    assert names(search(q="ива", municipality="27-KHV")) == ["ИВАНОВА Мария Петровна"]
    assert names(search(q="ёлк", organization="27-KHV-S1")) == ["Ёлкина Анна Сергеевна"]
    assert names(search(q="ива_")) == names(search(q="ива"))  # no LIKE wildcard reaches the query


def test_name_prefix_needs_a_published_name(mentors, world):
    builders.published(world.dod, "Безымянная Ольга", fields=["competences"], competences="астрономия")
    builders.commit()
    assert names(search(q="скр")) == []  # no consent: not public at all
    assert names(search(q="безым")) == []  # public, but the name was not consented
    assert search(q="я")["items"] == [] and search(q="яяя")["items"] == []  # nor its "no name" sort key
    assert len(search(q="астрономия")["items"]) == 1  # the consented field still finds the mentor
