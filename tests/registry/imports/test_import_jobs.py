"""Imports as queued jobs: a status page that refreshes itself while running, the outcome kept on the job,
a list of one's imports (sorted, paged), all or nothing whether the request runs the job (tests) or the scheduler
process does."""
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from hierarchy import jobs as hierarchy_jobs
from hierarchy import services as hierarchy_services
from hierarchy.models import Municipality, Organization
from registry.core.background_jobs import JobStatus, report_progress, start
from registry.core.clock import now_utc
from registry.extensions import db
from registry.imports import jobs, views
from registry.imports.models import ImportJob
from registry.mentoring.models import Mentor
from scheduler.queue import run_queued
from tests.hierarchy.files import SMALL, csv_file
from tests.registry.mentoring.test_import import MENTORS, R, confirm
from tests.support.listing import assert_sorts_and_pages, body

NEW = (("municipality", "27-NEW", "Новый район", "27", "", "", ""),
       ("organization", "27-NEW-S1", "Новая школа", "27-NEW", "general", "municipality", ""))


def _job(job_id: int = 1) -> ImportJob:
    db.session.expire_all()
    return db.session.get(ImportJob, job_id)


def _upload_units(browser, data: bytes):
    return browser.post("/hierarchy/import", data={"file": (io.BytesIO(data), "units.csv")},
                        content_type="multipart/form-data")


def test_hierarchy_upload_goes_to_the_job_page_with_the_counts_and_the_list(world, login_as):
    b = login_as(world.operator)
    response = _upload_units(b, csv_file(NEW))
    assert response.status_code == 302 and response.headers["Location"] == "/hierarchy/import/jobs/1"
    job = _job()
    assert (job.status, job.done, job.total, job.content) == (JobStatus.done, 2, 2, None)
    assert job.result["created"] == {"region": 0, "municipality": 1, "organization": 1}
    page = b.get("/hierarchy/import/jobs/1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Итоги загрузки" in html and "Загрузка завершена" in html
    assert 'http-equiv="refresh"' not in html and "Refresh" not in page.headers  # finished: no refresh
    listing = b.get("/imports/").get_data(as_text=True)
    assert 'href="/hierarchy/import/jobs/1">units.csv</a>' in listing and "загружено" in listing
    assert "Загрузок ещё не было" in login_as(world.admin).get("/imports/").get_data(as_text=True)
    assert login_as(world.admin).get("/hierarchy/import/jobs/1").status_code == 404  # not shared between users


def test_refused_file_keeps_every_row_error_on_the_job_and_changes_nothing(world, login_as):
    bad = NEW + (("organization", "27-NEW-S2", "", "27-NOPE", "general", "municipality", ""),)
    b = login_as(world.operator)
    _upload_units(b, csv_file(bad))
    job = _job()
    assert job.status is JobStatus.failed and job.content is None
    assert {(e["line"], e["column"]) for e in job.errors} == {(4, "Наименование"), (4, "Код вышестоящего звена")}
    html = b.get("/hierarchy/import/jobs/1").get_data(as_text=True)
    assert "Ошибки в файле" in html and "Загрузка не прошла" in html
    assert db.session.scalar(sa.select(Municipality).where(Municipality.code == "27-NEW")) is None


def test_a_running_job_page_refreshes_itself_and_a_stale_one_says_it_was_interrupted(world, login_as):
    job = jobs.create("hierarchy", "big.csv", b"", actor=world.operator)
    job.status, job.done, job.total = JobStatus.running, 25, 100
    db.session.commit()
    b = login_as(world.operator)
    page = b.get(f"/hierarchy/import/jobs/{job.id}")
    html = page.get_data(as_text=True)
    assert page.headers["Refresh"] == "3" and '<meta http-equiv="refresh" content="3">' in html
    assert "выполняется" in html and "25 из 100 (25 %)" in html and "<script" not in html
    assert 'href="/imports/"' in html  # one may leave and come back
    job = _job(job.id)
    job.heartbeat_at = now_utc() - timedelta(minutes=10)
    db.session.commit()
    page = b.get(f"/hierarchy/import/jobs/{job.id}")
    assert "Refresh" not in page.headers and "Загрузка прервана" in page.get_data(as_text=True)
    assert "прервано" in b.get("/imports/").get_data(as_text=True)


def test_the_upload_only_queues_the_job_and_the_scheduler_process_runs_it(world, app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_RUN_AFTER_REQUEST", False)  # as in production
    b = login_as(world.operator)
    assert _upload_units(b, csv_file(NEW)).status_code == 302
    job = _job()
    assert (job.status, job.content is not None, job.started_at) == (JobStatus.queued, True, None)
    assert "Состояние: <strong>в очереди</strong>" in b.get("/hierarchy/import/jobs/1").get_data(as_text=True)
    assert db.session.scalar(sa.select(Organization).where(Organization.code == "27-NEW-S1")) is None
    assert run_queued() == 1  # what the scheduler process does every QUEUE_POLL_SECONDS
    job = _job(1)
    assert (job.status, job.done, job.total, job.content) == (JobStatus.done, 2, 2, None)
    assert db.session.scalar(sa.select(Organization.name).where(Organization.code == "27-NEW-S1")) == "Новая школа"
    assert "Загрузка завершена" in b.get("/hierarchy/import/jobs/1").get_data(as_text=True)
    assert run_queued() == 0  # taken once


def test_a_job_is_claimed_once_and_a_refused_request_queues_nothing(world, app, login_as, monkeypatch):
    job = jobs.create("hierarchy", "units.csv", csv_file(NEW), actor=world.operator)
    db.session.commit()
    assert start(ImportJob, job.id) is not None  # one process claims it…
    assert start(ImportJob, job.id) is None  # …a second finds it taken
    b = login_as(world.operator)
    assert b.post("/hierarchy/import", data={}).status_code == 422  # no file: refused, nothing queued or run
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportJob)) == 1


def test_an_internal_error_fails_the_job_and_leaves_nothing(world, monkeypatch):
    def broken(rows, *, actor, source=None, progress=None):
        db.session.add(Municipality(code="27-HALF", name="Половина", region=world.region))
        db.session.flush()
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(hierarchy_services, "import_rows", broken)
    job = jobs.create("hierarchy", "units.csv", csv_file(SMALL), actor=world.operator)
    db.session.commit()
    hierarchy_jobs.run_import(job.id)
    job = _job(job.id)
    assert job.status is JobStatus.failed and "внутренняя ошибка" in job.error and job.errors is None
    assert db.session.scalar(sa.select(Municipality).where(Municipality.code == "27-HALF")) is None


def test_progress_is_reported_outside_the_import_transaction(world, db):
    job = jobs.create("hierarchy", "units.csv", b"", actor=world.operator)
    job.total = 2000
    db.session.commit()
    db.session.add(Municipality(code="27-OPEN", name="Ещё не сохранён", region=world.region))
    db.session.flush()  # the import's transaction is open and writing
    report_progress(ImportJob, job.id, 500, total=2000)
    # another session (a status page) sees it in the row at once on PostgreSQL; SQLite's one write lock is the
    # import's, so there the row keeps what was committed before the writing began
    postgresql = db.engine.dialect.name == "postgresql"
    with Session(db.engine) as other:
        seen = other.get(ImportJob, job.id)
        assert (seen.done, seen.total, seen.status) == (500 if postgresql else 0, 2000, JobStatus.queued)
        assert other.scalar(sa.select(Municipality.id).where(Municipality.code == "27-OPEN")) is None
    db.session.rollback()
    assert db.session.scalar(sa.select(Municipality).where(Municipality.code == "27-OPEN")) is None


#: A region already there, then a new municipality and its two schools: progress is reported after each level.
GROWING = (("region", "27", "Хабаровский край", "", "", "", "Asia/Vladivostok"), NEW[0], NEW[1],
           ("organization", "27-NEW-S2", "Вторая новая школа", "27-NEW", "general", "municipality", ""))
DONE_OF = re.compile(r"обработано строк:\s*(\d+) из (\d+)")
LISTED = re.compile(r'<td class="num">(\d+) из (\d+)</td>')


def test_a_running_import_shows_its_progress_while_nothing_is_committed(world, login_as, monkeypatch):
    browser = login_as(world.operator)
    job = jobs.create("hierarchy", "units.csv", csv_file(GROWING), actor=world.operator)
    db.session.commit()
    seen = []

    def observed(model, job_id, done, total=None):
        report_progress(model, job_id, done, total)
        # what the person waiting sees meanwhile: separate requests, sessions and connections
        page, listed = body(browser, f"/hierarchy/import/jobs/{job_id}"), body(browser, "/imports/")
        with Session(db.engine) as other:
            visible = other.scalar(sa.select(sa.func.count()).where(Municipality.code == "27-NEW"))
        seen.append((DONE_OF.search(page).groups(), LISTED.search(listed).groups(), visible))

    monkeypatch.setattr(jobs, "report_progress", observed)
    hierarchy_jobs.run_import(job.id)
    if db.engine.dialect.name == "postgresql":
        assert seen[:2] == [(("1", "4"), ("1", "4"), 0), (("2", "4"), ("2", "4"), 0)]  # the new municipality unseen
    else:  # the row count, committed before the writing began, until the import's one transaction ends
        assert seen[:2] == [(("0", "4"), ("0", "4"), 0), (("0", "4"), ("0", "4"), 0)]
    job = _job(job.id)
    assert (job.status, job.done, job.total) == (JobStatus.done, 4, 4)
    assert db.session.scalar(sa.select(sa.func.count()).where(Municipality.code == "27-NEW")) == 1


def test_records_preview_and_confirmation_are_jobs_and_show_the_counts(world, login_as):
    b = login_as(world.curator)
    preview = b.client.post(R + "/import", data={"kind": "mentors", "csrf_token": b.csrf,
                                                 "file": (io.BytesIO(MENTORS.encode("utf-8")), "mentors.csv")},
                            content_type="multipart/form-data")
    assert preview.status_code == 302 and preview.headers["Location"] == R + "/import/jobs/1"
    checked = _job(1)
    assert (checked.status, checked.is_preview, checked.result["rows"]) == (JobStatus.done, True, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentor)) == 0  # the preview writes nothing
    assert "проверено, ждёт подтверждения" in b.get("/imports/").get_data(as_text=True)
    response = confirm(b, b.get(R + "/import/jobs/1"))
    assert response.status_code == 302 and response.headers["Location"] == R + "/import/jobs/2"
    job = _job(2)
    assert (job.status, job.kind, job.result) == (JobStatus.done, "mentors", {"rows": 2, "new": 2, "updated": 0})
    html = " ".join(b.get(R + "/import/jobs/2").get_data(as_text=True).split())
    assert "Файл «mentors.csv» загружен: строк 2 (новых записей — 2, обновлено — 0)" in html
    assert f'form method="post" action="{R}/import"' in html  # the next upload starts from the job's page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mentor)) == 2
    assert 'href="/records/27-KHV-S1/import/jobs/2">mentors.csv</a>' in b.get("/imports/").get_data(as_text=True)
    assert login_as(world.dod_curator).get(R + "/import/jobs/2").status_code == 403
    assert 'name="token"' not in b.get(R + "/import/jobs/1").get_data(as_text=True)  # confirmed: no second time


@pytest.mark.parametrize("path", ["/hierarchy/import/jobs/99", R + "/import/jobs/99"])
def test_unknown_jobs_are_404(world, login_as, path):
    user = world.operator if path.startswith("/hierarchy") else world.curator
    assert login_as(user).get(path).status_code == 404


def test_job_list_sorts_and_pages_ones_own_jobs(world, login_as, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 2)
    for name, owner in (("b-middle.csv", world.admin), ("z-last.csv", world.admin), ("a-first.csv", world.admin),
                        ("someone-else.csv", world.operator)):
        db.session.add(ImportJob(kind="hierarchy", file_name=name, requested_by_id=owner.id))
    db.session.commit()
    browser = login_as(world.admin)
    assert_sorts_and_pages(browser, "/imports/", "file", "a-first.csv", "z-last.csv", default_first="a-first.csv")
    assert "someone-else.csv" not in body(browser, "/imports/") + body(browser, "/imports/?page=2")
