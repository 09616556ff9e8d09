"""Files with personal data are the app user's only (0600 files in 0700 folders), and uploads leave as soon as they
are of no use: refused, confirmed or expired."""
import io
import os
import re
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.app import create_app
from registry.config import TestConfig
from registry.core import export_store
from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.import_jobs import UPLOAD_KEEP_SECONDS, upload_folder
from scheduler.jobs import JOBS
from scheduler.retention import purge_expired_uploads

R = "/records/27-KHV-S1"
MENTORS = "code;full_name;category;position;forms\nM1;Ёлкина Анна;teacher;учитель;teacher_student\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _open_umask():
    """The usual server umask, under which plain files come out world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture(autouse=True)
def _own_upload_folder(app, tmp_path, monkeypatch):
    """A folder (not yet made) of this test's own: other tests' uploads would be counted, and its mode checked."""
    monkeypatch.setitem(app.config, "RECORD_IMPORTS_DIR", str(tmp_path / "uploads"))


def test_stored_forms_are_written_private_in_private_folders():
    export_store.write("27/2027/form/region-27-v1/27.csv", b"data")
    root = export_store.root()
    assert mode(root / "27/2027/form/region-27-v1/27.csv") == 0o600
    for folder in (root, root / "27", root / "27/2027", root / "27/2027/form", root / "27/2027/form/region-27-v1"):
        assert mode(folder) == 0o700, folder


def test_a_new_sqlite_database_is_private(tmp_path):
    path = tmp_path / "instance" / "registry.sqlite3"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        db.engine.dispose()
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_a_backup_is_private(app, world, tmp_path):
    copy = tmp_path / "registry.backup"
    result = app.test_cli_runner().invoke(args=["backup", "create", str(copy)])
    assert result.exit_code == 0, result.output
    assert mode(copy) == 0o600


def _upload(browser, data: bytes):
    return browser.client.post(R + "/import", data={"kind": "mentors", "csrf_token": browser.csrf,
                                                    "file": (io.BytesIO(data), "m.csv")},
                               content_type="multipart/form-data", follow_redirects=True)


def _waiting() -> list[str]:
    return sorted(p.name for p in upload_folder().iterdir())


def test_an_upload_waits_private_and_goes_with_its_metadata_on_confirm(world, login_as):
    b = login_as(world.curator)
    preview = _upload(b, MENTORS.encode())
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    assert _waiting() == [f"{token}.json", f"{token}.upload"]
    assert mode(upload_folder()) == 0o700 and all(mode(p) == 0o600 for p in upload_folder().iterdir())
    assert b.post(R + "/import/confirm", {"token": token}).status_code == 302
    assert _waiting() == []


@pytest.mark.parametrize("data", [b"code;full_name\nM1;\n", b"\x00\x01not a table at all"])
def test_a_refused_upload_is_deleted_at_once(world, login_as, data):
    page = _upload(login_as(world.curator), data).get_data(as_text=True)
    assert 'name="token"' not in page
    assert _waiting() == []


def test_an_expired_upload_is_deleted_by_the_scheduler_and_cannot_be_confirmed(world, login_as):
    b = login_as(world.curator)
    _upload(b, MENTORS.encode())
    first = _waiting()
    _upload(b, MENTORS.encode())
    token = next(name for name in _waiting() if name not in first).removesuffix(".json").removesuffix(".upload")
    old = time.time() - UPLOAD_KEEP_SECONDS - 60
    for path in upload_folder().iterdir():
        os.utime(path, (old, old))
    assert b.post(R + "/import/confirm", {"token": token}).status_code == 404
    assert not any(name.startswith(token) for name in _waiting())  # deleted on the spot
    assert purge_expired_uploads(now_utc()) == 1 and _waiting() == []  # the other one, by the scheduler job
    assert purge_expired_uploads(now_utc()) == 0
    audit = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "uploads.expired_deleted")).one()
    assert audit.after == {"uploads": 1}
    assert "expired-uploads" in {job.name for job in JOBS}
