"""Consents to processing (each person) and to publication (mentors only, naming fields). Callers commit.

152-ФЗ: processing needs consent (from the legal guardian for a minor); publishing needs a separate consent
that names the fields (art. 10.1). A withdrawal is one action, effective at once: it ends the consent and,
for processing, the publication too, and rewrites the public projection in the same transaction.
"""
import logging
from datetime import date, datetime

import sqlalchemy as sa

from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring import publication
from registry.mentoring.models import Consent, Mentee, Mentor
from registry.mentoring.vocab import PUBLIC_FIELDS, ConsentKind, GivenBy

logger = logging.getLogger(__name__)


def _subject_filter(person: Mentor | Mentee):
    return Consent.mentor_id == person.id if isinstance(person, Mentor) else Consent.mentee_id == person.id


def active(person: Mentor | Mentee, kind: ConsentKind) -> Consent | None:
    return db.session.scalar(sa.select(Consent).where(
        _subject_filter(person), Consent.kind == kind, Consent.withdrawn_at.is_(None)).order_by(Consent.id.desc()))


def history(person: Mentor | Mentee) -> list[Consent]:
    return list(db.session.scalars(sa.select(Consent).where(_subject_filter(person)).order_by(Consent.id.desc())))


def _errors(person: Mentor | Mentee, data: dict, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    kind, given_by = data["kind"], data["given_by"]
    if isinstance(person, Mentee) and kind is ConsentKind.publication:
        errors["kind"] = ["Сведения о наставляемых никогда не публикуются: согласие на публикацию не оформляется."]
    if person.is_minor(today) and given_by is not GivenBy.guardian:
        errors["given_by"] = ["Несовершеннолетний (или дата рождения не указана у обучающегося): согласие даёт "
                              "законный представитель."]
    if given_by is GivenBy.guardian and not data.get("guardian_name"):
        errors["guardian_name"] = ["Укажите ФИО законного представителя, подписавшего согласие."]
    if data["signed_on"] > today:
        errors["signed_on"] = ["Дата подписания не может быть в будущем."]
    if kind is ConsentKind.publication and not errors:
        fields = data.get("fields") or []
        if not fields:
            errors["fields"] = ["Отметьте хотя бы одно поле, которое можно публиковать."]
        elif set(fields) - set(PUBLIC_FIELDS):
            errors["fields"] = ["Неизвестное поле публикации."]
        if active(person, ConsentKind.processing) is None:
            errors.setdefault("kind", []).append(
                "Сначала внесите согласие на обработку персональных данных: без него публикация невозможна.")
    return errors


def give(person: Mentor | Mentee, data: dict, *, actor: User | None, now: datetime | None = None) -> Consent:
    """Record a signed consent; a previous active consent of the same kind is superseded. Caller commits."""
    now = now or now_utc()
    errors = _errors(person, data, now.date())
    if errors:
        raise ValidationFailed("Согласие не внесено: исправьте ошибки.", errors)
    previous = active(person, data["kind"])
    if previous is not None:
        previous.withdrawn_at, previous.withdrawn_by_id = now, getattr(actor, "id", None)
    fields = [f for f in PUBLIC_FIELDS if f in (data.get("fields") or [])] if data["kind"] is ConsentKind.publication \
        else []
    consent = Consent(kind=data["kind"], given_by=data["given_by"], guardian_name=data.get("guardian_name", ""),
                      signed_on=data["signed_on"], document=data.get("document", ""), fields=",".join(fields),
                      recorded_by_id=getattr(actor, "id", None), created_at=now)
    if isinstance(person, Mentor):
        consent.mentor_id = person.id
    else:
        consent.mentee_id = person.id
    db.session.add(consent)
    db.session.flush()
    if isinstance(person, Mentor):
        publication.refresh(person)
    log_action(actor, "consent.given", _target(person), person.id,
               after={"kind": consent.kind.value, "given_by": consent.given_by.value, "fields": fields,
                      "supersedes": previous.id if previous else None})
    return consent


def withdraw(consent: Consent, *, actor: User | None, now: datetime | None = None) -> list[Consent]:
    """Withdraw a consent (and, for processing, the publication consent with it). Caller commits."""
    if not consent.is_active:
        raise InvalidTransition("Это согласие уже отозвано.")
    now = now or now_utc()
    person = db.session.get(Mentor, consent.mentor_id) if consent.mentor_id else db.session.get(Mentee,
                                                                                                consent.mentee_id)
    ended = [consent]
    if consent.kind is ConsentKind.processing and isinstance(person, Mentor):
        publication_consent = active(person, ConsentKind.publication)
        if publication_consent is not None:
            ended.append(publication_consent)
    for item in ended:
        item.withdrawn_at, item.withdrawn_by_id = now, getattr(actor, "id", None)
    db.session.flush()
    if isinstance(person, Mentor):
        publication.refresh(person)
    log_action(actor, "consent.withdrawn", _target(person), person.id,
               after={"consents": [c.id for c in ended], "kinds": [c.kind.value for c in ended]})
    logger.info("consent %s of %r withdrawn by %r", consent.id, person, actor)
    return ended


def _target(person: Mentor | Mentee) -> str:
    return "mentor" if isinstance(person, Mentor) else "mentee"
