"""Export jobs (a ZIP of every organization's form, built with progress) and the stored federal form sets."""
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from hierarchy.models import Level
from registry.core import job_limit
from registry.core.background_jobs import JobProgress, JobStatus
from registry.core.clock import now_utc
from registry.core.db import str_enum
from registry.extensions import db

ExportJobStatus = JobStatus

EXPORT_JOB_STATUS_LABELS = {
    ExportJobStatus.queued: "в очереди",
    ExportJobStatus.running: "формируется",
    ExportJobStatus.done: "готов",
    ExportJobStatus.failed: "ошибка",
}


@job_limit.counts_toward_limit
class ExportJob(JobProgress, db.Model):
    """One archive build; the file itself is kept in the row, so any web process can serve it."""

    __tablename__ = "export_jobs"
    __table_args__ = (sa.Index("ix_export_jobs_unit", "campaign_id", "unit_code", "format", "form_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    #: Level and code of the municipality or region whose organizations' forms go into the archive.
    unit_level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    unit_code: Mapped[str] = mapped_column(sa.String(32))
    #: File format of the forms inside the archive: pdf, xlsx, csv or xml.
    format: Mapped[str] = mapped_column(sa.String(8))
    #: Code of the form layout (exports/forms/<code>.json).
    form_code: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[ExportJobStatus] = mapped_column(str_enum(ExportJobStatus, "export_job_status"),
                                                    default=ExportJobStatus.queued)
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: The finished ZIP (deferred: listing jobs never loads it).
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    size: Mapped[int | None]
    #: SHA-256 (hex) of `content`.
    sha256: Mapped[str | None] = mapped_column(sa.String(64))

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.unit_code} {self.format} {self.status.value}>"


class FormSet(db.Model):
    """The federal forms built from one frozen snapshot: every unit it covers, in every format (PRODUCT.md §5)."""

    __tablename__ = "form_sets"
    __table_args__ = (sa.UniqueConstraint("snapshot_id", "form_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    #: The snapshot the forms are read from; its level, unit and version are copied for listing.
    snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id"))
    level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    unit_code: Mapped[str] = mapped_column(sa.String(32))
    version: Mapped[int]
    #: When the snapshot was frozen (the date a set is listed with).
    frozen_at: Mapped[datetime]
    #: Code of the form layout (exports/forms/<code>.json).
    form_code: Mapped[str] = mapped_column(sa.String(64))
    #: Files to build: units covered × formats.
    total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    #: Set when every file is stored; cleared again when a stored file turns out missing or damaged.
    completed_at: Mapped[datetime | None]
    #: Why the set could not be built at all (its snapshot could not be read), in Russian; None once it could.
    error: Mapped[str | None] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<FormSet {self.id} {self.level.value} {self.unit_code} v{self.version}>"


class StoredFormStatus(StrEnum):
    stored = "stored"
    failed = "failed"
    damaged = "damaged"


class StoredForm(db.Model):
    """One stored form file; the unique key (set = snapshot version, unit, format) makes a build resumable."""

    __tablename__ = "stored_forms"
    __table_args__ = (sa.UniqueConstraint("set_id", "unit_code", "format"),
                      sa.Index("ix_stored_forms_basis", "basis_snapshot_id", "unit_code", "format"))

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(sa.ForeignKey("form_sets.id"))
    unit_level: Mapped[Level] = mapped_column(str_enum(Level, "level"))
    unit_code: Mapped[str] = mapped_column(sa.String(32))
    #: The unit's name as printed in the file when it was built.
    unit_name: Mapped[str] = mapped_column(sa.String(500))
    #: pdf, xlsx, csv or xml.
    format: Mapped[str] = mapped_column(sa.String(8))
    #: The snapshot the values were read from (a regional set's municipal forms come from its municipal parts).
    basis_snapshot_id: Mapped[int] = mapped_column(sa.ForeignKey("snapshots.id"))
    status: Mapped[StoredFormStatus] = mapped_column(str_enum(StoredFormStatus, "stored_form_status"))
    #: Path under EXPORTS_DIR, with / separators.
    path: Mapped[str | None] = mapped_column(sa.String(500))
    size: Mapped[int | None]
    #: SHA-256 (hex) of the file's bytes; a file that no longer matches is rebuilt.
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: SHA-256 of the form's values (FilledForm.checksum), printed in the file's footer.
    values_checksum: Mapped[str | None] = mapped_column(sa.String(64))
    #: Why the file could not be built (or was found damaged), in Russian.
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    built_at: Mapped[datetime]

    form_set: Mapped[FormSet] = relationship()

    def __repr__(self) -> str:
        return f"<StoredForm {self.set_id} {self.unit_code} {self.format} {self.status.value}>"
