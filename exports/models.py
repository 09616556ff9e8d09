"""Export jobs: a ZIP of every organization's form for a municipality or the region, built with progress."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from hierarchy.models import Level
from registry.core.clock import now_utc
from registry.core.db import str_enum
from registry.core.jobs import JobProgress, JobStatus
from registry.extensions import db

ExportJobStatus = JobStatus

EXPORT_JOB_STATUS_LABELS = {
    ExportJobStatus.queued: "в очереди",
    ExportJobStatus.running: "формируется",
    ExportJobStatus.done: "готов",
    ExportJobStatus.failed: "ошибка",
}


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
    #: Progress: forms built so far out of the forms to build.
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    #: Why the build failed, in Russian, for the person who asked for it.
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    #: Last sign of life of the builder; a stale running job is shown as interrupted.
    heartbeat_at: Mapped[datetime | None]
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: The finished ZIP (deferred: listing jobs never loads it).
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    size: Mapped[int | None]
    #: SHA-256 (hex) of `content`.
    sha256: Mapped[str | None] = mapped_column(sa.String(64))

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.unit_code} {self.format} {self.status.value}>"
