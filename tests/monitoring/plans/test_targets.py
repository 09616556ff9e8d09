"""Which target a unit is judged by: its own approved plan, the nearest approved plan above, the region's target;
and frozen snapshots keep the targets they were judged by."""
from exports.builders.monitoring_report import monitoring_report
from monitoring import campaigns, queries, reports, services
from monitoring.plans import services as plans
from monitoring.plans.targets import resolve_targets, source_label
from registry.core.clock import now_utc
from registry.extensions import db
from tests.api.helpers import BASE
from tests.factories import VALID_VALUES

KHV_TARGETS = {"R2": 55, "R4": 45.5, "R7": 60, "R8": 8, "R9": 5, "R10": 80, "R11": 82}
SCHOOL_TARGETS = {"R2": 75, "R7": 65, "R8": 9, "R10": 90, "R11": 90}


def _approved(world, unit, targets, approver):
    owner = world.khv_official if unit is world.khv else world.curator
    plans.save_targets(world.campaign, unit, targets, version=None, actor=owner)
    plans.submit(world.campaign, unit, actor=owner)
    plans.approve(world.campaign, unit, actor=approver)
    db.session.commit()


def test_without_plans_every_unit_is_judged_by_the_region(world):
    campaigns.update_campaign(world.campaign, targets={"R2": 66}, actor=world.operator)
    for unit in (world.region, world.khv, world.school):
        resolved = resolve_targets(world.campaign, unit)
        assert resolved["R2"] == {"target": 66.0, "target_source": "region"}
        assert resolved["R7"] == {"target": 70.0, "target_source": "region"}  # the built-in 2024+ trajectory
        assert resolved["I1"] == {"target": None, "target_source": None}


def test_a_school_inherits_its_municipality_plan_and_its_own_plan_wins(world):
    _approved(world, world.khv, KHV_TARGETS, world.operator)
    school = resolve_targets(world.campaign, world.school)
    assert school["R2"] == {"target": 55, "target_source": "municipality"}
    assert school["R6"] == {"target": 70.0, "target_source": "region"}  # not in the municipality's plan
    assert resolve_targets(world.campaign, world.khv)["R4"] == {"target": 45.5, "target_source": "unit"}
    assert resolve_targets(world.campaign, world.van_school)["R2"]["target_source"] == "region"  # another municipality
    assert resolve_targets(world.campaign, world.college)["R2"]["target_source"] == "region"  # reports to the region
    _approved(world, world.school, SCHOOL_TARGETS, world.khv_official)
    assert resolve_targets(world.campaign, world.school)["R2"] == {"target": 75, "target_source": "unit"}
    assert resolve_targets(world.campaign, world.khv)["R2"] == {"target": 55, "target_source": "unit"}


def test_only_an_approved_plan_counts(world):
    plans.save_targets(world.campaign, world.khv, KHV_TARGETS, version=None, actor=world.khv_official)
    plans.submit(world.campaign, world.khv, actor=world.khv_official)
    assert resolve_targets(world.campaign, world.khv)["R2"]["target_source"] == "region"  # waiting for approval
    plans.approve(world.campaign, world.khv, actor=world.operator)
    assert resolve_targets(world.campaign, world.khv)["R2"]["target_source"] == "unit"
    plans.reopen(world.campaign, world.khv, actor=world.operator)
    assert resolve_targets(world.campaign, world.khv)["R2"]["target_source"] == "region"  # reopened: a draft again


def test_source_labels_name_whose_target_it_is():
    assert source_label("unit", "municipality") == "план муниципалитета"
    assert source_label("unit", "organization") == "план организации"
    assert source_label("municipality", "organization") == "план муниципалитета"
    assert source_label("region", "region") == "цель региона"
    assert source_label(None, "region") is None


def test_the_aggregates_api_gives_each_indicator_its_target_and_source(world, api_as):
    _approved(world, world.khv, KHV_TARGETS, world.operator)
    khv = api_as(world.operator).get(f"{BASE}/aggregates/27-KHV").get_json()["indicators"]
    assert khv["R2"] == {"value": None, "target": 55, "target_source": "unit", "approximate": False,
                          "reason": None}
    assert khv["R6"] == {"value": None, "target": 70.0, "target_source": "region", "approximate": False,
                          "reason": None}
    assert khv["F1"] == {"value": None, "target": None, "target_source": None, "approximate": False,
                          "reason": None}
    school = api_as(world.curator).get(f"{BASE}/aggregates/27-KHV-S1").get_json()["indicators"]
    assert school["R2"]["target_source"] == "municipality"
    region = api_as(world.operator).get(f"{BASE}/aggregates/27").get_json()["indicators"]
    assert region["R2"]["target_source"] == "region"


def test_a_frozen_snapshot_keeps_the_targets_it_was_judged_by(world):
    c = world.campaign
    _approved(world, world.khv, KHV_TARGETS, world.operator)
    services.save_values(c, world.school, dict(VALID_VALUES), version=None, actor=world.curator)
    services.submit(c, world.school, actor=world.curator)
    services.accept(c, world.school, actor=world.khv_official)
    report = reports.submit_report(c, world.khv, actor=world.khv_official)
    reports.accept_report(c, world.khv, actor=world.operator)
    regional = reports.consolidate(c, actor=world.operator)
    db.session.commit()
    frozen = report.snapshot.summary["indicators"]["R2"]
    assert frozen == {"value": 20.0, "target": 55, "target_source": "unit", "approximate": False, "reason": None}
    assert regional.summary["indicators"]["R2"]["target_source"] == "region"
    # the region reopens the plan and the municipality changes it: the live figures follow, the snapshot does not
    plans.reopen(c, world.khv, actor=world.operator)
    plans.save_targets(c, world.khv, dict(KHV_TARGETS, R2=30), version=None, actor=world.khv_official)
    plans.submit(c, world.khv, actor=world.khv_official)
    plans.approve(c, world.khv, actor=world.operator)
    db.session.commit()
    assert queries.aggregate(c, world.khv, now_utc(), None)["indicators"]["R2"]["target"] == 30
    db.session.expire_all()
    assert report.snapshot.summary["indicators"]["R2"] == frozen
    # the PDF/XLSX monitoring report of the municipality is read from its snapshot: still the frozen target
    per_year = monitoring_report(c, world.khv).tables[0]
    r2 = next(row for row in per_year.rows if row["code"] == "R2")
    assert (r2[f"target_{c.year}"], r2["source"]) == (55, "план муниципалитета")
    # the regional report lists each municipality's targets as frozen in its accepted municipal report
    regional_targets = monitoring_report(c, world.region).tables[4]
    assert [(r["name"], r["R2"], r["source"]) for r in regional_targets.rows] == [
        (world.khv.name, 55, "план муниципалитета; Обучающиеся СПО — цель региона")]


def test_the_live_regional_report_lists_each_municipality_target_and_whose_it_is(world):
    _approved(world, world.khv, KHV_TARGETS, world.operator)
    table = monitoring_report(world.campaign, world.region).tables[4]
    rows = {r["name"]: r for r in table.rows}
    assert (rows[world.khv.name]["R2"], rows[world.khv.name]["source"]) == (
        55, "план муниципалитета; Обучающиеся СПО — цель региона")
    assert (rows[world.van.name]["R2"], rows[world.van.name]["source"]) == (70.0, "цель региона")
