"""Partners waiting for the reviewer (municipality or region): publish, return, accept or reject a new name."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from hierarchy.models import Organization, Region
from registry.core.downloads import no_store
from registry.core.errors import DomainError, ValidationFailed
from registry.core.listing import paginate
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Partner, PartnerAgreement
from registry.mentoring.schemas import ReviewSchema
from registry.mentoring.services import partner_review
from registry.mentoring.views._common import actor, done, parse, refused
from registry.mentoring.vocab import PARTNER_KIND_LABELS, PARTNER_STATUS_LABELS, PartnerStatus

bp = Blueprint("partner_review", __name__, url_prefix="/records")
bp.after_request(no_store)  # an entrepreneur's name and personal ИНН: never kept by a cache
PER_PAGE = 50
#: ?show= narrows the queue: what waits for a decision (the default), a proposed name, or one status.
SHOWN = {"waiting": "ждут решения", "names": "предложено другое наименование",
         **{s.value: PARTNER_STATUS_LABELS[s] for s in PartnerStatus}}
#: "status" puts what waits first (proposed sorts before published and returned), the oldest first within it.
SORTS = {"status": (Partner.status, Partner.proposed_at, Partner.id), "proposed": (Partner.proposed_at, Partner.id),
         "name": (Partner.name, Partner.id), "inn": (Partner.inn, Partner.id)}


def _narrowed(query: sa.Select, show: str) -> sa.Select:
    if show == "names":
        return query.where(Partner.proposed_name != "")
    if show in PartnerStatus.__members__:
        return query.where(Partner.status == PartnerStatus(show))
    return query.where(sa.or_(Partner.status == PartnerStatus.proposed, Partner.proposed_name != ""))


@bp.get("/partners/review")
@login_required
def review_list():
    """Partners in the reviewer's scope, with the organizations working with them; ?show= narrows."""
    require(access.can_review_practices(current_user))
    show = request.args.get("show", "waiting")
    show = show if show in SHOWN else "waiting"
    query = _narrowed(access.visible_partner_reviews(current_user), show).add_columns(Region.name).join(
        Region, Region.id == Partner.region_id)
    listing = paginate(query, SORTS, "status", PER_PAGE)
    ids = [partner.id for partner, _ in listing.rows]
    organizations: dict[int, list[str]] = {}
    for partner_id, name in db.session.execute(
            sa.select(PartnerAgreement.partner_id, Organization.name)
            .join(Organization, Organization.id == PartnerAgreement.organization_id)
            .where(PartnerAgreement.partner_id.in_(ids)).distinct().order_by(Organization.name)) if ids else []:
        organizations.setdefault(partner_id, []).append(name)
    return render_template("mentoring/partner_review.html", records=listing.rows, listing=listing, show=show,
                           shown=SHOWN, organizations=organizations, statuses=PARTNER_STATUS_LABELS,
                           kinds=PARTNER_KIND_LABELS)


def _act(partner_id: int, action, message: str):
    partner = access.reviewable_partner(current_user, partner_id)
    try:
        with db.session.begin_nested():  # a refusal undoes only this change
            action(partner)
    except DomainError as error:
        return refused(error, ".review_list")
    return done(message, ".review_list")


@bp.post("/partners/<int:partner_id>/publish")
@login_required
def partner_publish(partner_id: int):
    return _act(partner_id, lambda p: partner_review.publish(p, actor=actor()),
                "Партнёр опубликован в открытом реестре.")


@bp.post("/partners/<int:partner_id>/return")
@login_required
def partner_return(partner_id: int):
    data, errors = parse(ReviewSchema)

    def _return(partner):
        if errors:
            raise ValidationFailed("Партнёр не возвращён.", errors)
        partner_review.return_partner(partner, data["comment"], actor=actor())
    return _act(partner_id, _return, "Партнёр не публикуется; кураторы увидят комментарий.")


@bp.post("/partners/<int:partner_id>/name/accept")
@login_required
def name_accept(partner_id: int):
    return _act(partner_id, lambda p: partner_review.accept_name(p, actor=actor()),
                "Наименование партнёра изменено для всех организаций.")


@bp.post("/partners/<int:partner_id>/name/reject")
@login_required
def name_reject(partner_id: int):
    return _act(partner_id, lambda p: partner_review.reject_name(p, actor=actor()),
                "Предложенное наименование отклонено; прежнее осталось.")
