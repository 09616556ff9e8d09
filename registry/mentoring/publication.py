"""The public projection of a mentor: what the public registry may show, rewritten on every relevant change.

The public side reads only the projection columns of `mentors` (is_public, public_fields, search_text,
public_* filters), never the consents or the private columns, so one function decides what is public:
`refresh`. It runs in the same transaction as the change (a new consent, a withdrawal, an edit, an award),
so a withdrawal is effective for the very next request, on every page, download and API answer.
"""
import sqlalchemy as sa

from registry.extensions import db
from registry.mentoring.models import Consent, Mentor
from registry.mentoring.text import normalize
from registry.mentoring.vocab import (
    AWARD_LABELS,
    FORM_BITS,
    FORM_LABELS,
    MENTOR_CATEGORY_LABELS,
    PUBLIC_FIELDS,
    AwardTitle,
    ConsentKind,
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


def refresh(mentor: Mentor) -> None:
    """Recompute the mentor's public projection from the active consents. Caller commits."""
    db.session.flush()
    processing = active_consent(mentor.id, ConsentKind.processing)
    publication = active_consent(mentor.id, ConsentKind.publication)
    fields = [f for f in PUBLIC_FIELDS if publication is not None and f in publication.field_list]
    if processing is None or publication is None or mentor.left_on is not None or not fields:
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
