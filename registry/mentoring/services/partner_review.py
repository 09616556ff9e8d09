"""Partners reach the public registry only after review, as practices do; a name changes only when accepted.

A partner is one entry per ИНН in the region, shared by every organization that works with it. The curator who
registers it gives its first name and kind; the entry waits (`proposed`) until a reviewer (the municipality of an
organization working with it, or the region) publishes it or returns it with a comment. Another curator who spells
the name differently does not rename it for everyone: the spelling is recorded as a proposal, and the reviewer
accepts or rejects it. A returned partner comes back to the queue when a curator proposes a name for it.
An individual's ИНН (12 digits) is never published, even for a published partner (Partner.public_inn).
"""
import logging
from datetime import datetime

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring.models import Partner
from registry.mentoring.vocab import PARTNER_STATUS_LABELS, PartnerStatus

logger = logging.getLogger(__name__)


def same_name(a: str, b: str) -> bool:
    """Spellings differing only in case or spacing are the same name."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def propose_name(partner: Partner, name: str, org: Organization, *, actor: User | None,
                 now: datetime | None = None) -> bool:
    """Record `org`'s spelling of the partner's name for the reviewer, unless it is the current name or the pending
    proposal; whether a proposal was recorded. Caller commits."""
    name = " ".join((name or "").split())
    if not name or same_name(name, partner.name) or (partner.proposed_name and same_name(name, partner.proposed_name)):
        return False
    before = partner.proposed_name
    partner.proposed_name, partner.proposed_name_by_id, partner.proposed_at = name, org.id, now or now_utc()
    if partner.status is PartnerStatus.returned:
        partner.status = PartnerStatus.proposed
    db.session.flush()
    log_action(actor, "partner.name_proposed", "partner", partner.inn,
               before={"proposed_name": before} if before else None,
               after={"name": partner.name, "proposed_name": name, "organization": org.code})
    return True


def _move(partner: Partner, allowed: tuple, new: PartnerStatus, action: str, actor, comment: str = "") -> None:
    if partner.status not in allowed:
        raise InvalidTransition(f"Партнёр в состоянии «{PARTNER_STATUS_LABELS[partner.status]}»: "
                                "это действие недоступно.")
    before = partner.status.value
    partner.status = new
    db.session.flush()
    log_action(actor, action, "partner", partner.inn, before={"status": before}, after={"status": new.value},
               comment=comment or None)
    logger.info("partner %s %s by %r", partner.id, action, actor)


def publish(partner: Partner, *, actor: User | None, now: datetime | None = None) -> None:
    """Show the partner in the public registry under its current name. Caller commits."""
    now = now or now_utc()
    partner.reviewed_at, partner.reviewed_by_id, partner.published_at = now, getattr(actor, "id", None), now
    partner.review_comment = ""
    _move(partner, (PartnerStatus.proposed, PartnerStatus.returned), PartnerStatus.published, "partner.published",
          actor)


def return_partner(partner: Partner, comment: str, *, actor: User | None, now: datetime | None = None) -> None:
    """Keep (or take) the partner out of the public registry, with a mandatory comment for its curators."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed("Партнёр не возвращён.", {"comment": ["Напишите, что не так с записью партнёра."]})
    partner.reviewed_at, partner.reviewed_by_id = now or now_utc(), getattr(actor, "id", None)
    partner.review_comment, partner.published_at = comment, None
    _move(partner, (PartnerStatus.proposed, PartnerStatus.published), PartnerStatus.returned, "partner.returned",
          actor, comment)


def _pending(partner: Partner) -> str:
    if not partner.proposed_name:
        raise InvalidTransition("Для этого партнёра нет предложенного наименования.")
    return partner.proposed_name


def accept_name(partner: Partner, *, actor: User | None) -> None:
    """Rename the partner as proposed (for every organization and the public registry). Caller commits."""
    proposed, before = _pending(partner), partner.name
    partner.name, partner.proposed_name, partner.proposed_name_by_id = proposed, "", None
    db.session.flush()
    log_action(actor, "partner.renamed", "partner", partner.inn, before={"name": before}, after={"name": proposed})


def reject_name(partner: Partner, *, actor: User | None) -> None:
    """Drop the proposed spelling; the name stays. Caller commits."""
    proposed = _pending(partner)
    partner.proposed_name, partner.proposed_name_by_id = "", None
    db.session.flush()
    log_action(actor, "partner.name_rejected", "partner", partner.inn, before={"proposed_name": proposed},
               after={"name": partner.name})
