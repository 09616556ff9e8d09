"""Text rules: normalisation for the search, query words, ИНН checksums; the reindex command."""
import pytest

from registry.extensions import db
from registry.mentoring.text import inn_error, normalize, search_words
from tests.registry.mentoring import builders


def test_normalize_folds_case_and_yo():
    assert normalize("  Ёлкина   ПЁТР\tЁжиков ") == "елкина петр ежиков"
    assert normalize(None) == ""


def test_search_words_drop_query_syntax():
    assert search_words('"Ёлкина" OR робото* -сварка (NEAR)') == ["елкина", "or", "робото", "сварка", "near"]
    assert len(search_words("а " * 50)) == 8


@pytest.mark.parametrize(("inn", "ok"), [("7707083893", True), ("500100732259", True), ("7707083894", False),
                                         ("500100732258", False), ("770708389", False), ("77O7083893", False),
                                         ("７７０７０８３８９３", False)])
def test_inn_checksum(inn, ok):
    assert (inn_error(inn) is None) is ok


def test_reindex_rebuilds_the_projection_after_a_rename(world, app):
    person = builders.published(world.school)
    builders.commit()
    world.school.name = "Лицей «Переименованный»"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mentoring", "reindex"])
    assert result.exit_code == 0 and "Пересобрано записей: 1" in result.output
    db.session.expire_all()
    assert "переименованный" in db.session.get(type(person), person.id).search_text
