"""An import of a hierarchy or records file, run as a background job; the uploaded file is kept in the row."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from registry.core import job_limit
from registry.core.background_jobs import JobProgress, JobStatus
from registry.core.db import str_enum
from registry.core.tabular import RowError
from registry.extensions import db

IMPORT_JOB_STATUS_LABELS = {
    JobStatus.queued: "в очереди",
    JobStatus.running: "выполняется",
    JobStatus.done: "загружено",
    JobStatus.failed: "не загружено",
}
#: What a job imports: the hierarchy, or one kind of an organization's records.
IMPORT_KIND_LABELS = {"hierarchy": "Иерархия подразделений", "mentors": "Наставники", "mentees": "Наставляемые",
                      "pairs": "Пары и группы"}


@job_limit.counts_toward_limit
class ImportJob(JobProgress, db.Model):
    """One file import: all or nothing, its per-row errors or its counts kept for the status page."""

    __tablename__ = "import_jobs"
    __table_args__ = (sa.Index("ix_import_jobs_user", "requested_by_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: hierarchy, mentors, mentees or pairs (IMPORT_KIND_LABELS).
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: The organization whose records are imported (None for the hierarchy).
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    file_name: Mapped[str] = mapped_column(sa.String(255))
    #: A records preview: the file is only checked (nothing written) and waits on disk under this token for
    #: the confirmation, which starts a second job.
    preview_token: Mapped[str | None] = mapped_column(sa.String(32))
    #: The uploaded file (deferred: listing jobs never loads it); emptied when the job ends.
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    status: Mapped[JobStatus] = mapped_column(str_enum(JobStatus, "import_job_status"), default=JobStatus.queued)
    #: Counts of the finished import (per kind of change), as the page shows them.
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    #: Every error that refused the file: [{"line", "column", "message"}], nothing having been changed.
    errors: Mapped[list | None] = mapped_column(sa.JSON)

    @property
    def row_errors(self) -> list[RowError]:
        return [RowError(e["line"], e["column"], e["message"]) for e in self.errors or []]

    @property
    def is_preview(self) -> bool:
        return self.preview_token is not None

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.kind} {self.status.value}>"
