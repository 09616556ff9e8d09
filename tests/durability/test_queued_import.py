"""Imports run in the scheduler process, not in web workers: killing every web worker with SIGKILL, before the import
is taken up and again in the middle of it, loses nothing, and the replacement workers show the outcome.

PostgreSQL: the test locks the organizations table, so the import blocks right at its first organization — after it
has written the municipalities and reported that progress into the job row from a connection of its own — and
every web worker is killed there. SQLite has no lock that stops a writer between two of its writes; there the
workers are killed while the job is queued and again once the scheduler process has taken it up.
"""
import os
import re
import signal
import time

import requests
import sqlalchemy as sa
from sqlalchemy.orm import Session

from hierarchy.models import Municipality, Organization
from registry.core.background_jobs import JobStatus
from registry.imports.models import ImportJob
from tests import factories
from tests.hierarchy.files import csv_file
from tests.support.holds import hold_writes, wait_lock_waiters
from tests.support.scheduler import Process, wait_until
from tests.support.server import ROOMY_LIMITS, alive

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
UNITS = (("municipality", "27-Q1", "Первый район очереди", "27", "", "", ""),
         ("municipality", "27-Q2", "Второй район очереди", "27", "", "", ""),
         *(("organization", f"27-Q1-S{n}", f"Школа {n} очереди", "27-Q1", "general", "municipality", "")
           for n in range(1, 41)))


def _job(engine) -> ImportJob:
    with Session(engine) as session:
        return session.scalar(sa.select(ImportJob))


def _kill_workers(server) -> None:
    """SIGKILL every web worker; gunicorn forks new ones (which say "ready" again)."""
    victims = server.ready_workers()
    mark = server.mark()
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    server.wait_for(lambda: not any(alive(pid) for pid in victims), "the killed workers gone")
    server.wait_for(lambda: sum(text == "ready" for _, text in server.said(mark)) >= len(victims),
                    "gunicorn replaced the workers")


def _signed_in(server, user) -> tuple[requests.Session, str]:
    base = f"http://127.0.0.1:{server.port}"
    browser = requests.Session()
    token = CSRF.search(browser.get(f"{base}/auth/login").text).group(1)
    answer = browser.post(f"{base}/auth/login", data={"email": user.email, "password": factories.PASSWORD,
                                                      "csrf_token": token}, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return browser, base


def test_web_workers_killed_before_and_during_an_import_lose_nothing(server, database_url, world, app):
    engine = sa.create_engine(database_url)
    browser, base = _signed_in(server, world.operator)
    token = CSRF.search(browser.get(f"{base}/hierarchy/import").text).group(1)
    answer = browser.post(f"{base}/hierarchy/import", data={"csrf_token": token},
                          files={"file": ("units.csv", csv_file(UNITS), "text/csv")}, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/hierarchy/import/jobs/1", answer.text
    assert _job(engine).status is JobStatus.queued  # the request only queued it
    _kill_workers(server)

    postgresql = engine.dialect.name == "postgresql"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key", **ROOMY_LIMITS,
           "QUEUE_POLL_SECONDS": "0.2", "SCHEDULER_INTERVAL_SECONDS": "3600"}
    hold = hold_writes(database_url, "organizations") if postgresql else None
    scheduler = None
    try:
        scheduler = Process("scheduler", env)
        if postgresql:
            wait_lock_waiters(engine, 1, "INSERT INTO organizations")  # the import is half-way, uncommitted
            job = _job(engine)
            assert (job.status, job.done, job.total) == (JobStatus.running, 2, 42)  # its progress, in the row
            with Session(engine) as other:
                assert other.scalar(sa.select(sa.func.count()).select_from(Municipality).where(
                    Municipality.code.like("27-Q%"))) == 0  # nothing of it is visible yet
        else:
            deadline = time.monotonic() + 30
            while _job(engine).status is JobStatus.queued and time.monotonic() < deadline:
                time.sleep(0.02)
        _kill_workers(server)
        if hold is not None:
            hold.release()
        wait_until(lambda: _job(engine).status in (JobStatus.done, JobStatus.failed), [scheduler], timeout=60)
    finally:
        if hold is not None:
            hold.release()
        if scheduler is not None:
            scheduler.stop()
    job = _job(engine)
    assert (job.status, job.done, job.total, job.error) == (JobStatus.done, 42, 42, None), scheduler.seen
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Organization).where(
            Organization.code.like("27-Q1-S%"))) == 40
    page = browser.get(f"{base}/hierarchy/import/jobs/1")  # served by a worker that did not exist at the upload
    assert page.status_code == 200 and "Загрузка завершена" in page.text
    assert any(line.startswith("[очередь]") for line in scheduler.seen)
    engine.dispose()
