"""ZIP of all organizations' forms: a job row with done/total, built by the scheduler process (in tests by the
request, once committed), a progress page
that refreshes itself with <meta http-equiv=refresh>, and the finished archive downloaded by anyone in scope."""
import csv
import io
import re
import zipfile
from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa

from exports import jobs
from exports.catalog import get_form
from exports.models import ExportJob, ExportJobStatus
from registry.core.audit import AuditEntry
from registry.core.background_jobs import commit_progress
from registry.core.clock import now_utc
from registry.extensions import db
from scheduler.queue import run_queued
from tests.factories import YEAR

C = f"/campaigns/27/{YEAR}/federal-form"


def _job() -> ExportJob:
    db.session.expire_all()
    return db.session.scalar(sa.select(ExportJob).order_by(ExportJob.id.desc()))


def test_building_the_municipal_archive_inline(frozen, login_as):
    official = login_as(frozen.world.khv_official)
    assert "ещё не формировался" in official.get(f"{C}/27-KHV/archive").get_data(as_text=True)
    response = official.post(f"{C}/27-KHV/archive", data={"format": "csv"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/27-KHV/archive?format=csv")
    job = _job()
    assert (job.status, job.done, job.total) == (ExportJobStatus.done, 3, 3)
    page = official.get(f"{C}/27-KHV/archive?format=csv").get_data(as_text=True)
    assert "готово форм: 3 из 3" in page and "http-equiv" not in page and job.sha256 in page
    download = official.get(f"{C}/27-KHV/archive/download?format=csv")
    assert download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as archive:
        assert sorted(archive.namelist()) == ["00_свод_городской_округ_«Город_Хабаровск».csv", "manifest.csv",
                                              "Центр_«Косатка».csv", "Школа_№_1_г._Хабаровска.csv"]
        manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")), delimiter=";"))
    assert [m["Предварительные данные"] for m in manifest] == ["нет", "нет", "нет"]
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export.archive_requested"))
    assert audit.after["forms"] == 3


def test_the_regional_archive_contains_every_member(frozen, login_as):
    login_as(frozen.world.operator).post(f"{C}/27/archive", data={"format": "xml"})
    job = _job()
    assert job.status is ExportJobStatus.done and job.total == 5  # the region and its 4 member organizations
    with zipfile.ZipFile(io.BytesIO(job.content)) as archive:
        assert "Школа_п._Ванино.xml" in archive.namelist()  # not accepted: its live, preliminary form is included
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert "Школа_п._Ванино.xml;27-VAN-S1;Школа п. Ванино;Предварительные данные" in manifest


def test_a_running_job_page_refreshes_itself_and_is_not_started_twice(frozen, login_as):
    world = frozen.world
    job, created = jobs.request_archive(world.campaign, world.khv, "pdf", get_form(), actor=world.khv_official)
    db.session.commit()
    official = login_as(world.khv_official)
    response = official.get(f"{C}/27-KHV/archive?format=pdf")
    page = response.get_data(as_text=True)
    assert created and '<meta http-equiv="refresh" content="3">' in page and "<script" not in page
    assert "готово форм: 0 из 3" in page and response.headers["Refresh"] == "3"
    again = official.post(f"{C}/27-KHV/archive", data={"format": "pdf"}, follow_redirects=True)
    assert "Архив уже формируется" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1


def test_a_job_whose_process_died_is_shown_as_interrupted_and_can_be_restarted(frozen, login_as):
    world = frozen.world
    past = now_utc() - timedelta(hours=1)
    job, _ = jobs.request_archive(world.campaign, world.khv, "pdf", get_form(), actor=world.khv_official, now=past)
    job.status = ExportJobStatus.running
    db.session.commit()
    official = login_as(world.khv_official)
    assert "Формирование прервано" in official.get(f"{C}/27-KHV/archive").get_data(as_text=True)
    official.post(f"{C}/27-KHV/archive", data={"format": "pdf"})
    assert _job().created_at > past and _job().status is ExportJobStatus.done
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1  # the dead one is gone


def test_the_request_queues_the_archive_and_the_scheduler_process_builds_it(frozen, app, login_as, monkeypatch):
    world = frozen.world
    monkeypatch.setitem(app.config, "JOBS_RUN_AFTER_REQUEST", False)  # as in production
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 1)
    official = login_as(world.khv_official)
    assert official.post(f"{C}/27-KHV/archive", data={"format": "xlsx"}).status_code == 302
    queued = _job()
    assert (queued.status, queued.content, queued.started_at) == (ExportJobStatus.queued, None, None)
    assert run_queued() == 1  # what the scheduler process does every QUEUE_POLL_SECONDS
    done = _job()
    assert done.status is ExportJobStatus.done and done.done == done.total and done.size == len(done.content)
    assert "Скачать " + done.file_name in official.get(f"{C}/27-KHV/archive?format=xlsx").get_data(as_text=True)


def test_a_failure_is_recorded_for_the_person_waiting(frozen, monkeypatch):
    world = frozen.world
    job, _ = jobs.request_archive(world.campaign, world.khv, "pdf", get_form(), actor=world.khv_official)
    db.session.commit()

    def broken(form):
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.FORM_FORMATS, "pdf", replace(jobs.FORM_FORMATS["pdf"], render=broken))
    jobs.build_archive(job.id)
    failed = _job()
    assert failed.status is ExportJobStatus.failed and "внутренняя ошибка" in failed.error


def test_archives_are_for_municipalities_and_the_region_within_scope(frozen, login_as):
    world = frozen.world
    assert login_as(world.curator).get(f"{C}/27-KHV-S1/archive").status_code == 404
    assert login_as(world.van_official).post(f"{C}/27-KHV/archive", data={"format": "pdf"}).status_code == 403
    assert login_as(world.khv_official).get(f"{C}/27/archive").status_code == 403
    download = login_as(world.khv_official).get(f"{C}/27-KHV/archive/download?format=xml")
    assert download.status_code == 302  # nothing built yet: back to the archive page
    assert login_as(world.khv_official).get(f"{C}/27-KHV/archive?format=docx").status_code == 404


def test_a_running_build_shows_its_progress_on_the_archive_page(frozen, login_as, monkeypatch):
    official = login_as(frozen.world.khv_official)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 1)
    seen = []

    def observed(model, job_id, done):
        commit_progress(model, job_id, done)  # the builder's session holds nothing else: it commits (SQLite too)
        seen.append(re.search(r"готово форм: (\d+) из (\d+)", official.get(f"{C}/27-KHV/archive?format=csv")
                              .get_data(as_text=True)).groups())

    monkeypatch.setattr(jobs, "commit_progress", observed)
    official.post(f"{C}/27-KHV/archive", data={"format": "csv"})
    assert seen == [("1", "3"), ("2", "3"), ("3", "3")] and _job().status is ExportJobStatus.done


def test_an_archive_is_refused_while_the_user_has_the_maximum_of_jobs(frozen, login_as):
    from tests.registry.security.test_job_limit import NOTE, REFUSED, busy
    official = login_as(frozen.world.khv_official)
    assert NOTE in official.get(f"{C}/27-KHV/archive").get_data(as_text=True)
    busy(frozen.world.khv_official)
    response = official.post(f"{C}/27-KHV/archive", data={"format": "csv"})
    assert response.status_code == 429 and REFUSED in response.get_data(as_text=True)
    assert _job() is None
