"""The scheduler builds and stores the federal forms of every frozen snapshot: once, resumably, reproducibly."""
import hashlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from exports import form_sets, sources, stored_files
from exports.catalog import FORM_FORMATS
from exports.form_sets import MAX_ATTEMPTS
from exports.models import FormSet, StoredForm, StoredFormStatus
from monitoring import reports, services
from registry.core import export_store
from registry.core.clock import now_utc
from registry.extensions import db
from registry.notify.models import Notification
from scheduler import jobs
from scheduler.form_jobs import build_federal_forms
from scheduler.ledger import LedgerEntry
from tests.exports.conftest import accept, scaled

#: KHV's municipal set (KHV, its school and ДО centre) and the regional set (region, KHV, those two, the college).
UNITS = {"municipal": 3, "regional": 5}
FILES = sum(UNITS.values()) * len(FORM_FORMATS)


def stored_rows() -> list[StoredForm]:
    return list(db.session.scalars(sa.select(StoredForm).order_by(StoredForm.id)))


def files_on_disk() -> list[Path]:
    """The stored forms' files (each snapshot's registry extract, <region>/<year>/registry/, is not a form)."""
    root = export_store.root()
    return sorted(p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[2:3] != ("registry",))


class Killed(BaseException):
    """The builder's process dying mid-run (not an error the builder could catch and record)."""


def test_the_job_run_twice_builds_once(frozen):
    """Every unit of every snapshot in every format is stored once; a second run builds nothing."""
    assert build_federal_forms(now_utc()) == FILES
    assert build_federal_forms(now_utc()) == 0
    rows = stored_rows()
    assert len(rows) == FILES and {r.status for r in rows} == {StoredFormStatus.stored}
    assert len({(r.set_id, r.unit_code, r.format) for r in rows}) == FILES
    assert len(files_on_disk()) == FILES
    sets = db.session.scalars(sa.select(FormSet).order_by(FormSet.id)).all()
    assert [(s.level.value, s.unit_code, s.version, s.total) for s in sets] == [
        ("municipality", "27-KHV", 1, 12), ("region", "27", 1, 20)]
    assert all(s.completed_at is not None for s in sets)


def test_a_run_killed_half_way_completes_on_restart_without_duplicates(frozen, monkeypatch):
    real = FORM_FORMATS["pdf"]
    calls = []

    def dying(form):
        calls.append(form.unit.code)
        if len(calls) == 2:  # half-way through the first set
            raise Killed
        return real.render(form)

    monkeypatch.setitem(FORM_FORMATS, "pdf", replace(real, render=dying))
    with pytest.raises(Killed):
        build_federal_forms(now_utc())
    db.session.rollback()
    before = len(stored_rows())
    assert 0 < before < FILES
    leftover = export_store.root() / Path(stored_rows()[-1].path).parent / (export_store.TEMP_PREFIX + "half-written")
    leftover.write_bytes(b"%PDF-1.4 trunc")  # what a kill during a write leaves behind

    monkeypatch.setitem(FORM_FORMATS, "pdf", real)
    assert build_federal_forms(now_utc()) == FILES - before
    rows = stored_rows()
    assert len(rows) == FILES and len({(r.set_id, r.unit_code, r.format) for r in rows}) == FILES
    assert all(r.attempts == 1 for r in rows)  # nothing stored was built twice
    assert len(files_on_disk()) == FILES and not leftover.exists()


def test_a_stored_file_matches_a_fresh_render_of_the_same_snapshot(frozen):
    build_federal_forms(now_utc())
    for stored in stored_rows():
        data = (export_store.root() / stored.path).read_bytes()
        fresh = export_store.sha256(stored_files.fresh_render(stored))
        assert hashlib.sha256(data).hexdigest() == stored.sha256 == fresh


def test_a_new_snapshot_version_makes_a_new_set_and_the_old_one_stays(frozen):
    world = frozen.world
    build_federal_forms(now_utc())
    old = {(r.unit_code, r.format): r.sha256 for r in stored_rows()}
    services.accept(world.campaign, world.van_school, actor=world.van_official)  # the missing school is in now
    reports.submit_report(world.campaign, world.van, actor=world.van_official)
    reports.accept_report(world.campaign, world.van, actor=world.operator)
    second = reports.consolidate(world.campaign, actor=world.operator)
    db.session.commit()
    # VAN's municipal set (VAN + its school) and regional version 2 (region, KHV, VAN, four organizations)
    assert build_federal_forms(now_utc()) == (2 + 7) * len(FORM_FORMATS)
    sets = db.session.scalars(sa.select(FormSet).where(FormSet.level == "region").order_by(FormSet.version)).all()
    assert [(s.version, s.snapshot_id) for s in sets] == [(1, frozen.regional.id), (2, second.id)]
    first_set = {(r.unit_code, r.format): r.sha256 for r in stored_rows() if r.set_id == sets[0].id}
    assert first_set == {key: sha for key, sha in old.items() if key in first_set}  # untouched
    assert len(first_set) == UNITS["regional"] * len(FORM_FORMATS)


def test_the_regional_draft_made_at_the_deadline_is_built_in_the_same_run(world):
    """Nobody consolidated: the scheduler freezes a draft at the regional deadline and stores its forms at once."""
    accept(world, world.college, world.college_curator, world.operator, scaled(1))
    db.session.commit()
    campaign = world.campaign
    counts = jobs.run_due(campaign.region_deadline + timedelta(hours=2))
    assert counts["regional-drafts"] == 2  # both regions' campaigns
    draft = db.session.scalar(sa.select(FormSet).where(FormSet.campaign_id == campaign.id))
    assert (draft.level.value, draft.version, draft.total) == ("region", 1, 2 * len(FORM_FORMATS))
    assert draft.completed_at is not None
    assert jobs.run_due(campaign.region_deadline + timedelta(hours=3))["federal-forms"] == 0


def test_a_missing_or_damaged_file_is_detected_and_rebuilt(frozen):
    build_federal_forms(now_utc())
    gone, changed = stored_rows()[0], stored_rows()[1]
    (export_store.root() / gone.path).unlink()
    (export_store.root() / changed.path).write_bytes(b"tampered")
    originals = {gone.id: gone.sha256, changed.id: changed.sha256}

    assert build_federal_forms(now_utc()) == 2  # both noticed by their size and rebuilt in the same run
    for stored in (db.session.get(StoredForm, i) for i in originals):
        data = (export_store.root() / stored.path).read_bytes()
        assert stored.status is StoredFormStatus.stored and export_store.sha256(data) == originals[stored.id]


def test_a_same_size_corruption_is_caught_on_download(frozen):
    build_federal_forms(now_utc())
    stored = stored_rows()[0]
    path = export_store.root() / stored.path
    original = path.read_bytes()
    path.write_bytes(bytes(reversed(original)))  # same size: only the checksum tells
    assert stored_files.read_stored(stored, now_utc()) is None
    db.session.commit()
    assert db.session.get(StoredForm, stored.id).status is StoredFormStatus.damaged
    assert build_federal_forms(now_utc()) == 1
    assert path.read_bytes() == original


def test_failures_are_recorded_with_their_reason_and_retried_a_few_times(frozen, monkeypatch):
    def broken(form):
        raise ValueError("no")

    monkeypatch.setitem(FORM_FORMATS, "xml", replace(FORM_FORMATS["xml"], render=broken))
    for _ in range(MAX_ATTEMPTS + 1):
        build_federal_forms(now_utc())
    failed = [r for r in stored_rows() if r.status is StoredFormStatus.failed]
    assert len(failed) == sum(UNITS.values()) and {r.format for r in failed} == {"xml"}
    assert {r.attempts for r in failed} == {MAX_ATTEMPTS}
    assert failed[0].error == "Не удалось сформировать файл: ValueError."
    rows = stored_files.sets_of(frozen.world.campaign)
    assert [(r["done"], r["total"], len(r["failures"])) for r in rows] == [(15, 20, 5), (9, 12, 3)]
    assert all(r["set"].completed_at is None for r in rows)


def test_each_organization_is_told_once_per_snapshot_version(frozen):
    world = frozen.world
    build_federal_forms(now_utc())
    build_federal_forms(now_utc())

    def told(user) -> list[Notification]:
        return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id,
                                                                     Notification.kind == "form-ready")))

    # the school is in KHV's municipal snapshot and in the regional one; the college only in the regional one
    assert len(told(world.curator)) == 2 and len(told(world.college_curator)) == 1
    assert told(world.van_curator) == [] and told(world.khv_official) == []
    note = told(world.college_curator)[0]
    assert "готова" in note.body and f"20 января {world.campaign.year + 1}" in note.body
    assert note.link == f"/campaigns/27/{world.campaign.year}/federal-form/{world.college.code}"


def test_nobody_is_told_to_file_a_form_whose_federal_deadline_has_passed(frozen):
    """Issue 20: «сдать до 20 января 2026 г.» went out in December 2026. A form stored after the federal deadline is
    built and listed, but the scheduler stays silent (the ledger records why); a day before it, curators are told."""
    world = frozen.world
    deadline = world.campaign.federal_deadline
    assert build_federal_forms(deadline + timedelta(days=320)) == FILES
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.kind == "form-ready")) == 0
    details = db.session.scalars(sa.select(LedgerEntry.detail).where(LedgerEntry.job == "form-ready")).all()
    assert len(details) == 5 and all(d["skipped"] == "deadline_passed" and d["recipients"] == 0 for d in details)


def test_curators_are_told_while_the_federal_deadline_is_ahead(frozen):
    world = frozen.world
    build_federal_forms(world.campaign.federal_deadline - timedelta(minutes=1))
    notes = db.session.scalars(sa.select(Notification.body).where(Notification.kind == "form-ready")).all()
    assert len(notes) == 5 and all(f"20 января {world.campaign.year + 1}" in body for body in notes)


def test_renders_do_not_depend_on_when_they_run(frozen):
    """No creation dates, random document ids or ZIP timestamps: the snapshot alone decides the bytes."""
    build_federal_forms(now_utc())
    stored = [r for r in stored_rows() if r.unit_code == frozen.world.school.code]
    for moment in ("2031-06-01 12:00:00", "2040-02-29 23:59:59"):
        with freeze_time(moment):
            assert {r.format: export_store.sha256(stored_files.fresh_render(r)) for r in stored} == {
                r.format: r.sha256 for r in stored}


def test_a_set_that_cannot_be_read_does_not_stop_the_others(frozen, monkeypatch):
    real = sources.snapshot_units

    def unreadable(campaign, snapshot):
        if snapshot.level.value == "municipality":
            raise LookupError("gone")
        return real(campaign, snapshot)

    monkeypatch.setattr(sources, "snapshot_units", unreadable)
    assert build_federal_forms(now_utc()) == UNITS["regional"] * len(FORM_FORMATS)
    municipal = db.session.scalar(sa.select(FormSet).where(FormSet.level == "municipality"))
    assert municipal.error == "Не удалось прочитать срез: LookupError." and municipal.completed_at is None
    monkeypatch.setattr(sources, "snapshot_units", real)
    assert build_federal_forms(now_utc()) == UNITS["municipal"] * len(FORM_FORMATS)
    db.session.refresh(municipal)
    assert municipal.error is None and municipal.completed_at is not None


def test_a_run_over_its_time_budget_leaves_the_rest_to_the_next_run(frozen, app, monkeypatch):
    clock = iter(range(1000))
    monkeypatch.setattr(form_sets.time, "monotonic", lambda: next(clock))  # one "second" per look at the clock
    monkeypatch.setitem(app.config, "FORM_BUILD_BUDGET_SECONDS", 2)
    first = build_federal_forms(now_utc())
    assert 0 < first < FILES
    monkeypatch.setitem(app.config, "FORM_BUILD_BUDGET_SECONDS", None)
    assert build_federal_forms(now_utc()) == FILES - first
