"""Stored federal forms (PRODUCT.md §5): every frozen snapshot gets a set of files — its unit's form, the forms of
the municipalities and organizations it holds — in every format, kept under EXPORTS_DIR with their SHA-256.

The builder is a scheduler job (scheduler.form_jobs) and commits after every file: the unique key of stored_forms
(set = snapshot version, unit, format) is its ledger, so a run killed half-way resumes where it stopped and a
second run builds nothing. Downloads of a frozen campaign serve these files, so what was filed can be reproduced
byte for byte later, whatever changed in the code or the hierarchy since.

This module is the builder alone: only the scheduler's job calls it, and it commits as a background builder does
(every file is its own transaction). What download views use — where a set's files live, marking a damaged file —
is in exports.stored_files and never commits.
"""
import logging
import time
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from deadlines.models import Campaign
from exports import sources
from exports.builders.federal_form import fill_form
from exports.catalog import FORM_FORMATS
from exports.definitions import FormDefinition
from exports.models import FormSet, StoredForm, StoredFormStatus
from exports.stored_files import mark_damaged, set_dir
from monitoring.models import Snapshot
from registry.core import export_store
from registry.core.audit import log_action
from registry.extensions import db

logger = logging.getLogger(__name__)
#: A file that failed to build is tried again on later runs, this many times in all.
MAX_ATTEMPTS = 3


def discover(definition: FormDefinition) -> int:
    """Open a set for every snapshot that has none for this layout; how many. Commits."""
    missing = db.session.scalars(sa.select(Snapshot).outerjoin(FormSet, sa.and_(
        FormSet.snapshot_id == Snapshot.id, FormSet.form_code == definition.code)).where(FormSet.id.is_(None))
        .order_by(Snapshot.id)).all()
    for snapshot in missing:
        db.session.add(FormSet(campaign_id=snapshot.campaign_id, snapshot_id=snapshot.id, level=snapshot.level,
                               unit_code=snapshot.unit_code, version=snapshot.version, frozen_at=snapshot.created_at,
                               form_code=definition.code))
    try:
        db.session.commit()
    except IntegrityError:  # another builder opened them first
        db.session.rollback()
        return 0
    return len(missing)


def check_files(now: datetime) -> int:
    """Mark stored files that vanished or changed size as damaged (reopening their sets); how many. Commits."""
    damaged = 0
    for stored in db.session.scalars(sa.select(StoredForm).where(StoredForm.status == StoredFormStatus.stored)):
        if export_store.size_of(stored.path) != stored.size:
            mark_damaged(stored, now)
            damaged += 1
    db.session.commit()
    return damaged


def open_sets(definition: FormDefinition) -> list[FormSet]:
    return list(db.session.scalars(sa.select(FormSet).where(
        FormSet.form_code == definition.code, FormSet.completed_at.is_(None)).order_by(FormSet.id)))


def _needs_work(stored: StoredForm | None) -> bool:
    if stored is None or stored.status is StoredFormStatus.damaged:
        return True
    return stored.status is StoredFormStatus.failed and stored.attempts < MAX_ATTEMPTS


def build_set(form_set: FormSet, definition: FormDefinition, now: datetime,
              unit_done: Callable[[FormSet, sources.SnapshotUnit], None] | None = None,
              stop_at: float | None = None) -> int:
    """Build the set's missing files, committing after each; how many were stored now. `unit_done` is called for
    every unit whose files are all stored (again after a restart: it must be idempotent). Past `stop_at`
    (time.monotonic()) no new unit is started: the next run goes on from there."""
    set_id = form_set.id
    campaign = db.session.get(Campaign, form_set.campaign_id)
    units = sources.snapshot_units(campaign, db.session.get(Snapshot, form_set.snapshot_id))
    form_set.total, form_set.error = len(units) * len(FORM_FORMATS), None
    db.session.commit()
    directory = set_dir(form_set, campaign)
    export_store.sweep_temporaries(directory)
    existing = {(s.unit_code, s.format): s for s in db.session.scalars(
        sa.select(StoredForm).where(StoredForm.set_id == set_id))}
    # statuses kept apart from the ORM rows: every commit expires them, and re-reading each would cost a query
    status = {key: (s.status if not _needs_work(s) else None) for key, s in existing.items()}
    built = 0
    for unit in units:
        code = unit.values.unit.code
        todo = [fmt for fmt in FORM_FORMATS if status.get((code, fmt)) is None]
        if todo and stop_at is not None and time.monotonic() > stop_at:
            return built
        if todo:
            form = fill_form(definition, unit.values, campaign.year)
            for fmt in todo:
                stored = _store(db.session.get(FormSet, set_id), directory, unit, form, fmt, existing.get((code, fmt)),
                                now)
                if stored is not None:
                    status[(code, fmt)] = stored.status
                    built += stored.status is StoredFormStatus.stored
        if unit_done is not None and all(status.get((code, fmt)) is StoredFormStatus.stored for fmt in FORM_FORMATS):
            unit_done(db.session.get(FormSet, set_id), unit)
    form_set = db.session.get(FormSet, set_id)
    if len(status) == form_set.total and all(v is StoredFormStatus.stored for v in status.values()):
        form_set.completed_at = now
        db.session.commit()
    return built


def record_failure(set_id: int, exc: Exception) -> None:
    """Keep why a whole set could not be built, for the operator's page. Commits."""
    form_set = db.session.get(FormSet, set_id)
    form_set.error = getattr(exc, "message", None) or f"Не удалось прочитать срез: {type(exc).__name__}."
    db.session.commit()


def _store(form_set: FormSet, directory: str, unit: sources.SnapshotUnit, form, fmt: str,
           stored: StoredForm | None, now: datetime) -> StoredForm | None:
    """Render one file, write it, record it (or the failure) and commit; None if another builder recorded it."""
    code = unit.values.unit.code
    if stored is None:
        stored = StoredForm(set_id=form_set.id, unit_level=unit.level, unit_code=code, format=fmt,
                            basis_snapshot_id=unit.basis_snapshot_id, attempts=0)
        db.session.add(stored)
    stored.unit_name, stored.built_at, stored.attempts = unit.values.unit.name, now, stored.attempts + 1
    try:
        data = FORM_FORMATS[fmt].render(form)
        path = f"{directory}/{export_store.safe(code)}.{FORM_FORMATS[fmt].extension}"
        export_store.write(path, data)
    except Exception as exc:  # the operator must see why, whatever it was; the other files still get built
        logger.exception("Stored form %s %s of set %s failed", code, fmt, form_set.id)
        stored.status, stored.error = StoredFormStatus.failed, getattr(exc, "message", None) or (
            f"Не удалось сформировать файл: {type(exc).__name__}.")
    else:
        before = stored.sha256
        stored.status, stored.error, stored.path = StoredFormStatus.stored, None, path
        stored.size, stored.sha256, stored.values_checksum = len(data), export_store.sha256(data), form.checksum
        if before is not None and before != stored.sha256:  # a rebuild that no longer matches the original bytes
            log_action(None, "federal_form.rebuilt", "stored_form", f"{form_set.id}/{code}/{fmt}",
                       before={"sha256": before}, after={"sha256": stored.sha256})
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return stored
