"""Names are frozen with the data: a form rebuilt from an old snapshot after renames is the form that was filed."""
import io

import openpyxl
import sqlalchemy as sa
from pypdf import PdfReader

from exports import sources
from exports.builders.federal_form import fill_form, form_for_unit
from exports.builders.monitoring_report import monitoring_report
from exports.catalog import FORM_FORMATS, get_form
from hierarchy.models import ORG_TYPE_LABELS, OrgType
from monitoring.models import Snapshot
from monitoring.services import membership
from registry.extensions import db

RENAMED = "Переименовано позже"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [[cell.value for cell in row] for sheet in book.worksheets for row in sheet.iter_rows()]


def _renders(campaign, snapshot: Snapshot) -> dict:
    """Every form of the snapshot in every format, reduced to what must stay identical."""
    definition, found = get_form(), {}
    for unit in sources.snapshot_units(campaign, snapshot):
        form = fill_form(definition, unit.values, campaign.year)
        rendered = {fmt: spec.render(form) for fmt, spec in FORM_FORMATS.items()}
        found[unit.values.unit.code] = {"csv": rendered["csv"], "xml": rendered["xml"],
                                        "xlsx": _xlsx_cells(rendered["xlsx"]), "pdf": _pdf_text(rendered["pdf"])}
    return found


def _rename_everything(world) -> None:
    world.region.name = f"{RENAMED} регион"
    for unit in (world.khv, world.van, world.school, world.dod, world.college):
        unit.name = f"{RENAMED} {unit.code}"
    world.school.org_type = OrgType.vocational  # the live type changes too; the form prints the frozen one
    db.session.commit()


def test_freezing_keeps_the_names_the_forms_print(frozen):
    world = frozen.world
    names = frozen.municipal.summary["names"]
    assert names["region"] == world.region.name
    assert names["organizations"][str(world.school.id)] == {
        "code": world.school.code, "name": world.school.name, "org_type": "general",
        "location": world.khv.name, "reporting": world.khv.name}
    assert str(world.van_school.id) not in names["organizations"]  # not accepted: listed as missing instead
    # the regional snapshot keeps its own (direct) organizations; its municipal parts keep theirs
    assert set(frozen.regional.summary["names"]["organizations"]) == {str(world.college.id)}
    assert frozen.regional.summary["names"]["organizations"][str(world.college.id)]["reporting"] is None


def test_a_rebuild_after_renames_is_identical_in_every_format(frozen):
    world = frozen.world
    before = {level: _renders(world.campaign, s) for level, s in (("m", frozen.municipal), ("r", frozen.regional))}
    assert set(before["r"]) == {"27", world.khv.code, world.school.code, world.dod.code, world.college.code}
    assert world.school.name in before["m"][world.school.code]["pdf"]
    _rename_everything(world)

    after = {level: _renders(world.campaign, s) for level, s in (("m", frozen.municipal), ("r", frozen.regional))}
    for level in before:
        for code, formats in before[level].items():
            for fmt, content in formats.items():
                assert after[level][code][fmt] == content, (level, code, fmt)
    assert RENAMED not in after["r"][world.college.code]["pdf"]
    assert ORG_TYPE_LABELS[OrgType.vocational] not in after["m"][world.school.code]["pdf"]


def test_a_form_read_from_a_snapshot_on_demand_keeps_the_frozen_names(frozen):
    """The preview and live download path (nothing stored yet) reads the snapshot's names as well."""
    world, definition = frozen.world, get_form()
    forms = {unit.code: form_for_unit(world.campaign, unit, definition, membership(world.campaign, unit))
             for unit in (world.school, world.college)}
    forms |= {unit.code: form_for_unit(world.campaign, unit, definition) for unit in (world.region, world.khv)}
    _rename_everything(world)
    for code, form in forms.items():
        unit = {u.code: u for u in (world.school, world.college, world.region, world.khv)}[code]
        again = form_for_unit(world.campaign, unit, definition,
                              membership(world.campaign, unit) if code in (world.school.code, world.college.code)
                              else None)
        assert again.unit == form.unit and RENAMED not in again.unit.name


def test_a_snapshot_frozen_before_names_were_kept_reads_the_live_hierarchy(frozen):
    world = frozen.world
    khv_name = world.khv.name
    for snapshot in (frozen.municipal, frozen.regional):  # as rows written by the previous release look
        summary = {k: v for k, v in snapshot.summary.items() if k != "names"}
        db.session.execute(sa.update(Snapshot).where(Snapshot.id == snapshot.id).values(summary=summary))
    db.session.commit()
    db.session.expire_all()
    _rename_everything(world)

    units = {u.values.unit.code: u.values.unit for u in sources.snapshot_units(world.campaign, frozen.municipal)}
    school = dict(units[world.school.code].requisites)
    assert units[world.school.code].name == world.school.name  # live: nothing frozen to read
    assert school["Место нахождения"] == world.khv.name
    assert school["Субъект Российской Федерации"] == world.region.name
    assert school["Тип организации"] == ORG_TYPE_LABELS[OrgType.general]  # the campaign membership's type
    assert units[world.khv.code].name == khv_name  # the snapshot's own unit always kept its name in the summary


def test_the_monitoring_report_names_its_snapshot_rows_as_frozen(frozen):
    """Its per-unit table and header come from the snapshot; completeness and timeliness stay live tables."""
    world = frozen.world
    khv, school, region = world.khv.name, world.school.name, world.region.name
    _rename_everything(world)
    regional = monitoring_report(world.campaign, world.region)
    assert regional.unit.name == region and khv in {row["name"] for row in regional.tables[1].rows}
    municipal = monitoring_report(world.campaign, world.khv)
    assert municipal.unit.name == khv and dict(municipal.unit.requisites)["Субъект Российской Федерации"] == region
    assert school in {row["name"] for row in municipal.tables[1].rows}
