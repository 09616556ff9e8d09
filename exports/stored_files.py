"""Reading stored federal forms: which file a download serves, its bytes (checked against the recorded SHA-256),
the sets of a campaign with their progress, and one ZIP of a whole set built from the stored files."""
import csv
import hashlib
import io
import logging
import zipfile
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from deadlines.models import Campaign
from exports import sources
from exports.builders.federal_form import fill_form
from exports.catalog import FORM_FORMATS, get_form
from exports.models import FormSet, StoredForm, StoredFormStatus
from hierarchy.models import Level, Unit
from monitoring.models import Snapshot
from registry.core import export_store
from registry.core.audit import log_action
from registry.core.cells import neutralize
from registry.core.errors import NotFound
from registry.core.xlsx import FixedDateZip
from registry.extensions import db

logger = logging.getLogger(__name__)
SERVABLE = (StoredFormStatus.stored, StoredFormStatus.damaged)
DAMAGED = "Файл отсутствует или повреждён (контрольная сумма не совпадает); будет сформирован заново."


def set_dir(form_set: FormSet, campaign: Campaign) -> str:
    return "/".join((export_store.safe(campaign.region.code), str(campaign.year), export_store.safe(form_set.form_code),
                     f"{form_set.level.value}-{export_store.safe(form_set.unit_code)}-v{form_set.version}"
                     f"-s{form_set.snapshot_id}"))


def download_name(stored: StoredForm, campaign: Campaign) -> str:
    return f"{stored.form_set.form_code}_{stored.unit_code}_{campaign.year}.{stored.format}"


def mark_damaged(stored: StoredForm, now: datetime) -> None:
    """The stored file is missing or its bytes no longer match: rebuild it on the next run. Never commits: the
    request that found it (or the builder) does."""
    logger.warning("Stored form %r is missing or damaged", stored)
    stored.status, stored.error, stored.attempts = StoredFormStatus.damaged, DAMAGED, 0
    stored.form_set.completed_at = None
    log_action(None, "federal_form.damaged", "stored_form", stored.id,
               after={"path": stored.path, "sha256": stored.sha256, "found_at": now.isoformat()})


def stored_for(campaign: Campaign, unit: Unit, fmt: str, form_code: str, set_id: int | None = None
               ) -> StoredForm | None:
    """The stored file of a unit: from the set asked for (NotFound if it has none), else from the latest set built
    from the snapshot the form is read from now; None when nothing is stored (the caller renders live data)."""
    query = (sa.select(StoredForm).join(FormSet, FormSet.id == StoredForm.set_id).where(
        FormSet.campaign_id == campaign.id, FormSet.form_code == form_code, StoredForm.unit_code == unit.code,
        StoredForm.format == fmt, StoredForm.status.in_(SERVABLE)).order_by(StoredForm.id.desc()).limit(1))
    if set_id is not None:
        stored = db.session.scalar(query.where(FormSet.id == set_id)) if 0 < set_id < 2**31 else None
        if stored is None:
            raise NotFound("В этом наборе нет сохранённого файла формы подразделения.")
        return stored
    basis = sources.basis_snapshot_id(campaign, unit)
    return None if basis is None else db.session.scalar(query.where(StoredForm.basis_snapshot_id == basis))


def read_stored(stored: StoredForm, now: datetime) -> bytes | None:
    """The file's bytes if they still match the recorded checksum; otherwise mark it for rebuilding (caller commits)
    and return None."""
    data = export_store.read(stored.path) if stored.status is StoredFormStatus.stored else None
    if data is not None and export_store.sha256(data) == stored.sha256:
        return data
    if stored.status is StoredFormStatus.stored:
        mark_damaged(stored, now)
    return None


def fresh_render(stored: StoredForm) -> bytes:
    """Render the stored file's form again from the same snapshot (what a damaged file is replaced with)."""
    form_set = stored.form_set
    campaign = db.session.get(Campaign, form_set.campaign_id)
    units = sources.snapshot_units(campaign, db.session.get(Snapshot, form_set.snapshot_id))
    unit = next(u for u in units if u.values.unit.code == stored.unit_code)
    return FORM_FORMATS[stored.format].render(fill_form(get_form(form_set.form_code), unit.values, campaign.year))


def sets_of(campaign: Campaign, form_code: str | None = None, limit: int | None = None) -> list[dict]:
    """The campaign's sets, newest first, with progress: stored / total and the failures with their reasons."""
    query = sa.select(FormSet).where(FormSet.campaign_id == campaign.id).order_by(FormSet.id.desc()).limit(limit)
    if form_code is not None:
        query = query.where(FormSet.form_code == form_code)
    return set_rows(db.session.scalars(query).all())


def set_rows(sets: list[FormSet]) -> list[dict]:
    """Each set with its progress: stored / total and the failures with their reasons."""
    done = dict(db.session.execute(
        sa.select(StoredForm.set_id, sa.func.count()).where(StoredForm.set_id.in_([s.id for s in sets]),
                                                            StoredForm.status == StoredFormStatus.stored)
        .group_by(StoredForm.set_id)).all())
    problems: dict[int, list[StoredForm]] = {}
    for stored in db.session.scalars(sa.select(StoredForm).where(
            StoredForm.set_id.in_([s.id for s in sets]), StoredForm.status != StoredFormStatus.stored)
            .order_by(StoredForm.unit_code, StoredForm.format)):
        problems.setdefault(stored.set_id, []).append(stored)
    return [{"set": s, "done": done.get(s.id, 0), "total": s.total, "failures": problems.get(s.id, []),
             "percent": int(100 * done.get(s.id, 0) / s.total) if s.total else 0} for s in sets]


def progress(campaign: Campaign) -> dict:
    """Totals over every set of the campaign, for the dashboard."""
    rows = sets_of(campaign)
    return {"sets": len(rows), "done": sum(r["done"] for r in rows), "total": sum(r["total"] for r in rows),
            "queued": sum(1 for r in rows if not r["total"]),  # not started: their file count is not known yet
            "failures": sum(len(r["failures"]) for r in rows), "latest": rows[:5]}


def unit_versions(campaign: Campaign, unit: Unit, form_code: str) -> list[tuple[FormSet, list[str]]]:
    """Every set holding the unit's stored form (newest first) with the formats stored, for the form page."""
    found: dict[int, tuple[FormSet, list[str]]] = {}
    for stored, form_set in db.session.execute(
            sa.select(StoredForm, FormSet).join(FormSet, FormSet.id == StoredForm.set_id).where(
                FormSet.campaign_id == campaign.id, FormSet.form_code == form_code,
                StoredForm.unit_code == unit.code, StoredForm.status.in_(SERVABLE))
            .order_by(FormSet.id.desc(), StoredForm.format)):
        found.setdefault(form_set.id, (form_set, []))[1].append(stored.format)
    return list(found.values())


def archive(form_set: FormSet, now: datetime) -> Path | None:
    """A ZIP of the set's stored files and a manifest, written once into the set's directory and reused while the
    set's files stay the same; None (files marked for rebuilding, caller commits) if any no longer matches."""
    campaign = db.session.get(Campaign, form_set.campaign_id)
    rows = db.session.scalars(sa.select(StoredForm).where(
        StoredForm.set_id == form_set.id, StoredForm.status == StoredFormStatus.stored)
        .order_by(StoredForm.unit_level != Level.region, StoredForm.unit_level != Level.municipality,
                  StoredForm.unit_code, StoredForm.format)).all()
    key = hashlib.sha256("\n".join(f"{r.path}:{r.sha256}" for r in rows).encode()).hexdigest()[:16]
    relative = f"{set_dir(form_set, campaign)}/all-{key}.zip"
    if export_store.size_of(relative) is not None:
        return export_store.root() / relative
    contents = [(stored, read_stored(stored, now)) for stored in rows]
    if any(data is None for _, data in contents):
        return None
    path = export_store.write_with(relative, lambda out: _zip(out, contents))
    for old in path.parent.glob("all-*.zip"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def archive_name(form_set: FormSet, campaign: Campaign) -> str:
    return (f"{form_set.form_code}_{form_set.unit_code}_{campaign.year}_v{form_set.version}"
            f"_{form_set.frozen_at:%Y%m%d}.zip")


def _zip(out, contents: list[tuple[StoredForm, bytes]]) -> None:
    manifest = io.StringIO()
    writer = csv.writer(manifest, delimiter=";", lineterminator="\r\n")
    writer.writerow(("Файл", "Уровень", "Код подразделения", "Наименование", "Формат", "Срез", "SHA-256 файла",
                     "SHA-256 значений"))
    used = {"manifest.csv"}
    with FixedDateZip(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for stored, data in contents:
            prefix = f"{stored.format}/{'' if stored.unit_level is Level.organization else '00_свод_'}"
            name = export_store.entry(prefix, stored.unit_name, stored.format, used, code=stored.unit_code)
            bundle.writestr(name, data)
            writer.writerow([neutralize(str(v)) for v in (
                name, stored.unit_level.value, stored.unit_code, stored.unit_name, stored.format,
                stored.basis_snapshot_id, stored.sha256, stored.values_checksum)])
        bundle.writestr("manifest.csv", ("\ufeff" + manifest.getvalue()).encode("utf-8"))
