"""Two gunicorn workers take two answers on one survey link at once: exactly one 201, the other 409, one row."""
import sqlalchemy as sa

from registry.extensions import db
from surveys import services as surveys
from surveys.models import SurveyAnswer, SurveyLink
from tests.support.holds import hold_writes, wait_lock_waiters
from tests.support.server import Call
from tests.surveys.helpers import answers

#: Where an answer first writes or locks (SQLite: the write lock taken up front; PostgreSQL: the link FOR UPDATE).
FIRST_WRITE = r"^sql (UPDATE|INSERT|DELETE) |FOR UPDATE"


def test_two_answers_on_one_link_at_once_exactly_one_is_stored(server, database_url, world):
    _, tokens = surveys.open_survey(world.campaign, world.school, "mentee", 2, actor=world.curator)
    db.session.commit()
    url = f"/api/v1/survey-links/{tokens[0]}/answers"
    bodies = [{"answers": answers(10)}, {"answers": answers(1)}]
    mark = server.mark()
    with hold_writes(database_url, "survey_links") as hold:
        calls = [Call(server, "POST", url, body) for body in bodies]
        for call in calls:
            call.start()
        server.wait_for(lambda: len(server.workers_at(FIRST_WRITE, mark)) == 2, "both workers at their first write")
        if db.engine.dialect.name == "postgresql":
            wait_lock_waiters(db.engine, 2, "SELECT survey_links.")
        hold.release()
        outcomes = [call.outcome() for call in calls]

    statuses = sorted(outcome[0] for outcome in outcomes)
    assert statuses == [201, 409], outcomes
    assert len(server.workers_at(FIRST_WRITE, mark)) == 2  # two processes served them
    loser = next(body for status, body in outcomes if status == 409)
    assert loser["error"]["code"] == "already_answered"
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 1
    assert db.session.scalars(sa.select(SurveyLink.used).order_by(SurveyLink.id)).all() == [True, False]
