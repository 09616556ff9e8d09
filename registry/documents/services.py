"""Uploading document versions and deciding on roadmaps: validate → store → flush → audit; the request commits."""
import hashlib
from datetime import date

import sqlalchemy as sa
from flask import current_app

from hierarchy.models import Organization
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.documents import filecheck, storage
from registry.documents.models import DocumentVersion
from registry.documents.vocab import DocumentKind, ReviewStatus
from registry.extensions import db

#: Upload limit when DOCUMENT_MAX_BYTES is not configured.
DEFAULT_MAX_BYTES = 8 * 1024 * 1024


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def current_versions(org: Organization) -> dict[DocumentKind, DocumentVersion]:
    """The latest version of each document slot the organization has filled."""
    rows = db.session.scalars(sa.select(DocumentVersion).where(DocumentVersion.organization_id == org.id)
                              .order_by(DocumentVersion.kind, DocumentVersion.version))
    return {row.kind: row for row in rows}


def history(org: Organization) -> dict[DocumentKind, list[DocumentVersion]]:
    found: dict[DocumentKind, list[DocumentVersion]] = {}
    for row in db.session.scalars(sa.select(DocumentVersion).where(DocumentVersion.organization_id == org.id)
                                  .order_by(DocumentVersion.version.desc())):
        found.setdefault(row.kind, []).append(row)
    return found


def upload(org: Organization, kind: DocumentKind, *, number: str, signed_on: date | None, filename: str,
           data: bytes, actor) -> DocumentVersion:
    """Check the fields and the file, store the file, add the version; a roadmap goes to its reviewer."""
    errors = {}
    if not number.strip():
        errors["number"] = ["Укажите номер документа."]
    if signed_on is None:
        errors["signed_on"] = ["Укажите дату документа (ГГГГ-ММ-ДД)."]
    elif signed_on > now_utc().date():
        errors["signed_on"] = ["Дата документа не может быть в будущем."]
    if errors:
        raise ValidationFailed("Документ не загружен.", errors)
    checked = filecheck.check(data, filename, max_bytes())
    latest = db.session.scalar(sa.select(sa.func.max(DocumentVersion.version)).where(
        DocumentVersion.organization_id == org.id, DocumentVersion.kind == kind)) or 0
    stored = storage.save(org.id, kind.value, latest + 1, checked.extension, data)
    row = DocumentVersion(
        organization_id=org.id, kind=kind, version=latest + 1, number=number.strip()[:100], signed_on=signed_on,
        filename=(filename or "document")[-255:], media_type=checked.media_type, size=len(data),
        sha256=_digest(data), stored_path=stored, uploaded_by_id=getattr(actor, "id", None), uploaded_at=now_utc(),
        review_status=ReviewStatus.submitted if kind is DocumentKind.roadmap else None)
    db.session.add(row)
    try:
        db.session.flush()
    except Exception:
        storage.remove(stored)
        raise
    log_action(actor, "document.uploaded", "document", f"{org.code}:{kind.value}:v{row.version}",
               after={"number": row.number, "signed_on": signed_on.isoformat(), "filename": row.filename,
                      "size": row.size, "sha256": row.sha256})
    return row


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def approve_roadmap(row: DocumentVersion, *, actor) -> None:
    _decide(row, ReviewStatus.approved, "", actor)


def return_roadmap(row: DocumentVersion, *, comment: str, actor) -> None:
    if not comment.strip():
        raise ValidationFailed("Дорожная карта не возвращена.",
                               {"comment": ["Напишите, что нужно исправить: без комментария возврат невозможен."]})
    _decide(row, ReviewStatus.returned, comment.strip(), actor)


def _decide(row: DocumentVersion, status: ReviewStatus, comment: str, actor) -> None:
    before = row.review_status.value if row.review_status else None
    row.decide(status)
    row.review_comment, row.reviewed_by_id, row.reviewed_at = comment, getattr(actor, "id", None), now_utc()
    db.session.flush()
    log_action(actor, f"roadmap.{status.value}", "document",
               f"{row.organization.code}:{row.kind.value}:v{row.version}", before={"status": before},
               after={"status": status.value}, comment=comment or None)


def missing_by_organization(orgs: list[Organization]) -> dict[int, dict[DocumentKind, DocumentVersion | None]]:
    """Per organization: each kind → its current version, or None where the document is missing."""
    ids = [org.id for org in orgs]
    found: dict[int, dict[DocumentKind, DocumentVersion | None]] = {i: dict.fromkeys(DocumentKind) for i in ids}
    if ids:
        for row in db.session.scalars(sa.select(DocumentVersion).where(DocumentVersion.organization_id.in_(ids))
                                      .order_by(DocumentVersion.version)):
            found[row.organization_id][row.kind] = row
    return found


def summary_of(unit) -> tuple[list[Organization], dict, int, dict[DocumentKind, int]]:
    """For a municipality or region: its organizations, their current documents, how many lack any, and per kind."""
    from registry.documents.access import visible_organizations

    orgs = list(db.session.scalars(visible_organizations(None, unit)))
    found = missing_by_organization(orgs)
    incomplete = sum(1 for org in orgs if any(v is None for v in found[org.id].values()))
    lacking = {kind: sum(1 for org in orgs if found[org.id][kind] is None) for kind in DocumentKind}
    return orgs, found, incomplete, lacking


def complete_count(orgs: sa.Select) -> int:
    """How many of these organizations hold a version of every kind of document (counted in SQL, none loaded)."""
    ids = orgs.with_only_columns(Organization.id).order_by(None)
    complete = (sa.select(DocumentVersion.organization_id).where(DocumentVersion.organization_id.in_(ids))
                .group_by(DocumentVersion.organization_id)
                .having(sa.func.count(sa.distinct(DocumentVersion.kind)) == len(DocumentKind)))
    return db.session.scalar(sa.select(sa.func.count()).select_from(complete.subquery()))
