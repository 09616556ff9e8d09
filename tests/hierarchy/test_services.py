"""Applying a hierarchy file: every error located, all-or-nothing, idempotent, updates by code, scope, audit."""
import pytest
import sqlalchemy as sa

from hierarchy.importer import ImportRejected
from hierarchy.models import Municipality, Organization, OrgType, Region, ReportsTo
from hierarchy.services import import_file
from registry.core.audit import AuditEntry
from registry.core.errors import PermissionDenied
from registry.extensions import db
from tests.hierarchy.files import DATA, KHABAROVSK, SMALL, csv_file, xlsx_file


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _errors(data: bytes, actor=None) -> set[tuple[int, str]]:
    with pytest.raises(ImportRejected) as err:
        import_file(data, filename="units.csv", actor=actor)
    db.session.rollback()
    return {(e.line, e.column) for e in err.value.errors}


def test_khabarovsk_file_creates_the_whole_krai(app):
    """The real file: 1 region, 19 municipalities, 8 organizations of which 5 report to the region."""
    result = import_file(KHABAROVSK.read_bytes(), filename=KHABAROVSK.name, actor=None)
    db.session.commit()
    assert result.created == {"region": 1, "municipality": 19, "organization": 8}
    assert result.total_updated == 0
    region = db.session.scalar(sa.select(Region).where(Region.code == "27"))
    assert (region.name, region.timezone) == ("Хабаровский край", "Asia/Vladivostok")
    assert _count(Municipality) == 19
    direct = db.session.scalars(sa.select(Organization).where(Organization.reports_to == ReportsTo.region)).all()
    assert len(direct) == 5
    college = db.session.scalar(sa.select(Organization).where(Organization.code == "27-R-VMK"))
    assert (college.location.code, college.org_type, college.region_id) == ("27-VAN", OrgType.vocational, region.id)
    [summary] = _audit("hierarchy.imported")
    assert summary.actor_id is None
    assert summary.after["created"] == {"region": 1, "municipality": 19, "organization": 8}
    assert len(_audit("hierarchy.unit_created")) == 28


@pytest.mark.parametrize("builder", [csv_file, xlsx_file])
def test_reimporting_the_same_file_changes_nothing(app, builder):
    import_file(builder(), filename="units", actor=None)
    db.session.commit()
    result = import_file(builder(), filename="units", actor=None)
    db.session.commit()
    assert (result.total_created, result.total_updated) == (0, 0)
    assert result.unchanged == {"region": 1, "municipality": 1, "organization": 2}
    assert _audit("hierarchy.unit_updated") == []
    assert len(_audit("hierarchy.imported")) == 2


def test_the_cp1251_excel_file_is_the_same_import_as_the_utf8_one(app):
    import_file(KHABAROVSK.read_bytes(), filename="utf8.csv", actor=None)
    result = import_file((DATA / "khabarovsk_excel_cp1251.csv").read_bytes(), filename="excel.csv", actor=None)
    assert (result.total_created, result.total_updated) == (0, 0)


def test_parents_may_come_after_their_children(app):
    rows = tuple(reversed(SMALL))
    result = import_file(csv_file(rows), actor=None)
    assert result.created == {"region": 1, "municipality": 1, "organization": 2}
    school = db.session.scalar(sa.select(Organization).where(Organization.code == "27-KHV-S1"))
    assert school.location.region.code == "27"


def test_renamed_unit_is_updated_by_code_not_duplicated(world):
    rows = [("municipality", "27-KHV", "г. Хабаровск (новое наименование)", "27", "", "", "")]
    result = import_file(csv_file(rows), actor=world.admin)
    db.session.commit()
    assert result.updated["municipality"] == 1 and result.total_created == 0
    assert _count(Municipality) == 3
    assert db.session.get(Municipality, world.khv.id).name == "г. Хабаровск (новое наименование)"
    [entry] = _audit("hierarchy.unit_updated")
    assert (entry.actor_id, entry.target_type, entry.target_key) == (world.admin.id, "municipality", "27-KHV")
    assert entry.before == {"name": "городской округ «Город Хабаровск»"}
    assert entry.after == {"name": "г. Хабаровск (новое наименование)"}


def test_changed_location_type_and_reporting_parent_are_updated(world):
    rows = [("organization", "27-KHV-S1", "Школа № 1 г. Хабаровска", "27-VAN", "vocational", "region", "")]
    result = import_file(csv_file(rows), actor=world.operator)
    db.session.commit()
    assert result.updated["organization"] == 1
    school = db.session.get(Organization, world.school.id)
    assert (school.location_municipality_id, school.org_type, school.reports_to) == (
        world.van.id, OrgType.vocational, ReportsTo.region)
    [entry] = _audit("hierarchy.unit_updated")
    assert entry.before == {"location": "27-KHV", "org_type": "general", "reports_to": "municipality"}
    assert entry.after == {"location": "27-VAN", "org_type": "vocational", "reports_to": "region"}


def test_region_time_zone_change_is_an_update(world):
    rows = [("region", "27", "Хабаровский край", "", "", "", "Asia/Magadan")]
    result = import_file(csv_file(rows), actor=world.admin)
    assert result.updated["region"] == 1
    assert db.session.get(Region, world.region.id).timezone == "Asia/Magadan"


def test_import_never_deletes(world):
    import_file(csv_file(SMALL[:2]), actor=world.admin)
    db.session.commit()
    assert _count(Organization) == 5
    assert _count(Municipality) == 3


def test_every_error_is_reported_with_its_line_and_column(world):
    """One file with every kind of mistake: each is found, located, and nothing is created."""
    errors = _errors((DATA / "every_error.csv").read_bytes(), world.admin)
    assert errors == {
        (2, "Вид"),  # unknown kind «planet»
        (3, "Код"),  # missing code
        (4, "Наименование"),  # missing name
        (6, "Код"),  # duplicate of line 5
        (7, "Код"),  # already an organization in the registry
        (8, "Код вышестоящего звена"),  # region 99 is nowhere
        (9, "Код вышестоящего звена"),  # «27» is a region, an organization needs a municipality
        (10, "Тип организации"),  # «lyceum»
        (11, "Подчинение"),  # «district»
        (12, "Часовой пояс"),  # Mars/Olympus
        (13, "Часовой пояс"),  # missing for a region
        (16, "Код вышестоящего звена"),  # municipality without a region
        (17, "Код вышестоящего звена"),  # an organization in the file is not a municipality
        (18, "Код вышестоящего звена"),  # a region has no parent
    }
    assert db.session.scalar(sa.select(sa.func.count()).where(Municipality.code.like("27-X%"))) == 0
    assert _count(Region) == 2
    assert _audit("hierarchy.imported") == []


def test_error_messages_are_russian_and_name_the_problem(world):
    with pytest.raises(ImportRejected) as err:
        import_file((DATA / "every_error.csv").read_bytes(), actor=world.admin)
    by_place = {(e.line, e.column): e.message for e in err.value.errors}
    assert "«planet»" in by_place[2, "Вид"]
    assert "строке 5" in by_place[6, "Код"]
    assert "организация «Школа № 1 г. Хабаровска»" in by_place[7, "Код"]
    assert "нет ни в файле, ни в реестре" in by_place[8, "Код вышестоящего звена"]
    assert "«27» — это регион" in by_place[9, "Код вышестоящего звена"]
    assert "«Mars/Olympus»" in by_place[12, "Часовой пояс"]
    assert [(e.line, e.column) for e in err.value.errors] == sorted(by_place, key=lambda p: (p[0], p[1] != "Вид"))


def test_one_bad_row_creates_nothing(app):
    data = KHABAROVSK.read_bytes() + "organization;27-KHV-BAD;Школа;27-KHV;school;municipality;\n".encode()
    assert _errors(data) == {(30, "Тип организации")}
    assert (_count(Region), _count(Municipality), _count(Organization)) == (0, 0, 0)
    assert _count(AuditEntry) == 0


def test_region_operator_may_only_touch_their_region(world):
    errors = _errors((DATA / "operator_scope.csv").read_bytes(), world.operator)
    assert errors == {(2, "Код"), (3, "Код вышестоящего звена"), (4, "Код вышестоящего звена")}
    assert db.session.get(Region, world.region.id).name == "Хабаровский край"
    assert db.session.get(Region, world.other_region.id).name == "Еврейская автономная область"


def test_region_operator_may_rename_their_region_and_add_units(world):
    rows = [("region", "27", "Хабаровский край (новое имя)", "", "", "", "Asia/Vladivostok"),
            ("municipality", "27-NEW", "Новый муниципалитет", "27", "", "", ""),
            ("organization", "27-NEW-S1", "Новая школа", "27-NEW", "general", "municipality", "")]
    result = import_file(csv_file(rows), actor=world.operator)
    db.session.commit()
    assert result.updated["region"] == 1
    assert result.created == {"region": 0, "municipality": 1, "organization": 1}
    assert db.session.get(Region, world.region.id).name == "Хабаровский край (новое имя)"


def test_operator_cannot_take_over_another_regions_unit(world):
    """Re-parenting an existing unit of region 79 under region 27 is refused, for operators and admins alike."""
    rows = [("municipality", "79-BIR", "Биробиджан", "27", "", "", "")]
    assert _errors(csv_file(rows), world.operator) == {(2, "Код вышестоящего звена")}
    assert _errors(csv_file(rows), world.admin) == {(2, "Код вышестоящего звена")}
    assert db.session.scalar(sa.select(Municipality.region_id).where(Municipality.code == "79-BIR")) == (
        world.other_region.id)


def test_admin_may_import_any_region(world):
    rows = [("region", "79", "ЕАО", "", "", "", "Asia/Vladivostok"),
            ("municipality", "79-NEW", "Новый", "79", "", "", "")]
    result = import_file(csv_file(rows), actor=world.admin)
    assert (result.updated["region"], result.created["municipality"]) == (1, 1)


@pytest.mark.parametrize("role", ["khv_official", "curator"])
def test_other_roles_may_not_import(world, role):
    with pytest.raises(PermissionDenied) as err:
        import_file(csv_file(), actor=getattr(world, role))
    assert err.value.status == 403
    assert _count(Region) == 2


def test_errors_of_every_kind_are_collected_together(app):
    """A shifted value, a missing name and a bad time zone in one file are all reported at once."""
    rows = [("region", "27", "Хабаровский край", "", "", "", "UTC+10"),
            ("municipality", "27-KHV", "", "27", "", "", "")]
    data = csv_file(rows) + "municipality;27-VAN;Ванино;27;;;;;x\n".encode()
    assert _errors(data) == {(2, "Часовой пояс"), (3, "Наименование"), (4, "")}
