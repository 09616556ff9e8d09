"""One scheduler acts at a time; `flask deadlines tick` and the scheduler share run_due."""
import json
import os
from datetime import timedelta

from registry.core.clock import now_utc
from registry.extensions import db
from registry.notify.models import MailStatus
from scheduler.leader import Leadership
from scheduler.runner import LEADERSHIP_JOB, QUEUE_JOB, RUN_DUE_JOB, Runner, build_scheduler
from tests import factories
from tests.deadlines.conftest import ledger, outbox
from tests.support.scheduler import Process, wait_until

Y = factories.YEAR


def test_scheduler_registers_its_jobs_in_utc_without_overlap(app):
    scheduler = build_scheduler(app, Runner(app, Leadership(db.engine, 60), print))
    assert {job.id for job in scheduler.get_jobs()} == {LEADERSHIP_JOB, RUN_DUE_JOB, QUEUE_JOB}
    assert {job.id: job.executor for job in scheduler.get_jobs()}[QUEUE_JOB] == "queue"  # imports never hold the lease
    assert str(scheduler.timezone) == "UTC"
    assert scheduler._job_defaults["coalesce"] is True and scheduler._job_defaults["max_instances"] == 1


def test_the_scheduler_builds_forms_in_slices_shorter_than_its_lease(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_BUILD_BUDGET_SECONDS", None)
    monkeypatch.setitem(app.config, "SCHEDULER_LEASE_SECONDS", 90)
    build_scheduler(app, Runner(app, Leadership(db.engine, 90), print))
    assert app.config["FORM_BUILD_BUDGET_SECONDS"] == 45
    monkeypatch.setitem(app.config, "FORM_BUILD_BUDGET_SECONDS", 600)  # set by the operator: kept
    build_scheduler(app, Runner(app, Leadership(db.engine, 90), print))
    assert app.config["FORM_BUILD_BUDGET_SECONDS"] == 600


def test_only_one_leadership_at_a_time(app):
    now = now_utc()
    first, second = Leadership(db.engine, 60), Leadership(db.engine, 60)
    try:
        assert first.acquire(now) is True
        assert second.acquire(now) is False
        assert first.acquire(now + timedelta(seconds=30)) is True  # renewing
        first.release(now + timedelta(seconds=31))
        assert second.acquire(now + timedelta(seconds=32)) is True
        assert first.acquire(now + timedelta(seconds=33)) is False
    finally:
        for leadership in (first, second):
            leadership.release(now + timedelta(seconds=40))


def test_an_expired_lease_passes_to_the_standby(app):
    """A leader that died without releasing loses the lease once it expires, not before."""
    now = now_utc()
    dead, standby = Leadership(db.engine, 60), Leadership(db.engine, 60)
    assert dead.acquire(now)
    assert not standby.acquire(now + timedelta(seconds=59))
    assert standby.acquire(now + timedelta(seconds=60))
    standby.release(now + timedelta(seconds=61))


def test_tick_runs_what_is_due_at_the_given_instant(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["deadlines", "tick", "--at", f"{Y}-10-07T09:00:00+10:00"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["reminders"] == 5
    again = json.loads(runner.invoke(args=["deadlines", "tick", "--at", f"{Y}-10-07T09:30:00+10:00"]).output)
    assert again["reminders"] == 0
    assert len(outbox("curator@example.ru")) == 1


def test_tick_refuses_an_instant_without_a_zone(app):
    result = app.test_cli_runner().invoke(args=["deadlines", "tick", "--at", "2027-10-07T09:00:00"])
    assert result.exit_code == 2
    assert "укажите часовой пояс" in result.output


# --- two real scheduler processes against the test database ---

def test_two_scheduler_processes_one_leader_and_every_side_effect_once(app, world, smtp_server):
    """Two schedulers started by mistake: one leads and catches up, the other waits; when the leader stops the
    other takes over, catches up again and finds nothing left to do. Four reminders are sent, once each."""
    inbox, port = smtp_server
    campaign = world.campaign
    campaign.organization_deadline = now_utc().replace(microsecond=0) + timedelta(days=2)  # a 3-day reminder is due
    db.session.commit()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret-key",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_TLS": "", "SMTP_USER": "",
           "SCHEDULER_HEARTBEAT_SECONDS": "0.3", "SCHEDULER_INTERVAL_SECONDS": "3600", "SCHEDULER_LEASE_SECONDS": "30"}
    a, b = Process("a", env), Process("b", env)
    processes = [a, b]
    try:
        wait_until(lambda: len(a.said("[ведущий]") + b.said("[ведущий]")) == 1
                   and (a.said("[догоняет]") or b.said("[догоняет]")) and (a.said("[резерв]") or b.said("[резерв]")),
                   processes)
        leader, standby = (a, b) if a.said("[ведущий]") else (b, a)
        first = json.loads(leader.said("[догоняет]")[0].split(" ", 1)[1])
        assert first["reminders"] == 4 and first["mail-sent"] == 4
        assert standby.said("[ведущий]") == [] and standby.said("[догоняет]") == []

        leader.stop()
        assert leader.proc.returncode == 0
        wait_until(lambda: standby.said("[догоняет]"), processes=[standby])
        second = json.loads(standby.said("[догоняет]")[0].split(" ", 1)[1])
        assert second["reminders"] == 0 and second["mail-sent"] == 0
    finally:
        for process in processes:
            process.stop()
    assert len(inbox.messages) == 4
    assert sorted(m["To"] for m in inbox.messages) == [
        "college@example.ru", "curator@example.ru", "dod@example.ru", "vancurator@example.ru"]
    db.session.expire_all()
    assert len([e for e in ledger("reminder") if e.campaign_id == campaign.id]) == 4
    assert {m.status for m in outbox()} == {MailStatus.sent}
    assert "аренда в таблице scheduler_leases на 30 с" in a.said("Планировщик сроков запущен")[0]
