"""SQL statements per hot API request (the deadline-hour soak's routes): a regression to a query per row shows here."""
from contextlib import contextmanager

import sqlalchemy as sa

from tests.api.helpers import submission_url
from tests.factories import VALID_VALUES

SCHOOL = "27-KHV-S1"


@contextmanager
def statements(db):
    """The statements sent to the database inside the block."""
    sent = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_save_and_read_of_a_submission_take_a_fixed_number_of_statements(world, api_as, db):
    curator = api_as(world.curator)
    curator.put(submission_url(SCHOOL), json={"values": VALID_VALUES, "version": 0})
    # SQLite takes its write lock with one extra statement (registry.core.db.for_update)
    lock = 1 if db.engine.dialect.name == "sqlite" else 0
    with statements(db) as sent:
        response = curator.put(submission_url(SCHOOL), json={"values": {"students_total": 7}, "version": 1})
    assert response.status_code == 200 and response.get_json()["version"] == 2
    # token+user+scope, region+campaign+organization+membership+whether it has surveys, submission (locked), its
    # old values deleted (returning them for the audit row), the new ones inserted in one statement, the
    # submission's version, the version row, the audit row
    assert len(sent) == 8 + lock, [" ".join(s.split()[:3]) for s in sent]
    with statements(db) as sent:
        response = curator.get(submission_url(SCHOOL))
    assert response.get_json()["values"] == {"students_total": 7}
    # token+user+scope, region+campaign+organization+membership+whether it has surveys, submission with its values
    assert len(sent) == 3, sent


def test_a_workflow_event_takes_a_fixed_number_of_statements(world, api_as, db):
    curator, official = api_as(world.curator), api_as(world.khv_official)
    curator.put(submission_url(SCHOOL), json={"values": VALID_VALUES, "version": 0})
    lock = 1 if db.engine.dialect.name == "sqlite" else 0
    with statements(db) as sent:
        response = curator.post(submission_url(SCHOOL) + "/submit", json={"version": 1})
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    submitted = len(sent)
    with statements(db) as sent:
        response = official.post(submission_url(SCHOOL) + "/accept")
    assert response.status_code == 200 and response.get_json()["status"] == "accepted"
    # token+user+scope, region+campaign+organization+membership+whether it has surveys, submission (locked), its
    # values (for the version row), the submission's status and version, the version row, the audit row, the
    # curators with whether each was told of this event already and declined its e-mail, their notification,
    # their e-mail
    assert len(sent) == 10 + lock, [" ".join(s.split()[:3]) for s in sent]
    assert submitted == len(sent), "a submit reads the same rows and tells its reviewers the same way"
