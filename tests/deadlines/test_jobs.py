"""Scheduler jobs are idempotent scanners: each side effect happens once, however often and late they run."""
from datetime import datetime, timedelta

import sqlalchemy as sa

from deadlines import extension_grants
from hierarchy.models import Level
from monitoring import reports, services
from monitoring.models import Snapshot
from registry.extensions import db
from scheduler import jobs
from scheduler.ledger import LedgerEntry
from tests import factories
from tests.deadlines.conftest import ledger, notifications, outbox

Y = factories.YEAR


def local(text: str) -> datetime:
    """An instant in Khabarovsk time (UTC+10), e.g. local("10-07 09:00") in the campaign year."""
    month_day, _, clock = text.partition(" ")
    year = Y + 1 if month_day.startswith("01-") else Y
    return datetime.fromisoformat(f"{year}-{month_day}T{clock or '00:00'}:00+10:00")


def submit(world, org, curator, now=None):
    services.save_values(world.campaign, org, dict(factories.VALID_VALUES), version=None, actor=curator, now=now)
    services.submit(world.campaign, org, actor=curator, now=now)
    db.session.commit()


def reminder_recipients(what: str = "отчёт организации") -> list[str]:
    return sorted(m.to_addr for m in outbox() if m.subject.startswith(f"Напоминание: {what}"))


def campaign_rows(job: str, campaign) -> list[LedgerEntry]:
    return [entry for entry in ledger(job) if entry.campaign_id == campaign.id]


CURATORS_27 = ["college@example.ru", "curator@example.ru", "dod@example.ru", "vancurator@example.ru"]


def test_reminder_job_run_twice_sends_once(world):
    """14 days before 20 October (7 October, 09:00 local) every curator whose school has not submitted is told once."""
    now = local("10-07 09:00")
    first = jobs.send_reminders(now=now)
    second = jobs.send_reminders(now=now)
    assert first == 5  # four organizations of region 27 + the school of region 79 (nobody to tell there)
    assert second == 0
    assert reminder_recipients() == CURATORS_27
    assert len(notifications(world.curator)) == 1
    kinds = {entry.kind for entry in ledger("reminder")}
    assert kinds == {f"organization-14d:{Y}-10-20"}


def test_no_reminder_before_the_first_offset(world):
    assert jobs.send_reminders(now=local("10-07 08:59")) == 0
    assert outbox() == []


def test_reminder_names_unit_local_deadline_and_link(world):
    jobs.send_reminders(now=local("10-14 09:00"))  # 7 days before the window closes on 21 October 00:00
    [mail] = outbox("curator@example.ru")
    assert mail.subject == f"Напоминание: отчёт организации о показателях наставничества — срок 20 октября {Y} г. " \
                           f"(Школа № 1 г. Хабаровска)"
    assert "Школа № 1 г. Хабаровска (27-KHV-S1)" in mail.body
    assert f"не позднее 20 октября {Y} г." in mail.body
    assert f"Приём закроется 21 октября {Y} г., 00:00 по времени Владивостока; осталось 6 дней" \
        in mail.body
    assert f"http://127.0.0.1:5000/campaigns/27/{Y}/submissions/27-KHV-S1" in mail.body
    [note] = notifications(world.curator)
    assert note.link == f"/campaigns/27/{Y}/submissions/27-KHV-S1" and note.read_at is None


def test_submitted_organizations_are_not_reminded(world):
    submit(world, world.school, world.curator)
    jobs.send_reminders(now=local("10-19 09:00"))
    assert reminder_recipients() == ["college@example.ru", "dod@example.ru", "vancurator@example.ru"]


def test_each_offset_reminds_once(world):
    """14, 7, 3 and 1 days before: four reminders per unit over the run-up, each once however often it runs."""
    for day in ("10-07", "10-08", "10-13", "10-14", "10-17", "10-19", "10-20"):
        for hour in ("09:00", "18:00"):
            jobs.send_reminders(now=local(f"{day} {hour}"))
    assert len(outbox("curator@example.ru")) == 4
    kinds = sorted(e.kind for e in ledger("reminder") if e.unit_key == f"organization:{world.school.id}")
    assert kinds == [f"organization-{n}d:{Y}-10-20" for n in (14, 1, 3, 7)]


def test_catch_up_after_outage_sends_only_the_latest_missed_reminder(world):
    """Down from 1 to 18 October: the first run sends one reminder (the 3-day one), not the 14-, 7- and 3-day ones."""
    assert jobs.send_reminders(now=local("10-18 12:00")) == 5
    assert len(outbox("curator@example.ru")) == 1
    assert {e.kind for e in ledger("reminder")} == {f"organization-3d:{Y}-10-20"}
    jobs.send_reminders(now=local("10-20 09:00"))  # the next point (1 day before, the last day's morning) is on time
    assert len(outbox("curator@example.ru")) == 2
    assert outbox("curator@example.ru")[1].body.count("сегодня последний день") == 1


def test_no_reminder_once_the_deadline_has_passed(world):
    """A reminder missed entirely (scheduler down until after the deadline) is skipped: it could no longer help."""
    jobs.send_reminders(now=local("10-21 00:00"))
    assert reminder_recipients() == []
    # the municipalities' run-up (14 days before 1 November) has begun: theirs is the only reminder kind sent
    assert {e.kind for e in ledger("reminder")} == {f"municipality-14d:{Y}-11-01"}


def test_reminders_follow_each_level(world):
    """Municipalities that have not sent their report are reminded before 1 November, the region before 1 December."""
    jobs.send_reminders(now=local("10-30 09:00"))  # 3 days before 1 November (2 November 00:00 closes)
    assert reminder_recipients("муниципальный отчёт") == ["khv@example.ru", "van@example.ru"]
    assert "осталось 2 дня" in outbox("khv@example.ru")[0].body
    jobs.send_reminders(now=local("11-30 09:00"))
    assert reminder_recipients("региональная сводка") == ["operator79@example.ru", "operator@example.ru"]


def test_overlapping_run_loses_the_race_and_sends_nothing(world, monkeypatch):
    """Another run recorded the side effect after this one looked: the unique key refuses it, nothing is sent."""
    now = local("10-07 09:00")
    db.session.add(LedgerEntry(job="reminder", campaign_id=world.campaign.id,
                               unit_key=f"organization:{world.school.id}", kind=f"organization-14d:{Y}-10-20",
                               created_at=now))
    db.session.commit()
    monkeypatch.setattr(jobs, "_done", lambda *args: set())  # as if read before the other run committed
    jobs.send_reminders(now=now)
    assert reminder_recipients() == ["college@example.ru", "dod@example.ru", "vancurator@example.ru"]


def test_escalation_digest_the_morning_after(world):
    """21 October 09:00 local: each reviewer gets one digest of its overdue organizations; extended ones left out."""
    campaign = world.campaign
    submit(world, world.van_school, world.van_curator)
    extension_grants.grant(campaign, world.dod, local("10-25 00:00"), "Болезнь куратора", actor=world.khv_official,
                     now=local("10-15 12:00"))
    db.session.commit()
    assert jobs.send_escalations(now=local("10-21 08:59")) == 0
    now = local("10-21 09:00")
    first, second = jobs.send_escalations(now=now), jobs.send_escalations(now=now)
    assert first > 0 and second == 0
    [khv] = outbox("khv@example.ru")
    assert "Школа № 1 г. Хабаровска (27-KHV-S1)" in khv.body and "Косатка" not in khv.body
    assert khv.subject == f"Просрочено к 20 октября {Y} г.: 1 (отчёт организации о показателях наставничества)"
    # its school submitted: nothing to escalate (it was told of the submission itself)
    assert [m.subject for m in outbox("van@example.ru")] == [f"Отчёт на проверку: {world.van_school.name}"]
    [operator] = outbox("operator@example.ru")
    assert "Ванинский колледж (27-R-VMK)" in operator.body  # reports to the region directly
    van_row = next(e for e in ledger("escalation") if e.unit_key == f"municipality:{world.van.id}")
    assert van_row.detail["overdue"] == 0


def test_escalation_for_municipalities_and_region(world):
    campaign = world.campaign
    jobs.send_escalations(now=local("11-02 09:00"))
    [digest] = outbox("operator@example.ru")
    assert "Ванинский муниципальный район (27-VAN)" in digest.body
    assert "городской округ «Город Хабаровск» (27-KHV)" in digest.body
    jobs.send_escalations(now=local("12-02 09:00"))
    [admin] = [m for m in outbox("admin@example.ru") if "Хабаровский край (27)" in m.body]
    assert "Не сформирована региональная сводка (без действующего продления): 1." in admin.body
    assert f"http://127.0.0.1:5000/campaigns/27/{campaign.year}/" in admin.body


def test_stale_escalation_is_skipped(world):
    """After more than SCHEDULER_CATCHUP_DAYS (7) down, the digest is not sent late."""
    assert jobs.send_escalations(now=local("10-28 09:01")) == 0
    assert jobs.send_escalations(now=local("10-27 09:00")) > 0  # six days late: still sent, once


def test_regional_draft_snapshot_at_the_regional_deadline(world):
    """Nobody consolidated by 1 December: at 2 December 00:00 local a draft snapshot lists what is missing, once."""
    campaign = world.campaign
    submit(world, world.school, world.curator, now=local("10-10 10:00"))
    services.accept(campaign, world.school, actor=world.khv_official, now=local("10-22 10:00"))
    reports.submit_report(campaign, world.khv, actor=world.khv_official, now=local("10-25 10:00"))
    db.session.commit()
    assert jobs.draft_regional_snapshots(now=local("12-01 23:59")) == 0
    now = local("12-02 00:00")
    assert jobs.draft_regional_snapshots(now=now) == 2  # region 27 and region 79, neither consolidated
    assert jobs.draft_regional_snapshots(now=now + timedelta(hours=1)) == 0
    assert len(campaign_rows("regional-draft", campaign)) == 1
    [snapshot] = db.session.scalars(sa.select(Snapshot).where(Snapshot.level == Level.region,
                                                              Snapshot.campaign_id == campaign.id)).all()
    assert snapshot.created_by_id is None
    assert snapshot.summary["automatic"] is True and snapshot.summary["draft"] is True
    missing = {m["code"] for m in snapshot.summary["missing"]}
    assert missing == {"27-KHV", "27-VAN", "27-R-VMK"}  # KHV submitted but not accepted; VAN nothing
    [mail] = [m for m in outbox("operator@example.ru") if not m.subject.startswith("Муниципальный отчёт на проверку")]
    assert "Черновой региональный срез" in mail.subject and "27-R-VMK" in mail.body
    assert f"/campaigns/27/{Y}/snapshots/{snapshot.id}" in mail.body


def test_no_draft_when_the_region_consolidated(world):
    reports.consolidate(world.campaign, actor=world.operator, now=local("11-30 10:00"))
    db.session.commit()
    jobs.draft_regional_snapshots(now=local("12-02 00:00"))
    assert campaign_rows("regional-draft", world.campaign) == []
    jobs.send_escalations(now=local("12-02 09:00"))
    assert [m for m in outbox("admin@example.ru") if "Хабаровский край" in m.body] == []


def test_federal_form_reminders_go_to_every_organization(world):
    """Before 20 January every member organization is reminded, submitted or not."""
    submit(world, world.school, world.curator)
    assert jobs.remind_federal_forms(now=local("01-13 09:00")) == 5
    assert jobs.remind_federal_forms(now=local("01-13 10:00")) == 0
    [mail] = outbox("curator@example.ru")
    assert mail.subject == f"Федеральная форма: срок 20 января {Y + 1} г. (Школа № 1 г. Хабаровска)"
    assert f"http://127.0.0.1:5000/campaigns/27/{Y}/federal-form/27-KHV-S1" in mail.body


def test_run_due_runs_everything_and_is_idempotent(world):
    """A tick at a late instant after a long outage does each due thing once; a second tick does nothing."""
    now = local("10-21 10:00")
    first = jobs.run_due(now)
    assert first["reminders"] == 3  # the municipalities' 14-day reminders (two in 27, one in 79); none to schools
    assert first["escalations"] > 0
    before = len(outbox())
    assert sum(jobs.run_due(now).values()) == 0
    assert len(outbox()) == before


def test_disabled_users_are_not_told(world):
    world.curator.is_enabled = False
    db.session.commit()
    jobs.send_reminders(now=local("10-07 09:00"))
    assert "curator@example.ru" not in reminder_recipients()
    assert ledger("reminder")[0].detail is not None


def test_a_moved_deadline_gets_its_own_reminders(world):
    """The region moves the organizations' deadline a week later: the run-up to the new date reminds again."""
    jobs.send_reminders(now=local("10-14 09:00"))
    world.campaign.organization_deadline = local("10-28 00:00")
    db.session.commit()
    jobs.send_reminders(now=local("10-14 10:00"))  # 14 days before the new date have already begun
    jobs.send_reminders(now=local("10-21 09:00"))  # 7 days before the new date
    subjects = [m.subject for m in outbox("curator@example.ru")]
    assert len(subjects) == 3
    assert f"срок 27 октября {Y} г." in subjects[-1]
