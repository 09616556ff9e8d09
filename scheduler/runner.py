"""The one scheduler process (`flask deadlines scheduler`); web workers never start it.

APScheduler keeps no state of its own (jobs are defined here, in memory): all state is in our tables, so a
restart loses nothing. Every few minutes the leader runs `jobs.run_due(now)`, the same code as
`flask deadlines tick`; on becoming leader (at start, or when the previous leader is gone) it runs it at
once, which catches up on everything missed while no scheduler was running. Every process, leader or standby,
also runs the work web requests queue (imports, archives: `scheduler.queue`) on a thread of its own, so a long
import never delays a deadline job or the lease.
"""
import json
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from registry.core.clock import now_utc
from registry.extensions import db
from scheduler.jobs import JobsFailed, run_due
from scheduler.leader import Leadership
from scheduler.queue import run_queued

RUN_DUE_JOB, LEADERSHIP_JOB, QUEUE_JOB = "deadlines-run-due", "deadlines-leadership", "queued-work"


class Runner:
    """What the scheduler's two jobs do: keep leadership (catching up on gaining it) and run due work."""

    def __init__(self, app: Flask, leadership: Leadership, echo: Callable[[str], None]):
        self.app, self.leadership, self.echo = app, leadership, echo
        self._said_standby = False
        #: Set on the way out: the queue thread ends its current job and takes no next one.
        self.stopping = False

    def heartbeat(self) -> None:
        with self.app.app_context():
            was_leader = self.leadership.is_leader
            if self.leadership.acquire(now_utc()):
                if not was_leader:
                    self._said_standby = False
                    self.echo(f"[ведущий] {self.leadership.holder}: этот процесс выполняет задания")
                    self._run("догоняет")
            elif was_leader:
                self.echo(f"[резерв] {self.leadership.holder}: ведущая роль потеряна, задания не выполняются")
            elif not self._said_standby:
                self._said_standby = True
                self.echo(f"[резерв] {self.leadership.holder}: ведущий — другой процесс, этот ждёт")

    def run_due(self) -> None:
        with self.app.app_context():
            if self.leadership.acquire(now_utc()):
                self._run("выполнено")

    def run_queued(self) -> None:
        with self.app.app_context():
            try:
                ran = run_queued(keep_going=lambda: not self.stopping)
            finally:
                db.session.remove()
        if ran:
            self.echo(f"[очередь] {self.leadership.holder}: выполнено заданий из очереди: {ran}")

    def _still_leading(self) -> bool:
        """Renew the lease between jobs; False once another process holds it (this one then stops the run)."""
        return self.leadership.acquire(now_utc())

    def _run(self, label: str) -> None:
        try:
            counts = run_due(now_utc(), still_leading=self._still_leading)
        except JobsFailed as error:
            self.echo(f"[ошибка] {error}")
            return
        finally:
            db.session.remove()
        if not self.leadership.is_leader:
            self.echo(f"[резерв] {self.leadership.holder}: ведущая роль потеряна посреди прогона, "
                      f"остальные задания выполнит ведущий {json.dumps(counts, ensure_ascii=False, sort_keys=True)}")
            return
        self.echo(f"[{label}] {json.dumps(counts, ensure_ascii=False, sort_keys=True)}")


def build_scheduler(app: Flask, runner: Runner) -> BlockingScheduler:
    """A UTC scheduler with one worker thread for the calendar, so its jobs never overlap each other either, and one
    for the queued work of web requests."""
    interval = app.config["SCHEDULER_INTERVAL_SECONDS"]
    if app.config.get("FORM_BUILD_BUDGET_SECONDS") is None:
        # the heartbeat waits while a run builds forms (one thread) and the lease is renewed only between jobs: one
        # job must end well before the lease does, or a standby takes over mid-job; the rest goes to the next run
        app.config["FORM_BUILD_BUDGET_SECONDS"] = app.config["SCHEDULER_LEASE_SECONDS"] / 2
    scheduler = BlockingScheduler(
        timezone="UTC", executors={"default": ThreadPoolExecutor(1), "queue": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(max(interval, 60))})
    scheduler.add_job(runner.heartbeat, IntervalTrigger(seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"]),
                      id=LEADERSHIP_JOB, next_run_time=datetime.now(UTC))
    scheduler.add_job(runner.run_due, IntervalTrigger(seconds=interval), id=RUN_DUE_JOB)
    scheduler.add_job(runner.run_queued, IntervalTrigger(seconds=app.config["QUEUE_POLL_SECONDS"]), id=QUEUE_JOB,
                      executor="queue", next_run_time=datetime.now(UTC))
    return scheduler


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)


def run_forever(app: Flask, echo: Callable[[str], None]) -> None:
    """Run until SIGINT/SIGTERM; on the way out let the running job finish, then give up leadership."""
    # "Running job … executed successfully" every heartbeat and queue poll drowns what matters; failures still log
    for executor in ("default", "queue"):
        logging.getLogger(f"apscheduler.executors.{executor}").setLevel(logging.WARNING)
    with app.app_context():
        leadership = Leadership(db.engine, app.config["SCHEDULER_LEASE_SECONDS"])
    runner = Runner(app, leadership, echo)
    scheduler = build_scheduler(app, runner)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    echo(f"Планировщик сроков запущен ({leadership.holder}); аренда в таблице scheduler_leases "
         f"на {app.config['SCHEDULER_LEASE_SECONDS']:g} с")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        runner.stopping = True  # the queue's current job ends; the queued ones wait for the next process
        if scheduler.running:
            scheduler.shutdown(wait=True)
        with app.app_context():
            leadership.release(now_utc())
        echo(f"Планировщик сроков остановлен ({leadership.holder})")
