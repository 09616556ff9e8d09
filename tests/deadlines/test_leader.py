"""The scheduler lease: a standby takes over only once the leader's lease has expired, and a leader that lost its
lease stops before its next job, so no scheduled work runs twice (the same one-transaction checks PgBouncer's
transaction pooling allows; the full kill test behind nginx and PgBouncer is scripts/scale-out-check)."""
from datetime import timedelta

import pytest

from registry.core.clock import now_utc
from registry.extensions import db
from scheduler import jobs
from scheduler import runner as scheduler
from scheduler.leader import Leadership
from scheduler.runner import Runner
from tests.deadlines.conftest import ledger, notifications

LEASE = 60


class Clock:
    """The schedulers' clock, moved by the test."""

    def __init__(self):
        self.now = now_utc().replace(microsecond=0)

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(scheduler, "now_utc", clock)
    return clock


def runner(app, said: list[str], name: str) -> Runner:
    return Runner(app, Leadership(db.engine, LEASE, holder=name), said.append)


def test_the_standby_takes_over_after_the_lease_expires_and_nothing_runs_twice(app, world, clock):
    world.campaign.organization_deadline = clock.now + timedelta(days=2)  # a reminder is due to 4 units
    db.session.commit()
    said: list[str] = []
    leader, standby = runner(app, said, "a"), runner(app, said, "b")

    leader.heartbeat()
    standby.heartbeat()
    assert [line.split(" ", 1)[0] for line in said] == ["[ведущий]", "[догоняет]", "[резерв]"]
    assert '"reminders": 4' in said[1]
    sent = len(notifications())

    clock.advance(LEASE - 1)  # the leader died right after its last renewal: its lease still runs
    standby.heartbeat()
    standby.run_due()
    assert not standby.leadership.is_leader and len(said) == 3

    clock.advance(1)  # expired: the standby leads, catches up and finds everything done
    standby.heartbeat()
    assert said[3] == "[ведущий] b: этот процесс выполняет задания"
    assert said[4].startswith("[догоняет]") and '"reminders": 0' in said[4]

    leader.heartbeat()  # the old leader comes back (paused, not dead): it sees the lease taken and does nothing
    leader.run_due()
    assert said[5] == "[резерв] a: ведущая роль потеряна, задания не выполняются" and len(said) == 6
    assert not leader.leadership.is_leader and standby.leadership.is_leader
    db.session.expire_all()
    assert len([e for e in ledger("reminder") if e.campaign_id == world.campaign.id]) == 4
    assert len(notifications()) == sent


def test_a_leader_that_loses_its_lease_mid_run_stops_before_the_next_job(app, clock, monkeypatch):
    said: list[str] = []
    leader, standby = runner(app, said, "a"), runner(app, said, "b")
    ran: list[str] = []

    def slow_job(now):  # outlives the lease: the standby takes over meanwhile
        ran.append("slow")
        clock.advance(LEASE + 1)
        assert standby.leadership.acquire(clock.now)
        return 1

    def next_job(now):
        ran.append("next")
        return 1

    monkeypatch.setattr(jobs, "JOBS", (jobs.Job("slow", slow_job), jobs.Job("next", next_job)))
    monkeypatch.setattr(scheduler, "run_due", jobs.run_due)
    leader.heartbeat()
    assert ran == ["slow"]
    assert said[-1].startswith("[резерв] a: ведущая роль потеряна посреди прогона") and '"slow": 1' in said[-1]
    assert not leader.leadership.is_leader and standby.leadership.is_leader


def test_a_long_run_renews_the_lease_between_jobs(app, clock, monkeypatch):
    """Jobs each shorter than the lease keep a long run's leadership: the standby cannot take over mid-run."""
    said: list[str] = []
    leader, standby = runner(app, said, "a"), runner(app, said, "b")
    taken: list[bool] = []

    def job(now):
        clock.advance(LEASE * 0.75)
        taken.append(standby.leadership.acquire(clock.now))
        return 0

    monkeypatch.setattr(jobs, "JOBS", tuple(jobs.Job(f"job-{i}", job) for i in range(3)))
    monkeypatch.setattr(scheduler, "run_due", jobs.run_due)
    leader.heartbeat()
    assert taken == [False, False, False]
    assert said[-1].startswith("[догоняет]") and leader.leadership.is_leader
