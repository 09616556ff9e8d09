"""A submission's stored values (code → value): replaced with two Core statements, read once per request.

The hot paths (a save, a submit, a review) need the values as a plain dict: for the version row, the checks and the
answer. Building ~25 ORM objects for them, or loading them through the relationship, cost more than the statements
themselves. Within a request the dict is kept in flask.g, keyed by submission id, for the session's transaction: a
request is one transaction (the request boundary, registry.core.transaction) and `replace` is the only writer of
the values, so the kept dict is the database's. Outside a request (CLI, scheduler, tests calling services) the ORM
relationship answers.
"""
import sqlalchemy as sa
from flask import g, has_request_context

from monitoring.models import Submission, SubmissionValue
from registry.extensions import db

_VALUES = SubmissionValue.__table__
_DELETE = (sa.delete(_VALUES).where(_VALUES.c.submission_id == sa.bindparam("submission_id"))
           .returning(_VALUES.c.code, _VALUES.c.value))
_INSERT = sa.insert(_VALUES)
_READ = (sa.select(_VALUES.c.code, _VALUES.c.value).where(_VALUES.c.submission_id == sa.bindparam("submission_id"))
         .order_by(_VALUES.c.code))


def _kept() -> dict[int, dict[str, float]] | None:
    """This request's copies, for the session's current transaction only (a rollback or commit starts afresh)."""
    transaction = db.session().get_transaction() if has_request_context() else None
    if transaction is None:
        return None
    kept = g.get("submission_values")
    if kept is None or kept[0] is not transaction:
        kept = g.submission_values = (transaction, {})
    return kept[1]


def of(submission: Submission) -> dict[str, float]:
    """The submission's values, in code order (a copy: the caller may change it)."""
    kept = _kept()
    if kept is None:
        return submission.value_map()
    if submission.id not in kept:
        if "values" in sa.inspect(submission).unloaded:
            with db.session.no_autoflush:  # a read of the values needs none of the request's pending changes
                kept[submission.id] = dict(db.session.execute(_READ, {"submission_id": submission.id}).all())
        else:
            kept[submission.id] = submission.value_map()  # already loaded with the submission (a read)
    return dict(kept[submission.id])


def replace(submission: Submission, values: dict) -> dict[str, float]:
    """Store the submission's whole set of values; return the ones it replaced (by code).

    Two Core statements (a delete returning the old rows, one multi-row insert) instead of a read of the old rows
    and the unit of work's row-by-row diff. The ORM collection is expired (read again from the database if anything
    asks for it), and this request's copy is set to the stored values."""
    if "values" not in sa.inspect(submission).unloaded:
        for old in submission.values:
            db.session.expunge(old)  # the rows are replaced below; a stale copy must not answer for them
    rows = [{"submission_id": submission.id, "code": code, "value": float(value)}
            for code, value in sorted(values.items())]
    with db.session.no_autoflush:  # the submission's own changes are written by services._store, in one UPDATE
        replaced = dict(sorted(db.session.execute(_DELETE, {"submission_id": submission.id}).all()))
        if rows:
            db.session.execute(_INSERT, rows)
    db.session.expire(submission, ["values"])
    kept = _kept()
    if kept is not None:
        kept[submission.id] = {row["code"]: row["value"] for row in rows}
    return replaced
