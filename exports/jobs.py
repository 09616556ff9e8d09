"""ZIP archives of every organization's form for a municipality or the region, built with visible progress.

`request_archive` (a service: flush, audit; caller commits) queues a job and `enqueue` hands it to the scheduler
process (tests: to the request, once committed); `build_archive` is the builder's entry point and commits its
progress every few forms, so the status page can show done/total.
"""
import csv
import hashlib
import io
import logging
import zipfile

import sqlalchemy as sa

from deadlines.models import Campaign
from exports import sources
from exports.builders.federal_form import fill_form
from exports.catalog import FORM_FORMATS, get_form
from exports.definitions import FormDefinition
from exports.models import ExportJob, ExportJobStatus
from hierarchy.models import Level, Municipality, Region
from registry.auth.models import User
from registry.core import background_jobs, export_store
from registry.core.audit import log_action
from registry.core.background_jobs import commit_progress, start
from registry.core.cells import cell
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.core.job_limit import check_room
from registry.core.xlsx import FixedDateZip
from registry.extensions import db

logger = logging.getLogger(__name__)
#: Progress is committed after this many forms (a status page refresh shows it).
PROGRESS_EVERY = 10


def latest_job(campaign: Campaign, unit_code: str, fmt: str, form_code: str) -> ExportJob | None:
    return db.session.scalar(sa.select(ExportJob).where(
        ExportJob.campaign_id == campaign.id, ExportJob.unit_code == unit_code, ExportJob.format == fmt,
        ExportJob.form_code == form_code).order_by(ExportJob.id.desc()).limit(1))


def request_archive(campaign: Campaign, unit: Region | Municipality, fmt: str, definition: FormDefinition, *,
                    actor: User | None, now=None) -> tuple[ExportJob, bool]:
    """Queue an archive build, or return the live one for the same unit and format (False). Caller commits."""
    now = now or now_utc()
    if fmt not in FORM_FORMATS:
        raise ValidationFailed("Неизвестный формат архива.", {"format": ["Допустимы pdf, xlsx, csv, xml."]})
    current = latest_job(campaign, unit.code, fmt, definition.code)
    if current is not None and current.is_active(now):
        return current, False
    check_room(getattr(actor, "id", None), now)
    # only the latest archive per unit and format is ever served: older ones (finished, failed or dead) go,
    # so the table holds at most one file per unit, format and layout
    db.session.execute(sa.delete(ExportJob).where(
        ExportJob.campaign_id == campaign.id, ExportJob.unit_code == unit.code, ExportJob.format == fmt,
        ExportJob.form_code == definition.code))
    municipality = unit if isinstance(unit, Municipality) else None
    members = sources.members_of(campaign, municipality)
    job = ExportJob(campaign_id=campaign.id, unit_level=unit.level, unit_code=unit.code, format=fmt,
                    form_code=definition.code, total=len(members) + 1, requested_by_id=getattr(actor, "id", None),
                    created_at=now, heartbeat_at=now)
    db.session.add(job)
    db.session.flush()
    log_action(actor, "export.archive_requested", "export_job", job.id,
               after={"unit": unit.code, "format": fmt, "form": definition.code, "forms": job.total})
    return job, True


def enqueue(job_id: int) -> None:
    """The scheduler process builds the queued archive (tests: the request, once committed)."""
    background_jobs.enqueue(build_archive, job_id)


def build_archive(job_id: int) -> None:
    """Build a queued job's ZIP: the consolidated form, every organization's form and a manifest. Commits."""
    job = start(ExportJob, job_id)
    if job is None:
        return
    try:
        _build(job)
    except Exception as exc:  # the person waiting must see a failure, whatever it was
        logger.exception("Export job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ExportJob, job_id)
        job.status, job.finished_at = ExportJobStatus.failed, now_utc()
        job.error = getattr(exc, "message", None) or "Не удалось сформировать архив: внутренняя ошибка."
        db.session.commit()


def _build(job: ExportJob) -> None:
    campaign = db.session.get(Campaign, job.campaign_id)
    definition = get_form(job.form_code)
    fmt = FORM_FORMATS[job.format]
    model = Region if job.unit_level is Level.region else Municipality
    unit = db.session.scalar(sa.select(model).where(model.code == job.unit_code))
    members = sources.members_of(campaign, unit if isinstance(unit, Municipality) else None)
    forms = [fill_form(definition, sources.consolidated_values(campaign, unit), campaign.year)]
    values = sources.organization_values(campaign, members)
    forms += [fill_form(definition, values[org.id], campaign.year) for org, _ in members]
    job_id, year, unit_code = job.id, campaign.year, unit.code
    job.total = len(forms)
    buffer = io.BytesIO()
    manifest, used = [], {"manifest.csv"}
    with FixedDateZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, form in enumerate(forms, 1):
            name = export_store.entry("00_свод_" if form.consolidated else "", form.unit.name, fmt.extension, used,
                                 code=form.unit.code)
            archive.writestr(name, fmt.render(form))
            manifest.append((name, form))
            if number % PROGRESS_EVERY == 0:
                commit_progress(ExportJob, job_id, number)
        archive.writestr("manifest.csv", _manifest(manifest))
    data = buffer.getvalue()
    job = db.session.get(ExportJob, job_id)
    job.content, job.size, job.sha256 = data, len(data), hashlib.sha256(data).hexdigest()
    job.file_name = f"{definition.code}_{unit_code}_{year}_{fmt.extension}.zip"
    job.done, job.status, job.finished_at = len(forms), ExportJobStatus.done, now_utc()
    job.heartbeat_at = job.finished_at
    db.session.commit()
    logger.info("Export job %s built: %s forms, %s bytes", job_id, len(forms), len(data))


def _manifest(entries) -> bytes:
    """A table of contents in CSV for Russian Excel: file, unit, data basis, control failures, checksum."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("Файл", "Код подразделения", "Наименование", "Источник данных", "Предварительные данные",
                     "Нарушено контрольных соотношений", "SHA-256 значений"))
    for name, form in entries:
        writer.writerow([cell(v) for v in (
            name, form.unit.code, form.unit.name, form.basis.description, "да" if form.basis.preliminary else "нет",
            len(form.failures), form.checksum)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
