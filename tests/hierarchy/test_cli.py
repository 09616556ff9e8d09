"""`flask hierarchy import FILE`: a Russian summary on success; every error and a non-zero exit otherwise."""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region
from registry.core.audit import AuditEntry
from registry.extensions import db
from tests.hierarchy.files import KHABAROVSK, csv_file, xlsx_file


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_cli_imports_the_khabarovsk_file_and_prints_a_summary(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["hierarchy", "import", str(KHABAROVSK)])
    assert result.exit_code == 0, result.output
    assert "Импорт завершён" in result.output
    assert "муниципалитеты — создано 19" in result.output
    assert "организации — создано 8" in result.output
    assert (_count(Region), _count(Municipality), _count(Organization)) == (1, 19, 8)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "hierarchy.imported"))
    assert (entry.actor_id, entry.target_key) == (None, KHABAROVSK.name)

    again = runner.invoke(args=["hierarchy", "import", str(KHABAROVSK)])
    assert again.exit_code == 0, again.output
    assert "муниципалитеты — создано 0, обновлено 0, без изменений 19" in again.output


def test_cli_reads_xlsx(app, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx_file())
    result = app.test_cli_runner().invoke(args=["hierarchy", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "организации — создано 2" in result.output


def test_cli_prints_every_error_and_changes_nothing(app, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(csv_file([
        ("region", "27", "Хабаровский край", "", "", "", "Asia/Vladivostok"),
        ("municipality", "", "Без кода", "27", "", "", ""),
        ("organization", "27-S1", "Школа", "27-NOWHERE", "general", "municipality", ""),
    ]))
    result = app.test_cli_runner().invoke(args=["hierarchy", "import", str(path)])
    assert result.exit_code != 0
    assert "строка 3, столбец Код: Не указан код." in result.stderr
    assert ("строка 4, столбец Код вышестоящего звена: Муниципалитета с кодом «27-NOWHERE» нет ни в файле, "
            "ни в реестре.") in result.stderr
    assert "Файл не загружен: ошибок — 2" in result.stderr
    assert _count(Region) == 0
    assert _count(AuditEntry) == 0


def test_cli_refuses_a_file_that_is_not_a_table(app, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = app.test_cli_runner().invoke(args=["hierarchy", "import", str(path)])
    assert result.exit_code == 1
    assert "ни на текстовый CSV" in result.stderr


def test_cli_missing_file_is_a_usage_error(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["hierarchy", "import", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
