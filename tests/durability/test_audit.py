"""The audit trail is append-only in the database, and a change whose audit row cannot be written is not made."""
import pytest
import sqlalchemy as sa

from monitoring import services
from registry.core.audit import AuditEntry, log_action
from registry.extensions import db
from tests import factories
from tests.api.helpers import submission_url
from tests.support.dbstate import changed_tables, every_row
from tests.support.holds import audit_writes_refused


def test_the_database_refuses_to_change_or_delete_audit_rows(app, world):
    """The application's own connection (the role that owns the tables) cannot rewrite history, by SQL or ORM."""
    log_action(world.curator, "submission.saved", "submission", "2026/27-KHV-S1", after={"values": {"a": 1}})
    db.session.commit()
    before = every_row(db.engine)["audit_entries"]
    statements = ["UPDATE audit_entries SET action = 'forged'", "DELETE FROM audit_entries"]
    if db.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_entries CASCADE")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    entry = db.session.scalar(sa.select(AuditEntry))
    entry.comment = "переписано"
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(sa.select(AuditEntry)))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert every_row(db.engine)["audit_entries"] == before


def _draft(world):
    services.save_values(world.campaign, world.school, dict(factories.VALID_VALUES), version=0, actor=world.curator)


def _submitted(world):
    _draft(world)
    services.submit(world.campaign, world.school, actor=world.curator, version=1)


# (what exists before, who acts, method, URL action, body)
CASES = {
    "first-save": (None, "curator", "put", "", {"version": 0, "values": {"mentors_total": 5}}),
    "save": (_draft, "curator", "put", "", {"version": 1, "values": {"mentors_total": 5}}),
    "submit": (_draft, "curator", "post", "submit", {"version": 1}),
    "accept": (_submitted, "khv_official", "post", "accept", None),
    "return": (_submitted, "khv_official", "post", "return", {"comment": "Проверьте число пар."}),
}


@pytest.mark.parametrize("case", CASES)
def test_a_change_whose_audit_row_fails_is_rolled_back_whole(app, world, api_as, case):
    """A test-only trigger makes the database refuse the audit INSERT; the request fails and every table is
    exactly as before — no submission row, value, version or status change survives without its audit row."""
    setup, actor, method, action, body = CASES[case]
    if setup:
        setup(world)
        db.session.commit()
    api = api_as(getattr(world, actor))
    before = every_row(db.engine)
    with audit_writes_refused(db.engine):
        response = getattr(api, method)(submission_url(world.school.code, action), json=body)
    assert response.status_code == 500, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "server_error"
    assert changed_tables(before, every_row(db.engine)) == {}
    response = getattr(api, method)(submission_url(world.school.code, action), json=body)  # the same, audit working
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_web_form_save_whose_audit_row_fails_changes_nothing(app, world, login_as, monkeypatch):
    """The same through the browser form: the error page, and the draft as it was."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer 500 as in production
    _draft(world)
    db.session.commit()
    browser = login_as(world.curator)
    form = {code: str(value) for code, value in factories.VALID_VALUES.items()} | {"version": "1", "action": "save"}
    before = every_row(db.engine)
    with audit_writes_refused(db.engine):
        response = browser.post(f"/campaigns/27/{factories.YEAR}/submissions/{world.school.code}", data=form)
    assert response.status_code == 500
    assert changed_tables(before, every_row(db.engine)) == {}
    response = browser.post(f"/campaigns/27/{factories.YEAR}/submissions/{world.school.code}", data=form)
    assert response.status_code == 302  # the same form saves once the audit row can be written
