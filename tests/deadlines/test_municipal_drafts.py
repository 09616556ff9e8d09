"""At the municipal deadline the scheduler freezes a draft snapshot of each municipality whose report is not sent."""
import json

import sqlalchemy as sa

from deadlines import extension_grants
from exports.models import FormSet
from hierarchy.models import Level
from monitoring import reports, services
from monitoring.models import ReportStatus, Snapshot
from registry.core.audit import AuditEntry
from registry.extensions import db
from scheduler import jobs
from scheduler.form_jobs import build_federal_forms
from tests.deadlines.conftest import notifications, outbox
from tests.deadlines.test_jobs import Y, campaign_rows, local, submit


def municipal_snapshots(campaign, code: str | None = None) -> list[Snapshot]:
    query = sa.select(Snapshot).where(Snapshot.campaign_id == campaign.id, Snapshot.level == Level.municipality)
    if code is not None:
        query = query.where(Snapshot.unit_code == code)
    return list(db.session.scalars(query.order_by(Snapshot.id)))


def test_a_draft_per_unsent_report_at_the_deadline_once(world):
    """KHV sent its report: no draft. VAN did not: a draft with its accepted data and what is missing, once."""
    campaign = world.campaign
    submit(world, world.school, world.curator, now=local("10-10 10:00"))
    services.accept(campaign, world.school, actor=world.khv_official, now=local("10-22 10:00"))
    submit(world, world.van_school, world.van_curator, now=local("10-10 10:00"))
    services.accept(campaign, world.van_school, actor=world.van_official, now=local("10-22 10:00"))
    reports.submit_report(campaign, world.khv, actor=world.khv_official, now=local("10-25 10:00"))
    db.session.commit()

    assert jobs.draft_municipal_snapshots(now=local("11-01 23:59")) == 0
    assert jobs.draft_municipal_snapshots(now=local("11-02 00:00")) >= 1
    assert jobs.draft_municipal_snapshots(now=local("11-02 01:00")) == 0
    rows = campaign_rows(jobs.MUNICIPAL_DRAFT, campaign)
    assert [r.unit_key for r in rows] == [f"municipality:{world.van.id}"]
    [draft] = municipal_snapshots(campaign, world.van.code)
    assert draft.created_by_id is None and draft.summary["automatic"] is True and draft.summary["draft"] is True
    assert draft.summary["values"] and draft.summary["completeness"]["accepted"] == 1
    assert draft.summary["names"]["organizations"][str(world.van_school.id)]["name"] == world.van_school.name
    assert len(municipal_snapshots(campaign, world.khv.code)) == 1  # only the one its official sent
    assert reports.get_report(campaign, world.van) is None  # the report itself is untouched

    audited = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "municipal_report.draft_snapshot"))
    [entry] = [e for e in audited if e.target_key.endswith(world.van.code)]  # region 79's municipality has one too
    assert entry.actor_id is None and entry.target_key == f"{Y}/{world.van.code}"
    assert entry.after["snapshot_id"] == draft.id
    [mail] = [m for m in outbox("van@example.ru") if "срез" in m.subject]  # not the «на проверку» of its school
    assert "Черновой муниципальный срез" in mail.subject and "Ванинский" in mail.subject
    assert f"/campaigns/27/{Y}/snapshots/{draft.id}" in mail.body and "не отправлен" in mail.body
    assert [m.subject for m in outbox("operator@example.ru") if "муниципальный срез" in m.subject] == [mail.subject]
    # KHV sent its report: no draft for it (only the workflow's «отчёт на проверку» of its school)
    assert [n.kind for n in notifications(world.khv_official)] == ["submission-submitted"]
    assert [m.subject for m in outbox("khv@example.ru")] == [f"Отчёт на проверку: {world.school.name}"]


def test_an_extended_municipality_gets_its_draft_when_its_own_window_closes(world):
    campaign = world.campaign
    reports.submit_report(campaign, world.khv, actor=world.khv_official, now=local("10-25 10:00"))
    extension_grants.grant(campaign, world.van, local("11-06 00:00"), "паводок", actor=world.operator,
                     now=local("10-30 10:00"))
    db.session.commit()

    jobs.draft_municipal_snapshots(now=local("11-02 00:00"))
    assert municipal_snapshots(campaign, world.van.code) == []  # still within its extension
    assert outbox("van@example.ru") == []
    assert jobs.draft_municipal_snapshots(now=local("11-06 00:00")) >= 1
    [draft] = municipal_snapshots(campaign, world.van.code)
    assert draft.summary["automatic"] is True
    [mail] = outbox("van@example.ru")
    assert "не позднее 5 ноября" in mail.body  # the extension's last day, not the general deadline
    assert jobs.draft_municipal_snapshots(now=local("11-06 01:00")) == 0


def test_a_returned_report_gets_a_draft_and_keeps_its_status(world):
    campaign = world.campaign
    reports.submit_report(campaign, world.khv, actor=world.khv_official, now=local("10-25 10:00"))
    reports.return_report(campaign, world.khv, "Нет данных школы", actor=world.operator,
                          now=local("10-27 10:00"))
    db.session.commit()
    jobs.draft_municipal_snapshots(now=local("11-02 00:00"))
    sent, draft = municipal_snapshots(campaign, world.khv.code)
    assert (sent.version, draft.version) == (1, 2) and draft.summary.get("automatic") and not sent.summary.get("draft")
    report = reports.get_report(campaign, world.khv)
    assert report.status is ReportStatus.returned and report.snapshot_id == sent.id


def test_consolidation_and_dashboards_do_not_take_a_draft_for_a_report(world, login_as):
    campaign = world.campaign
    submit(world, world.school, world.curator, now=local("10-10 10:00"))
    services.accept(campaign, world.school, actor=world.khv_official, now=local("10-22 10:00"))
    db.session.commit()
    jobs.draft_municipal_snapshots(now=local("11-02 00:00"))
    [draft] = municipal_snapshots(campaign, world.khv.code)

    regional = reports.consolidate(campaign, actor=world.operator, now=local("11-20 10:00"))
    db.session.commit()
    assert draft.id not in regional.summary["parts"]
    assert {(m["code"], m["status"]) for m in regional.summary["missing"] if m["level"] == "municipality"} == {
        (world.khv.code, "open"), (world.van.code, "open")}
    page = login_as(world.operator).get(f"/campaigns/27/{Y}/municipalities/{world.khv.code}/report")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "черновой, сформирован автоматически" in text
    assert "Отправленный срез" not in text
    view = login_as(world.khv_official).get(f"/campaigns/27/{Y}/snapshots/{draft.id}")
    assert view.status_code == 200 and "Черновой срез" in view.get_data(as_text=True)


def test_tick_twice_makes_each_draft_once_and_builds_its_forms(app, world):
    runner = app.test_cli_runner()
    at = f"{Y}-11-02T00:30:00+10:00"
    first = json.loads(runner.invoke(args=["deadlines", "tick", "--at", at]).output)
    again = json.loads(runner.invoke(args=["deadlines", "tick", "--at", at]).output)
    assert first["municipal-drafts"] >= 2 and again["municipal-drafts"] == 0
    assert len(municipal_snapshots(world.campaign)) == 2  # KHV and VAN, neither sent
    sets = db.session.scalars(sa.select(FormSet).where(FormSet.campaign_id == world.campaign.id)).all()
    assert {s.unit_code for s in sets} == {world.khv.code, world.van.code}  # built in the same run
    assert build_federal_forms(local("11-02 01:00")) == 0


def test_a_campaign_with_only_the_regional_draft_is_not_consolidated(world, api_as):
    jobs.draft_regional_snapshots(now=local("12-02 00:00"))
    assert api_as(world.operator).get(f"/api/v1/regions/27/campaigns/{Y}").get_json()["status"] == "open"
    extension_grants.grant(world.campaign, world.region, local("12-10 00:00"), "сбой связи", actor=world.admin,
                     now=local("12-02 09:00"))
    reports.consolidate(world.campaign, actor=world.operator, now=local("12-03 10:00"))
    db.session.commit()
    assert api_as(world.operator).get(f"/api/v1/regions/27/campaigns/{Y}").get_json()["status"] == "consolidated"
