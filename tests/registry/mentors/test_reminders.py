"""Mentors are reminded before a quarter closes, exactly once per mentor and quarter, in-app and by e-mail."""
from datetime import datetime

import sqlalchemy as sa

from registry.auth.models import User
from registry.extensions import db
from registry.mentors import services
from scheduler import jobs
from scheduler.mentor_reminders import JOB, remind_mentors
from tests import factories
from tests.deadlines.conftest import ledger, notifications, outbox
from tests.registry.mentors import builders

Y = factories.YEAR


def at(text: str) -> datetime:
    """Khabarovsk local time (UTC+10) in the campaign year."""
    return datetime.fromisoformat(f"{Y}-{text}:00+10:00")


def test_reminder_goes_once_per_mentor_and_quarter(app, world):
    m = builders.build(world)
    assert remind_mentors(at("03-24T09:00")) == 0  # 8 days before the first quarter ends: not yet
    assert remind_mentors(at("03-25T09:00")) == 2  # 7 days before, at the notification hour
    assert remind_mentors(at("03-25T09:00")) == 0
    assert remind_mentors(at("03-31T23:00")) == 0  # later runs in the same quarter: nothing new
    assert remind_mentors(at("04-01T09:00")) == 0  # the quarter is closed
    mails = outbox(m.anna_user.email)
    assert len(mails) == 1 and f"I квартал {Y} года" in mails[0].subject and f"/mentor/reports/{Y}/1" in mails[0].body
    assert len(notifications(m.anna_user)) == 1
    assert {e.unit_key for e in ledger(JOB)} == {f"mentor:{m.anna.id}", f"mentor:{m.boris.id}"}
    assert remind_mentors(at("06-24T10:00")) == 2  # the next quarter reminds again


def test_no_reminder_for_a_sent_report_or_a_disabled_account(app, world):
    m = builders.build(world)
    with app.test_request_context():
        services.save_report(m.anna_user, Y, 1, {"done": "а", "results": "б", "problems": "в"}, submit=True,
                             now=at("03-20T12:00"))
    db.session.get(User, m.boris_user.id).is_enabled = False
    db.session.commit()
    assert remind_mentors(at("03-26T09:00")) == 0
    assert outbox() == []


def test_the_scheduler_runs_the_job_and_a_rerun_sends_nothing(app, world):
    builders.build(world)
    first = jobs.run_due(at("09-24T09:30"))
    assert first["mentor-reminders"] == 2
    assert jobs.run_due(at("09-24T09:31"))["mentor-reminders"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("notifications"))) >= 2
