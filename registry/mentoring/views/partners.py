"""Partner enterprises of one organization: agreements linking it to partners of the regional registry."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from registry.core.downloads import no_store
from registry.core.errors import DomainError, ValidationFailed
from registry.core.listing import paginate
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Mentor, Partner, PartnerAgreement
from registry.mentoring.schemas import AgreementSchema, PartnerKindSchema
from registry.mentoring.services import partners
from registry.mentoring.views._common import actor, done, parse, refused
from registry.mentoring.vocab import AGREEMENT_KIND_LABELS, PARTNER_KIND_LABELS, PARTNER_STATUS_LABELS

bp = Blueprint("partners", __name__, url_prefix="/records")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
PER_PAGE = 50
SORTS = {"name": (Partner.name, PartnerAgreement.id), "inn": (Partner.inn, PartnerAgreement.id),
         "kind": (PartnerAgreement.kind, Partner.name, PartnerAgreement.id),
         "signed": (PartnerAgreement.signed_on, Partner.name, PartnerAgreement.id),
         "provided": (PartnerAgreement.mentors_provided, Partner.name, PartnerAgreement.id)}


@bp.get("/<org_code>/partners")
@login_required
def partner_list(org_code: str):
    org = access.viewable_organization(current_user, org_code)
    listing = paginate(access.visible_agreements(org), SORTS, "name", PER_PAGE)
    mentors = dict(db.session.execute(sa.select(Mentor.partner_id, sa.func.count()).where(
        Mentor.organization_id == org.id, Mentor.partner_id.is_not(None)).group_by(Mentor.partner_id)).all())
    agreements = [a for a, in listing.rows]
    return render_template("mentoring/partner_list.html", org=org, agreements=agreements,
                           unknown=[a for a in agreements if a.partner.kind is None],
                           listing=listing, mentors=mentors,
                           can_edit=access.can_edit_records(current_user, org), kinds=AGREEMENT_KIND_LABELS,
                           partner_kinds=PARTNER_KIND_LABELS, partner_statuses=PARTNER_STATUS_LABELS,
                           values=request.args, errors={})


@bp.post("/<org_code>/partners/new")
@login_required
def agreement_add(org_code: str):
    """Add an agreement; the partner is found by ИНН in the region's registry or registered now."""
    org = access.editable_organization(current_user, org_code)
    data, errors = parse(AgreementSchema)
    try:
        if errors:
            raise ValidationFailed("Соглашение не сохранено.", errors)
        with db.session.begin_nested():  # a refusal undoes only this change
            partners.add_agreement(org, data, actor=actor())
    except DomainError as error:
        return refused(error, ".partner_list", org_code=org.code)
    return done("Соглашение с партнёром внесено.", ".partner_list", org_code=org.code)


@bp.post("/<org_code>/partners/<int:agreement_id>")
@login_required
def agreement_edit(org_code: str, agreement_id: int):
    org = access.editable_organization(current_user, org_code)
    agreement = access.agreement_of(org, agreement_id)
    data, errors = parse(AgreementSchema, {**request.form.to_dict(), "inn": agreement.partner.inn})
    try:
        if errors:
            raise ValidationFailed("Соглашение не сохранено.", errors)
        with db.session.begin_nested():  # a refusal undoes only this change
            partners.update_agreement(agreement, data, actor=actor())
    except DomainError as error:
        return refused(error, ".partner_list", org_code=org.code)
    return done("Соглашение изменено.", ".partner_list", org_code=org.code)


@bp.post("/<org_code>/partners/<int:agreement_id>/partner-kind")
@login_required
def partner_kind_set(org_code: str, agreement_id: int):
    """Answer the page's question: the kind of a partner registered before kinds were asked."""
    org = access.editable_organization(current_user, org_code)
    agreement = access.agreement_of(org, agreement_id)
    data, errors = parse(PartnerKindSchema)
    try:
        if errors:
            raise ValidationFailed("Вид партнёра не сохранён.", errors)
        with db.session.begin_nested():  # a refusal undoes only this change
            partners.set_unknown_kind(agreement.partner, data["partner_kind"], actor=actor())
    except DomainError as error:
        return refused(error, ".partner_list", org_code=org.code)
    return done("Вид партнёра указан.", ".partner_list", org_code=org.code)


@bp.post("/<org_code>/partners/<int:agreement_id>/delete")
@login_required
def agreement_delete(org_code: str, agreement_id: int):
    org = access.editable_organization(current_user, org_code)
    partners.remove_agreement(access.agreement_of(org, agreement_id), actor=actor())
    return done("Соглашение удалено.", ".partner_list", org_code=org.code)
