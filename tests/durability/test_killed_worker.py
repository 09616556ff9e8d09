"""A gunicorn worker killed with SIGKILL in the middle of a submit leaves the whole change or nothing.

PostgreSQL: the test locks audit_entries, so the worker blocks inside its transaction right at the audit
INSERT — after it has already changed the submission and written the version row — and is killed there.
SQLite: its locks cover the whole database, so no table can stop a writer between two of its writes; the
test keeps a read transaction open instead, so the worker does every write (the audit row included) and then
blocks in COMMIT, waiting for the exclusive lock; it is killed there, with its rollback journal on disk.
"""
import os
import signal

import sqlalchemy as sa

from monitoring import services
from monitoring.models import Submission, SubmissionStatus
from registry.core.audit import AuditEntry
from registry.extensions import db
from tests import factories
from tests.api.helpers import submission_url
from tests.support.dbstate import changed_tables, every_row
from tests.support.holds import hold_commits, hold_writes, wait_backends_settled, wait_lock_waiters
from tests.support.server import Call, alive


def test_a_worker_killed_mid_submit_leaves_nothing_and_a_retry_succeeds(server, database_url, world):
    services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=0, actor=world.curator)
    db.session.commit()
    token = server.token(world.curator.email, factories.PASSWORD)
    url = submission_url(world.school.code, "submit")
    db.session.rollback()
    before = every_row(db.engine)
    postgresql = db.engine.dialect.name == "postgresql"

    mark = server.mark()
    hold = hold_writes(database_url, "audit_entries") if postgresql else hold_commits(database_url)
    with hold:
        call = Call(server, "POST", url, {"version": 1}, token=token)
        call.start()
        stop_at = r"^sql INSERT INTO audit_entries" if postgresql else r"^sql COMMIT$"
        server.wait_for(lambda: server.workers_at(stop_at, mark), f"a worker at {stop_at}")
        (victim,) = server.workers_at(stop_at, mark)
        said = [text for pid, text in server.said(mark) if pid == victim]
        done = ["UPDATE submissions SET status", "INSERT INTO submission_versions"] + ([] if postgresql else
                                                                                       ["INSERT INTO audit_entries"])
        assert all(any(text.startswith("sql " + step) for text in said) for step in done), said  # already written
        if postgresql:
            wait_lock_waiters(db.engine, 1, "INSERT INTO audit_entries")  # blocked inside its transaction
        os.kill(victim, signal.SIGKILL)
        server.wait_for(lambda: not alive(victim), "the killed worker gone")
        hold.release()
    assert isinstance(call.outcome(), Exception)  # the client saw the connection drop, no answer
    if postgresql:
        wait_backends_settled(db.engine)  # the dead worker's backend noticed and rolled back

    assert changed_tables(before, every_row(db.engine)) == {}  # nothing of the submit, not even partly

    server.wait_for(lambda: len(server.ready_workers()) == 2, "gunicorn replaced the worker")
    status, body = server.request("POST", url, {"version": 1}, token=token)
    assert status == 200 and body["status"] == "submitted" and body["version"] == 2
    submission = db.session.scalar(sa.select(Submission))
    assert submission.status is SubmissionStatus.submitted
    assert db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "submission.submitted")).all() \
        == ["submission.submitted"]
