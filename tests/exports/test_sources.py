"""Where a form's values come from: the frozen snapshot when one exists, live data (preliminary) otherwise."""
from exports import sources
from exports.builders.federal_form import form_for_unit
from exports.catalog import get_form
from monitoring import reports, services
from monitoring.services import membership
from registry.extensions import db
from tests.exports.conftest import accept, scaled, snapshot_sum


def _org_values(world, org):
    return sources.organization_values(world.campaign, [(org, membership(world.campaign, org))])[org.id]


def test_an_organization_reads_the_latest_regional_snapshot_containing_it(frozen):
    world = frozen.world
    got = _org_values(world, world.school)
    assert not got.basis.preliminary and got.basis.snapshot_id == frozen.regional.id
    assert got.values["students_total"] == snapshot_sum(frozen.regional, "students_total", world.school.id) == 1000


def test_without_a_regional_snapshot_it_reads_its_municipality_s(world):
    accept(world, world.school, world.curator, world.khv_official, scaled(1))
    report = reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    db.session.commit()
    got = _org_values(world, world.school)
    assert got.basis.snapshot_id == report.snapshot_id and got.basis.snapshot_level == "municipality"


def test_an_organization_in_no_snapshot_uses_its_live_submission_marked_preliminary(frozen):
    world = frozen.world
    got = _org_values(world, world.van_school)  # submitted, never accepted, so never frozen
    assert got.basis.preliminary and "на проверке" in got.basis.description
    assert got.values["students_total"] == 1000


def test_a_later_correction_does_not_change_a_frozen_form(frozen):
    world = frozen.world
    services.reopen(world.campaign, world.school, actor=world.khv_official)
    db.session.commit()
    form = form_for_unit(world.campaign, world.school, get_form(), membership(world.campaign, world.school))
    assert form.basis.snapshot_id == frozen.regional.id  # the frozen values stay what was filed


def test_consolidated_units_read_their_snapshot_or_live_sums(frozen):
    world = frozen.world
    khv = sources.consolidated_values(world.campaign, world.khv)
    assert khv.basis.snapshot_id == frozen.municipal.id
    assert khv.values["students_total"] == snapshot_sum(frozen.municipal, "students_total") == 3000
    region = sources.consolidated_values(world.campaign, world.region)
    assert region.basis.snapshot_id == frozen.regional.id and region.values["students_total"] == 6000
    van = sources.consolidated_values(world.campaign, world.van)  # no report: nothing accepted, preliminary
    assert van.basis.preliminary and van.values["students_total"] == 0


def test_survey_percentages_are_respondent_weighted_not_summed(frozen):
    region = sources.consolidated_values(frozen.world.campaign, frozen.world.region)
    assert region.values["mentee_satisfaction_pct"] == 80  # every organization reported 80 %
