"""Two gunicorn workers save one submission at once from the same version: one wins, the other gets 409."""
import pytest
import sqlalchemy as sa

from monitoring import services
from monitoring.models import Submission, SubmissionVersion
from registry.core.audit import AuditEntry
from registry.core.errors import VersionConflict
from registry.extensions import db
from tests import factories
from tests.api.helpers import submission_url
from tests.support.holds import hold_writes, wait_lock_waiters
from tests.support.server import Call

#: The first statement of a save that writes or locks: where a worker must wait while the test holds writes.
FIRST_WRITE = r"^sql (UPDATE|INSERT|DELETE) |FOR UPDATE"


@pytest.mark.parametrize("existing", [True, False], ids=["later-save", "first-save"])
def test_two_processes_save_from_the_same_version_one_wins_the_other_gets_409(server, database_url, world, existing):
    """Both clients have read version n; the test holds writes until both workers are at their first write (or
    locking read), then lets them go. The database serialises them: one save commits, the other answers 409
    with the current state, and nothing of the loser is stored."""
    if existing:
        services.save_values(world.campaign, world.school, {"mentors_total": 1}, version=0, actor=world.curator)
        db.session.commit()
    token = server.token(world.curator.email, factories.PASSWORD)
    url = submission_url(world.school.code)
    db.session.rollback()  # the test's own session holds no transaction while the workers race
    versions = [server.request("GET", url, token=token)[1]["version"] for _ in range(2)]  # both clients read n
    assert versions == [1, 1] if existing else [0, 0]
    base = versions[0]
    bodies = [{"version": base, "values": {"mentors_total": 10 + i}} for i in range(2)]

    mark = server.mark()
    with hold_writes(database_url, "submissions") as hold:
        calls = [Call(server, "PUT", url, body, token=token) for body in bodies]
        for call in calls:
            call.start()
        server.wait_for(lambda: len(server.workers_at(FIRST_WRITE, mark)) == 2, "both workers at their first write")
        if db.engine.dialect.name == "postgresql":
            wait_lock_waiters(db.engine, 2, "SELECT submissions.")  # both blocked on the row lock they asked for
        hold.release()
        outcomes = [call.outcome() for call in calls]

    statuses = [outcome[0] for outcome in outcomes]
    assert sorted(statuses) == [200, 409], outcomes
    winner, loser = (0, 1) if statuses[0] == 200 else (1, 0)
    assert len(server.workers_at(FIRST_WRITE, mark)) == 2  # two processes served them
    conflict = outcomes[loser][1]["error"]
    assert conflict["code"] == "version_conflict"
    assert conflict["current"]["version"] == base + 1
    assert conflict["current"]["values"] == bodies[winner]["values"]  # the loser sees what won and keeps its input

    db.session.expire_all()
    submission = db.session.scalar(sa.select(Submission))
    assert submission.version == base + 1 and submission.value_map() == bodies[winner]["values"]
    history = db.session.scalars(sa.select(SubmissionVersion.version).order_by(SubmissionVersion.version)).all()
    assert history == list(range(1, base + 2))
    saved = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "submission.saved")).all()
    assert [entry.after["values"] for entry in saved][base:] == [bodies[winner]["values"]]


def test_a_save_after_the_conflict_from_the_current_version_succeeds(server, world):
    """The loser resubmits its data on the version the 409 named: accepted, one version more."""
    services.save_values(world.campaign, world.school, {"mentors_total": 1}, version=0, actor=world.curator)
    db.session.commit()
    token = server.token(world.curator.email, factories.PASSWORD)
    url = submission_url(world.school.code)
    assert server.request("PUT", url, {"version": 1, "values": {"mentors_total": 2}}, token=token)[0] == 200
    status, body = server.request("PUT", url, {"version": 1, "values": {"mentors_total": 3}}, token=token)
    assert status == 409 and body["error"]["current"]["version"] == 2
    status, body = server.request("PUT", url, {"version": 2, "values": {"mentors_total": 3}}, token=token)
    assert status == 200 and body["version"] == 3 and body["values"] == {"mentors_total": 3}


def test_a_save_compares_with_the_row_as_locked_not_as_loaded_earlier_in_the_request(world):
    """The web form loads the submission before saving; another writer commits in between. The locked read
    refreshes the loaded object, so the stale version is refused (409), not written over the newer one."""
    services.save_values(world.campaign, world.school, {"mentors_total": 1}, version=0, actor=world.curator)
    db.session.commit()
    loaded = services.get_submission(world.campaign, world.school)
    assert loaded.version == 1
    with db.engine.begin() as conn:  # another process's save, committed meanwhile
        conn.execute(sa.update(Submission).values(version=2))
    with pytest.raises(VersionConflict) as conflict:
        services.save_values(world.campaign, world.school, {"mentors_total": 7}, version=1, actor=world.curator)
    assert conflict.value.current["version"] == 2
    db.session.rollback()
