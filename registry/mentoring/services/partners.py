"""Partner enterprises: one registry entry per ИНН in a region, linked to organizations by agreements."""
import logging

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.extensions import db
from registry.mentoring.models import Mentor, Partner, PartnerAgreement
from registry.mentoring.services import partner_review
from registry.mentoring.vocab import PartnerStatus

logger = logging.getLogger(__name__)
AGREEMENT_FIELDS = ("kind", "number", "signed_on", "valid_until", "mentors_provided")


def partner_by_inn(region_id: int, inn: str) -> Partner | None:
    return db.session.scalar(sa.select(Partner).where(Partner.region_id == region_id, Partner.inn == inn))


def _check_dates(data: dict) -> None:
    if data.get("signed_on") and data.get("valid_until") and data["valid_until"] < data["signed_on"]:
        raise ValidationFailed("Соглашение не сохранено.", {"valid_until": ["Срок действия раньше даты подписания."]})


def add_agreement(org: Organization, data: dict, *, actor: User | None) -> PartnerAgreement:
    """Link a partner (found by ИНН in the region, or registered now, waiting for review) to the organization; a
    different spelling of an existing partner's name is proposed to the reviewer. Caller commits."""
    _check_dates(data)
    partner = partner_by_inn(org.region_id, data["inn"])
    if partner is None:
        errors = {}
        if not data.get("name"):
            errors["name"] = ["Партнёра с таким ИНН ещё нет в реестре: укажите наименование."]
        if data.get("partner_kind") is None:
            errors["partner_kind"] = ["Партнёра с таким ИНН ещё нет в реестре: укажите его вид."]
        if errors:
            raise ValidationFailed("Соглашение не сохранено.", errors)
        # not public yet: its organization's reviewer publishes it (partner_review)
        partner = Partner(region_id=org.region_id, inn=data["inn"], name=" ".join(data["name"].split()),
                          kind=data["partner_kind"], status=PartnerStatus.proposed, proposed_at=now_utc())
        db.session.add(partner)
        db.session.flush()
        log_action(actor, "partner.registered", "partner", partner.inn, after={"name": partner.name,
                                                                              "status": partner.status.value})
    else:
        # another spelling is a proposal for the reviewer, never a silent rename for every organization
        partner_review.propose_name(partner, data.get("name") or "", org, actor=actor)
    agreement = PartnerAgreement(partner=partner, organization_id=org.id,
                                 **{k: data.get(k) for k in AGREEMENT_FIELDS})
    agreement.number = agreement.number or ""
    agreement.mentors_provided = agreement.mentors_provided or 0
    db.session.add(agreement)
    db.session.flush()
    log_action(actor, "partner.agreement_added", "partner", partner.inn,
               after={"organization": org.code, "kind": agreement.kind.value,
                      "mentors_provided": agreement.mentors_provided})
    return agreement


def set_unknown_kind(partner: Partner, kind, *, actor: User | None) -> None:
    """Give a partner of unknown kind its kind (PRODUCT.md §8: asked, never guessed). Caller commits.

    Only an unknown kind is set here: the kind of a registered partner is shared by every organization working
    with it, so one organization does not overwrite it.
    """
    if partner.kind is not None:
        raise ValidationFailed("Вид партнёра уже указан.", {"partner_kind": [
            "Вид этого партнёра уже указан в реестре региона; изменить его может региональный оператор."]})
    partner.kind = kind
    db.session.flush()
    log_action(actor, "partner.kind_set", "partner", partner.inn, before={"kind": None}, after={"kind": kind.value})


def update_agreement(agreement: PartnerAgreement, data: dict, *, actor: User | None) -> None:
    _check_dates(data)
    before = {k: str(getattr(agreement, k)) for k in AGREEMENT_FIELDS}
    for name in AGREEMENT_FIELDS:
        setattr(agreement, name, data.get(name) if data.get(name) is not None else getattr(agreement, name))
    db.session.flush()
    log_action(actor, "partner.agreement_updated", "partner", agreement.partner.inn, before=before,
               after={k: str(getattr(agreement, k)) for k in AGREEMENT_FIELDS})


def remove_agreement(agreement: PartnerAgreement, *, actor: User | None) -> None:
    """End the link; the organization's mentors from this partner lose the partner mark. Caller commits."""
    partner, org_id = agreement.partner, agreement.organization_id
    db.session.delete(agreement)
    db.session.flush()
    still_linked = db.session.scalar(sa.select(PartnerAgreement.id).where(
        PartnerAgreement.partner_id == partner.id, PartnerAgreement.organization_id == org_id).limit(1))
    if still_linked is None:
        db.session.execute(sa.update(Mentor).where(Mentor.organization_id == org_id, Mentor.partner_id == partner.id)
                           .values(partner_id=None))
    log_action(actor, "partner.agreement_removed", "partner", partner.inn, before={"organization_id": org_id})
