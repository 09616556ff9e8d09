"""Best practices: the organization writes and proposes; its municipality or the region approves or returns."""
import logging
from datetime import datetime

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring.models import Practice
from registry.mentoring.vocab import PRACTICE_STATUS_LABELS, PracticeStatus

logger = logging.getLogger(__name__)
EDITABLE = (PracticeStatus.draft, PracticeStatus.returned)
FIELDS = ("title", "form", "role_model", "description", "results")


def create_practice(org: Organization, data: dict, *, actor: User | None) -> Practice:
    practice = Practice(organization_id=org.id, **{k: data[k] for k in FIELDS})
    db.session.add(practice)
    db.session.flush()
    log_action(actor, "practice.created", "practice", practice.id, comment=org.code)
    return practice


def update_practice(practice: Practice, data: dict, *, actor: User | None) -> None:
    if practice.status not in EDITABLE:
        raise InvalidTransition(f"Практику в состоянии «{PRACTICE_STATUS_LABELS[practice.status]}» изменить нельзя.")
    for name in FIELDS:
        setattr(practice, name, data[name])
    db.session.flush()
    log_action(actor, "practice.updated", "practice", practice.id)


def _move(practice: Practice, allowed: tuple, new: PracticeStatus, action: str, actor, comment: str = "") -> None:
    if practice.status not in allowed:
        raise InvalidTransition(f"Практика в состоянии «{PRACTICE_STATUS_LABELS[practice.status]}»: "
                                f"это действие недоступно.")
    before = practice.status.value
    practice.status = new
    db.session.flush()
    log_action(actor, action, "practice", practice.id, before={"status": before}, after={"status": new.value},
               comment=comment or None)
    logger.info("%r %s by %r", practice, action, actor)


def propose(practice: Practice, *, actor: User | None, now: datetime | None = None) -> None:
    """Send the practice for approval (municipality, or region for direct organizations). Caller commits."""
    practice.proposed_at = now or now_utc()
    _move(practice, EDITABLE, PracticeStatus.proposed, "practice.proposed", actor)


def approve(practice: Practice, *, actor: User | None, now: datetime | None = None) -> None:
    """Publish the practice in the public registry. Caller commits."""
    now = now or now_utc()
    practice.reviewed_at, practice.reviewed_by_id, practice.published_at = now, getattr(actor, "id", None), now
    practice.review_comment = ""
    _move(practice, (PracticeStatus.proposed,), PracticeStatus.published, "practice.published", actor)


def return_practice(practice: Practice, comment: str, *, actor: User | None, now: datetime | None = None) -> None:
    """Send back for revision with a mandatory comment; a published practice is withdrawn this way too."""
    if not comment:
        raise ValidationFailed("Практика не возвращена.", {"comment": ["Напишите, что нужно исправить."]})
    practice.reviewed_at, practice.reviewed_by_id = now or now_utc(), getattr(actor, "id", None)
    practice.review_comment, practice.published_at = comment, None
    _move(practice, (PracticeStatus.proposed, PracticeStatus.published), PracticeStatus.returned,
          "practice.returned", actor, comment)
