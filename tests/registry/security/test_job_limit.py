"""One user may have at most MAX_ACTIVE_JOBS_PER_USER import and export jobs queued or running (issue 20); the
upload pages say so, and a refusal is shown on the page and changes nothing."""
import io
from datetime import timedelta

import sqlalchemy as sa

from registry.core.background_jobs import JobStatus
from registry.core.clock import now_utc
from registry.extensions import db
from registry.imports.models import ImportJob
from tests.hierarchy.files import csv_file
from tests.registry.mentoring.test_import import MENTORS, R

NOTE = "Одновременно у одного пользователя может выполняться не более 2 заданий загрузки файлов и сборки архивов."
REFUSED = ("У вас уже выполняется заданий загрузки и выгрузки: 2, а одновременно можно не более 2. Дождитесь "
           "окончания одного из них и повторите.")


def busy(user, count: int = 2, *, age: timedelta = timedelta(0)) -> None:
    """`count` import jobs of the user, queued or running, last heard of `age` ago."""
    at = now_utc() - age
    for i in range(count):
        db.session.add(ImportJob(kind="hierarchy", file_name=f"{i}.csv", requested_by_id=user.id, created_at=at,
                                 heartbeat_at=at, status=JobStatus.running if i else JobStatus.queued))
    db.session.commit()


def _jobs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob))


def test_upload_pages_state_the_limit(world, login_as):
    assert NOTE in login_as(world.admin).get("/hierarchy/import").get_data(as_text=True)
    assert NOTE in login_as(world.curator).get(R + "/import").get_data(as_text=True)


def test_a_third_hierarchy_import_is_refused_on_the_page(world, login_as):
    busy(world.admin)
    b = login_as(world.admin)
    response = b.post("/hierarchy/import", data={"file": (io.BytesIO(csv_file()), "units.csv")},
                      content_type="multipart/form-data")
    assert response.status_code == 429 and REFUSED in response.get_data(as_text=True)
    assert _jobs() == 2


def test_a_third_records_import_is_refused_on_the_page(world, login_as):
    busy(world.curator)
    b = login_as(world.curator)
    response = b.post(R + "/import", data={"kind": "mentors", "file": (io.BytesIO(MENTORS.encode()), "m.csv")},
                      content_type="multipart/form-data")
    assert response.status_code == 429 and REFUSED in response.get_data(as_text=True)
    assert _jobs() == 2


def test_dead_jobs_and_other_users_jobs_do_not_count(world, login_as, app, monkeypatch):
    busy(world.admin, age=timedelta(hours=1))  # stale: their process died
    busy(world.operator)
    response = login_as(world.admin).post("/hierarchy/import", data={"file": (io.BytesIO(csv_file()), "u.csv")},
                                          content_type="multipart/form-data")
    assert response.status_code == 302 and _jobs() == 5
    monkeypatch.setitem(app.config, "MAX_ACTIVE_JOBS_PER_USER", 3)
    busy(world.curator)
    b = login_as(world.curator)
    response = b.post(R + "/import", data={"kind": "mentors", "file": (io.BytesIO(MENTORS.encode()), "m.csv")},
                      content_type="multipart/form-data")
    assert response.status_code == 302
