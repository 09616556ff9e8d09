"""One transaction per request (issue 17 part 2): the request is the boundary, views never commit or roll back.

Behaviour, on a scratch app with routes of its own on the test database: a successful answer commits everything
the view changed once; an exception, a domain refusal or an error answer rolls it all back; `after_commit` work runs
only after a commit. The guard: no module but the entry points outside a request calls commit() or rollback().
"""
import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import jsonify
from sqlalchemy.orm import Session

from hierarchy.models import Region
from registry import create_app
from registry.config import TestConfig
from registry.core.errors import ValidationFailed
from registry.core.transaction import after_commit
from registry.extensions import db

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("registry", "hierarchy", "deadlines", "monitoring", "exports", "surveys", "scheduler")
#: The entry points outside a request: each is a boundary of its own and commits there.
BOUNDARIES = {
    "registry/core/transaction.py": "the request boundary itself",
    "registry/core/background_jobs.py": "queued jobs: the claim and the progress of a builder",
    "registry/imports/jobs.py": "import builders: the outcome with the import, all or nothing",
    "hierarchy/jobs.py": "the hierarchy import builder (its row count before the writing)",
    "exports/jobs.py": "the ZIP archive builder",
    "exports/form_sets.py": "the scheduler's builder of stored form sets: a commit per stored file, so a killed run "
                            "resumes where it stopped",
    "registry/notify/mail.py": "the outbox sender the scheduler runs: one commit per message sent",
}
BOUNDARY_FOLDERS = ("scheduler/",)  # the scheduler process's jobs
BOUNDARY_NAMES = ("cli.py",)  # CLI commands


def _region(code: str) -> Region:
    return Region(code=code, name=f"Проверочный регион {code}", timezone="Asia/Vladivostok")


@pytest.fixture
def scratch(app):
    """An app of its own (routes may not be added once an app has served), on the same test database."""
    scratch = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         WTF_CSRF_ENABLED=False)  # a bare POST: the CSRF check is not what is tested here
    ran = []

    @scratch.post("/_boundary/<outcome>")
    def change(outcome: str):
        db.session.add(_region("T1"))
        db.session.flush()  # written, not committed
        after_commit(lambda: ran.append(outcome))
        if outcome == "refused":
            raise ValidationFailed("Неверные данные.", {"code": ["Не тот код."]})
        if outcome == "crash":
            raise RuntimeError("boom")
        if outcome == "unprocessable":
            return jsonify(error="422"), 422
        if outcome == "duplicate":
            db.session.add(_region("T1"))  # breaks the unique code only at the commit's flush
        return jsonify(ok=True)

    scratch.config["PROPAGATE_EXCEPTIONS"] = False
    return scratch.test_client(), ran


def _codes() -> set[str]:
    with Session(db.engine) as other:  # what another connection sees: committed rows only
        return set(other.scalars(sa.select(Region.code).where(Region.code.like("T%"))))


def test_a_successful_answer_commits_once_and_then_runs_the_after_commit_work(scratch):
    client, ran = scratch
    assert client.post("/_boundary/ok").status_code == 200
    assert _codes() == {"T1"} and ran == ["ok"]


@pytest.mark.parametrize(("outcome", "status"), [("refused", 422), ("crash", 500), ("unprocessable", 422),
                                                 ("duplicate", 500)])
def test_an_error_rolls_back_everything_and_runs_no_after_commit_work(scratch, outcome, status):
    client, ran = scratch
    assert client.post(f"/_boundary/{outcome}").status_code == status
    assert _codes() == set() and ran == []


def _committing_calls(path: Path) -> list[int]:
    """Lines calling `<something>.session.commit()/rollback()` or `session.commit()/rollback()`."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"commit", "rollback"}):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute):
            name = owner.func.attr  # db.session().commit()
        if name == "session":
            lines.append(node.lineno)
    return lines


def test_only_entry_points_outside_a_request_commit_or_roll_back():
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in BOUNDARIES or name.startswith(BOUNDARY_FOLDERS) or path.name in BOUNDARY_NAMES:
                continue
            if lines := _committing_calls(path):
                offenders[name] = lines
    assert offenders == {}, "views, helpers and services leave commit/rollback to the request boundary"


def test_every_listed_boundary_still_exists_and_commits():
    for name in BOUNDARIES:
        assert _committing_calls(ROOT / name), f"{name} no longer commits: drop it from BOUNDARIES"
