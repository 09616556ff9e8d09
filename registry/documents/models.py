"""One row per uploaded version of an organization's document; the file itself lives on disk (documents.storage)."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Organization
from registry.core.clock import now_utc
from registry.core.db import str_enum
from registry.core.errors import InvalidTransition
from registry.documents.vocab import DocumentKind, ReviewStatus
from registry.extensions import db


class DocumentVersion(db.Model):
    """A version of one document slot (organization, kind); the highest version is the current document."""

    __tablename__ = "document_versions"
    __table_args__ = (sa.UniqueConstraint("organization_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"))
    version: Mapped[int]
    #: The document's own registration number and date («№ 45-о от 01.09.2025»).
    number: Mapped[str] = mapped_column(sa.String(100))
    signed_on: Mapped[date]
    #: The name the user uploaded (shown and offered on download), its checked media type, size and digest.
    filename: Mapped[str] = mapped_column(sa.String(255))
    media_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Path under the documents directory; the bytes are never in the database.
    stored_path: Mapped[str] = mapped_column(sa.String(300))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=now_utc)
    #: Roadmaps only: the municipality's (or, for region-subordinate organizations, the region's) decision.
    review_status: Mapped[ReviewStatus | None] = mapped_column(str_enum(ReviewStatus, "document_review_status"))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship()

    def decide(self, status: ReviewStatus) -> None:
        if self.review_status is not ReviewStatus.submitted:
            raise InvalidTransition("Решение уже принято: согласовать можно только дорожную карту на согласовании.")
        self.review_status = status

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.organization_id} {self.kind} v{self.version}>"
