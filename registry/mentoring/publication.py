"""The public projection of a mentor: what the public registry may show, rewritten on every relevant change.

The public side reads only the projection columns of `mentors` (is_public, public_fields, search_text,
public_* filters), never the consents or the private columns, so one function decides what is public:
`refresh`. It runs in the same transaction as the change (a new consent, a withdrawal, an edit, an import, an
award), so a withdrawal is effective for the very next request, on every page, download and API answer.

Who may be public depends on age as well as on the consents (152-ФЗ art. 9 and 10.1):
- a minor (under 18 in the region's time; a student without a birth date counts as one) is public only on
  consents to processing *and* publication both signed by a legal guardian, whatever the edit that made them a
  minor (a new birth date or category never slips past the rule checked when a consent is recorded);
- a guardian's consent to publication given while the mentor was a minor ends with the representation, at 18:
  the adult decides about publishing their own data, so the public copy is hidden until they sign their own.
  Time alone makes this change, with no edit to the record: the scheduler job `public-copies`
  (scheduler/public_copies.py) recomputes those copies every day.
"""
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.models import Consent, Mentor
from registry.mentoring.models.people import age_on
from registry.mentoring.text import normalize
from registry.mentoring.vocab import (
    AWARD_LABELS,
    FORM_BITS,
    FORM_LABELS,
    MENTOR_CATEGORY_LABELS,
    PUBLIC_FIELDS,
    AwardTitle,
    ConsentKind,
    GivenBy,
    forms_of,
)

#: Sorts after every Cyrillic and Latin name on any collation: nameless entries come last.
NAMELESS_SORT = "яяя"


def active_consent(mentor_id: int, kind: ConsentKind) -> Consent | None:
    return db.session.scalar(sa.select(Consent).where(
        Consent.mentor_id == mentor_id, Consent.kind == kind, Consent.withdrawn_at.is_(None),
    ).order_by(Consent.id.desc()).limit(1))


def award_label(award) -> str:
    return award.other_title if award.title is AwardTitle.other else AWARD_LABELS[award.title]


def public_values(mentor: Mentor, fields: list[str]) -> dict:
    """The consented fields' values, display-ready; nothing else of the record."""
    org = mentor.organization
    values = {
        "full_name": mentor.full_name,
        "position": mentor.position,
        "organization": org.name,
        "municipality": org.location.name,
        "category": MENTOR_CATEGORY_LABELS[mentor.category],
        "forms": [FORM_LABELS[f] for f in forms_of(mentor.forms)],
        "competences": mentor.competences,
        "achievements": mentor.achievements,
        "awards": [f"{award_label(a)} ({a.year})" for a in mentor.awards],
    }
    shown = {k: v for k, v in values.items() if k in fields}
    if "organization" in fields:
        shown["municipality"] = values["municipality"]
    return shown


def local_today(mentor: Mentor) -> date:
    """Today in the region of the mentor's organization: a birthday passes at local midnight."""
    return now_utc().astimezone(ZoneInfo(mentor.organization.region.timezone)).date()


def consents_allow(mentor: Mentor, processing: Consent | None, publication: Consent | None, today: date) -> bool:
    """Whether these consents let the mentor be public today (the age rules of the module's docstring)."""
    if processing is None or publication is None:
        return False
    if mentor.is_minor(today):
        return processing.given_by is GivenBy.guardian and publication.given_by is GivenBy.guardian
    signed_as_minor = publication.given_by is GivenBy.guardian and mentor.birth_date is not None and \
        age_on(mentor.birth_date, publication.signed_on) < 18
    return not signed_as_minor


def refresh(mentor: Mentor, today: date | None = None) -> None:
    """Recompute the mentor's public projection from the active consents and the mentor's age. Caller commits."""
    db.session.flush()
    today = today or local_today(mentor)
    processing = active_consent(mentor.id, ConsentKind.processing)
    publication = active_consent(mentor.id, ConsentKind.publication)
    fields = [f for f in PUBLIC_FIELDS if publication is not None and f in publication.field_list]
    if not consents_allow(mentor, processing, publication, today) or mentor.left_on is not None or not fields:
        _hide(mentor)
        return
    shown = public_values(mentor, fields)
    words = []
    for key in PUBLIC_FIELDS:
        value = shown.get(key)
        if key == "organization" and value:
            value = f"{value} {shown['municipality']}"
        if isinstance(value, list):
            value = " ".join(value)
        if value:
            words.append(value)
    org = mentor.organization
    mentor.is_public = True
    mentor.public_fields = ",".join(fields)
    mentor.search_text = normalize(" ".join(words))
    mentor.sort_name = normalize(mentor.full_name)[:300] if "full_name" in fields else NAMELESS_SORT
    mentor.public_organization_id = org.id if "organization" in fields else None
    mentor.public_municipality_id = org.location_municipality_id if "organization" in fields else None
    mentor.public_category = mentor.category.value if "category" in fields else None
    mentor.public_forms = mentor.forms & sum(FORM_BITS.values()) if "forms" in fields else 0
    db.session.flush()


def refresh_of_units(organization_ids: list[int], municipality_ids: list[int]) -> int:
    """Recompute the public copies of the published mentors of these organizations and of the organizations located
    in these municipalities (after a rename or a move); how many. Caller commits."""
    if not organization_ids and not municipality_ids:
        return 0
    located = sa.select(Organization.id).where(Organization.location_municipality_id.in_(municipality_ids))
    ids = db.session.scalars(sa.select(Mentor.id).where(Mentor.is_public.is_(True), sa.or_(
        Mentor.organization_id.in_(organization_ids), Mentor.organization_id.in_(located)))).all()
    for mentor_id in ids:
        refresh(db.session.get(Mentor, mentor_id))
    return len(ids)


def _hide(mentor: Mentor) -> None:
    mentor.is_public = False
    mentor.public_fields = ""
    mentor.search_text = None
    mentor.sort_name = ""
    mentor.public_organization_id = None
    mentor.public_municipality_id = None
    mentor.public_category = None
    mentor.public_forms = 0
    db.session.flush()
