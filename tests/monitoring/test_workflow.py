"""The spine workflow through the services: curator → municipality → region."""
import pytest
import sqlalchemy as sa

from hierarchy.models import Level
from monitoring import queries, reports, services
from monitoring.models import ReportStatus, Snapshot, SubmissionStatus
from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, NotFound, ValidationFailed, VersionConflict
from registry.extensions import db
from tests.factories import VALID_VALUES


def _submit_and_accept(world, org, curator, reviewer, values=VALID_VALUES):
    services.save_values(world.campaign, org, dict(values), version=None, actor=curator)
    services.submit(world.campaign, org, actor=curator)
    services.accept(world.campaign, org, actor=reviewer)
    db.session.commit()


def test_save_creates_versions_and_refuses_stale_version(world):
    """Every save is a version; a save based on an old version is refused with the current state."""
    c = world.campaign
    first = services.save_values(c, world.school, {"students_total": 10}, version=0, actor=world.curator)
    db.session.commit()
    assert first.version == 1
    second = services.save_values(c, world.school, {"students_total": 11}, version=1, actor=world.curator)
    db.session.commit()
    assert second.version == 2 and len(second.versions) == 2
    with pytest.raises(VersionConflict) as err:
        services.save_values(c, world.school, {"students_total": 12}, version=1, actor=world.curator)
    assert err.value.current["values"] == {"students_total": 11}
    assert err.value.current["version"] == 2


def test_a_save_replaces_the_whole_set_and_its_audit_row_names_the_set_it_replaced(world):
    """A save stores exactly the values sent (a code left out is gone); its audit row holds the values before and
    after, its version row the values after, and the session shows the stored rows, not stale copies."""
    c = world.campaign
    services.save_values(c, world.school, {"students_total": 10, "mentors_total": 4}, version=0,
                         actor=world.curator)
    db.session.commit()
    saved = services.save_values(c, world.school, {"students_total": 11}, version=1, actor=world.curator)
    assert saved.value_map() == {"students_total": 11}
    db.session.commit()
    db.session.expire_all()
    stored = services.get_submission(c, world.school)
    assert stored.value_map() == {"students_total": 11} and stored.version == 2
    assert [v.values for v in sorted(stored.versions, key=lambda v: v.version)] == [
        {"students_total": 10, "mentors_total": 4}, {"students_total": 11}]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "submission.saved")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.before, e.after) for e in entries] == [
        ({"status": "draft", "values": {}},
         {"status": "draft", "values": {"students_total": 10, "mentors_total": 4}, "version": 1}),
        ({"status": "draft", "values": {"students_total": 10, "mentors_total": 4}},
         {"status": "draft", "values": {"students_total": 11}, "version": 2})]


def test_submit_requires_complete_valid_values(world):
    """Submitting runs every control ratio and names each failing field."""
    c = world.campaign
    services.save_values(c, world.school, {"students_total": 10}, version=None, actor=world.curator)
    with pytest.raises(ValidationFailed) as err:
        services.submit(c, world.school, actor=world.curator)
    assert "mentees_students" in err.value.fields


def test_return_needs_comment_and_curator_can_fix(world):
    c = world.campaign
    services.save_values(c, world.school, dict(VALID_VALUES), version=None, actor=world.curator)
    services.submit(c, world.school, actor=world.curator)
    with pytest.raises(ValidationFailed):
        services.return_submission(c, world.school, "  ", actor=world.khv_official)
    s = services.return_submission(c, world.school, "Проверьте число педагогов", actor=world.khv_official)
    assert s.status is SubmissionStatus.returned and s.review_comment == "Проверьте число педагогов"
    s = services.save_values(c, world.school, dict(VALID_VALUES), version=s.version, actor=world.curator)
    assert s.status is SubmissionStatus.draft


def test_accepted_can_be_reopened(world):
    c = world.campaign
    _submit_and_accept(world, world.school, world.curator, world.khv_official)
    s = services.reopen(c, world.school, actor=world.khv_official)
    assert s.status is SubmissionStatus.submitted
    with pytest.raises(InvalidTransition):
        services.reopen(c, world.school, actor=world.khv_official)


def test_aggregate_counts_by_reporting_parent_and_exact_shares(world):
    """The college is located in VAN but reports to the region: VAN's aggregate must not include it."""
    _submit_and_accept(world, world.van_school, world.van_curator, world.van_official)
    _submit_and_accept(world, world.college, world.college_curator, world.operator)
    now = now_utc()
    van = queries.aggregate(world.campaign, world.van, now, None)
    assert van["values"]["students_total"] == 1000
    assert van["completeness"] == {"expected": 1, "submitted": 1, "accepted": 1, "overdue": 0,
                                   "on_time": 1, "late": 0}
    region = queries.aggregate(world.campaign, world.region, now, None)
    assert region["values"]["students_total"] == 2000
    assert region["indicators"]["R2"]["value"] == 20.0
    assert region["indicators"]["R4"]["value"] is None  # no additional-education data: null, not 0
    assert region["completeness"]["expected"] == 4


def test_weighted_satisfaction(world):
    values_a = dict(VALID_VALUES, mentee_survey_respondents=100, mentee_satisfaction_pct=80)
    values_b = dict(VALID_VALUES, mentee_survey_respondents=50, mentee_satisfaction_pct=50)
    _submit_and_accept(world, world.school, world.curator, world.khv_official, values_a)
    _submit_and_accept(world, world.dod, world.dod_curator, world.khv_official, values_b)
    khv = queries.aggregate(world.campaign, world.khv, now_utc(), None)
    assert khv["indicators"]["R10"]["value"] == pytest.approx(70.0)
    assert khv["indicators"]["R2"]["value"] == 20.0


def test_municipal_report_and_consolidation_freeze_snapshots(world):
    c = world.campaign
    _submit_and_accept(world, world.school, world.curator, world.khv_official)
    report = reports.submit_report(c, world.khv, actor=world.khv_official)
    db.session.commit()
    snap = report.snapshot
    assert snap.summary["values"]["students_total"] == 1000
    assert [m["code"] for m in snap.summary["missing"]] == ["27-KHV-DOD"]
    reports.accept_report(c, world.khv, actor=world.operator)
    _submit_and_accept(world, world.college, world.college_curator, world.operator)
    region_snap = reports.consolidate(c, actor=world.operator)
    db.session.commit()
    assert region_snap.summary["values"]["students_total"] == 2000
    missing = {m["code"] for m in region_snap.summary["missing"]}
    assert missing == {"27-VAN"}
    # a later change to live data does not alter the frozen snapshots
    services.reopen(c, world.school, actor=world.khv_official)
    db.session.commit()
    assert db.session.get(Snapshot, region_snap.id).summary["values"]["students_total"] == 2000
    again = reports.consolidate(c, actor=world.operator)
    assert again.version == 2 and again.level is Level.region


def test_snapshot_cannot_be_changed(world):
    _submit_and_accept(world, world.school, world.curator, world.khv_official)
    report = reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    db.session.commit()
    report.snapshot.summary = {"values": {}}
    with pytest.raises(InvalidTransition):
        db.session.flush()


def test_municipal_report_return_requires_comment(world):
    c = world.campaign
    reports.submit_report(c, world.khv, actor=world.khv_official)
    with pytest.raises(ValidationFailed):
        reports.return_report(c, world.khv, "", actor=world.operator)
    r = reports.return_report(c, world.khv, "Не хватает школ", actor=world.operator)
    assert r.status is ReportStatus.returned
    r = reports.submit_report(c, world.khv, actor=world.khv_official)
    assert r.snapshot.version == 2


def test_reorganisation_after_opening_does_not_rewrite_the_campaign(world):
    """Membership fixes the reporting parent when the campaign opens; moving the school later changes nothing."""
    _submit_and_accept(world, world.school, world.curator, world.khv_official)
    world.school.location_municipality_id = world.van.id
    db.session.commit()
    now = now_utc()
    assert queries.aggregate(world.campaign, world.khv, now, None)["values"]["students_total"] == 1000
    assert "students_total" not in queries.aggregate(world.campaign, world.van, now, None)["values"]
    assert services.reviewer_window(world.campaign, world.school) == (Level.municipality, world.khv.id)


def test_completeness_never_exceeds_membership(world):
    """An organization created after the campaign opened is not expected until the region adds it."""
    from monitoring import campaigns
    from tests import factories

    late = factories.organization(world.region, world.khv, "27-KHV-NEW")
    db.session.commit()
    assert queries.aggregate(world.campaign, world.khv, now_utc(), None)["completeness"]["expected"] == 2
    with pytest.raises(NotFound):
        services.save_values(world.campaign, late, {"students_total": 1}, version=0, actor=world.admin)
    campaigns.add_member(world.campaign, late, actor=world.operator)
    db.session.commit()
    assert queries.aggregate(world.campaign, world.khv, now_utc(), None)["completeness"]["expected"] == 3


def test_consolidation_adds_up_stored_municipal_sums_like_the_rows(world):
    """The region adds the sums kept in municipal summaries; an older part without them is read row by row."""
    c = world.campaign
    values_a = dict(VALID_VALUES, mentee_survey_respondents=100, mentee_satisfaction_pct=80)
    values_b = dict(VALID_VALUES, mentee_survey_respondents=50, mentee_satisfaction_pct=50, students_total=700)
    _submit_and_accept(world, world.school, world.curator, world.khv_official, values_a)
    _submit_and_accept(world, world.dod, world.dod_curator, world.khv_official, values_b)
    _submit_and_accept(world, world.van_school, world.van_curator, world.van_official)
    _submit_and_accept(world, world.college, world.college_curator, world.operator)
    for municipality in (world.khv, world.van):
        reports.submit_report(c, municipality, actor=world.operator)
        reports.accept_report(c, municipality, actor=world.operator)
    db.session.commit()
    live = queries.aggregate(c, world.region, now_utc(), None)
    from_sums = reports.consolidate(c, actor=world.operator).summary
    db.session.commit()
    assert from_sums["values"] == live["values"]
    assert from_sums["values"]["students_total"] == 1000 + 700 + 1000 + 1000
    assert {k: v["value"] for k, v in from_sums["indicators"].items()} == pytest.approx(
        {k: v["value"] for k, v in live["indicators"].items()})
    # strip the kept sums from one municipal snapshot, as if frozen before they were kept
    khv_snapshot = reports.get_report(c, world.khv).snapshot_id
    db.session.execute(sa.update(Snapshot.__table__).where(Snapshot.__table__.c.id == khv_snapshot)
                       .values(summary=sa.func.json_remove(Snapshot.__table__.c.summary, "$.sums"))
                       if db.engine.dialect.name == "sqlite" else
                       sa.text("UPDATE snapshots SET summary = (summary::jsonb - 'sums')::json WHERE id = :id")
                       .bindparams(id=khv_snapshot))
    db.session.commit()
    db.session.expire_all()
    assert "sums" not in db.session.get(Snapshot, khv_snapshot).summary
    from_rows = reports.consolidate(c, actor=world.operator).summary
    assert from_rows["values"] == live["values"]
    assert {k: v["value"] for k, v in from_rows["indicators"].items()} == pytest.approx(
        {k: v["value"] for k, v in live["indicators"].items()})
