"""The scheduler job that recomputes mentors' public copies whose eligibility changed with the date alone.

A public copy depends on the mentor's age (registry.mentoring.publication): a guardian's consent to publication
given while the mentor was a minor ends at 18, and a mentor recorded as a minor with their own consents becomes
publishable at 18. A birthday changes nothing in the record, so no edit triggers `refresh`; this job does, once
a day in effect: it looks only at mentors with an active publication consent and a birth date, and rewrites those
whose copy no longer matches the rules for today (in the region's time). Re-running finds nothing more to change,
so no ledger is needed; a run that changed something leaves one audit entry with the mentors' ids (no names).
"""
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from hierarchy.models import Organization
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring import publication
from registry.mentoring.models import Consent, Mentor
from registry.mentoring.vocab import ConsentKind, GivenBy

logger = logging.getLogger(__name__)


def _candidates() -> list[Mentor]:
    """Public mentors resting on a guardian's publication consent, and hidden ones who might now be public."""
    active_publication = sa.select(Consent.mentor_id).where(
        Consent.kind == ConsentKind.publication, Consent.withdrawn_at.is_(None), Consent.mentor_id.is_not(None))
    by_guardian = active_publication.where(Consent.given_by == GivenBy.guardian)
    return list(db.session.scalars(
        sa.select(Mentor).options(joinedload(Mentor.organization).joinedload(Organization.region))
        .where(Mentor.birth_date.is_not(None), sa.or_(
            sa.and_(Mentor.is_public.is_(True), Mentor.id.in_(by_guardian)),
            sa.and_(Mentor.is_public.is_(False), Mentor.left_on.is_(None), Mentor.id.in_(active_publication))))
        .order_by(Mentor.id)))


def recompute_public_copies(now: datetime | None = None) -> int:
    """Rewrite the public copies that today's date changed; return how many changed."""
    now = now or now_utc()
    hidden, shown = [], []
    for mentor in _candidates():
        today = now.astimezone(ZoneInfo(mentor.organization.region.timezone)).date()
        was_public = mentor.is_public
        publication.refresh(mentor, today)
        if mentor.is_public != was_public:
            (shown if mentor.is_public else hidden).append(mentor.id)
    if not hidden and not shown:
        db.session.rollback()
        return 0
    log_action(None, "publication.recomputed_by_age", "public_registry", now.date().isoformat(),
               after={"hidden": hidden, "shown": shown})
    db.session.commit()
    logger.info("public copies recomputed by age: %s hidden, %s shown", len(hidden), len(shown))
    return len(hidden) + len(shown)
