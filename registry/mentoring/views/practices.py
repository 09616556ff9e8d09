"""Best practices: the organization writes and proposes; its municipality or the region publishes or returns."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from hierarchy.models import Organization
from registry.core.downloads import no_store
from registry.core.errors import DomainError, ValidationFailed
from registry.core.listing import paginate
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Practice
from registry.mentoring.schemas import PracticeSchema, ReviewSchema
from registry.mentoring.services import practices
from registry.mentoring.views._common import actor, done, parse, posted, refused
from registry.mentoring.vocab import FORM_LABELS, PRACTICE_STATUS_LABELS, ROLE_MODELS, PracticeStatus

bp = Blueprint("practices", __name__, url_prefix="/records")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
LABELS = {"forms": FORM_LABELS, "statuses": PRACTICE_STATUS_LABELS, "role_models": ROLE_MODELS}
PER_PAGE = 50
#: "created" is the id order: practices are numbered as they are written.
SORTS = {"title": (Practice.title, Practice.id), "form": (Practice.form, Practice.id),
         "status": (Practice.status, Practice.id), "created": (Practice.id,)}
#: The review queue: proposed practices wait for a decision, published ones may be withdrawn.
REVIEW_STATUSES = (PracticeStatus.proposed, PracticeStatus.published)
#: "status" puts the proposed ones first (alphabetical), the oldest proposal first within each.
REVIEW_SORTS = {"status": (Practice.status, Practice.proposed_at, Practice.id),
                "proposed": (Practice.proposed_at, Practice.id), "title": (Practice.title, Practice.id),
                "organization": (Organization.name, Practice.id)}


@bp.get("/<org_code>/practices")
@login_required
def practice_list(org_code: str):
    org = access.viewable_organization(current_user, org_code)
    listing = paginate(access.visible_records(org, Practice), SORTS, "-created", PER_PAGE)
    return render_template("mentoring/practice_list.html", org=org, records=[p for p, in listing.rows], listing=listing,
                           can_edit=access.can_edit_records(current_user, org), **LABELS)


def _page(org, practice=None, *, values=None, errors=None, status=200):
    values = values if values is not None else ({c: getattr(practice, c) for c in practices.FIELDS} if practice
                                                else {})
    can_edit = access.can_edit_records(current_user, org) and (practice is None
                                                                or practice.status in practices.EDITABLE)
    return render_template("mentoring/practice_edit.html", org=org, practice=practice, values=values,
                           errors=errors or {}, can_edit=can_edit, **LABELS), status


@bp.route("/<org_code>/practices/new", methods=["GET", "POST"])
@login_required
def practice_create(org_code: str):
    org = access.editable_organization(current_user, org_code)
    if request.method == "GET":
        return _page(org)
    data, errors = parse(PracticeSchema)
    if errors:
        return _page(org, values=posted(), errors=errors, status=422)
    practice = practices.create_practice(org, data, actor=actor())
    return done("Практика сохранена как черновик.", ".practice_edit", org_code=org.code, practice_id=practice.id)


@bp.route("/<org_code>/practices/<int:practice_id>", methods=["GET", "POST"])
@login_required
def practice_edit(org_code: str, practice_id: int):
    org = access.viewable_organization(current_user, org_code)
    practice = access.record_of(Practice, org, practice_id)
    if request.method == "GET":
        return _page(org, practice)
    require(access.can_edit_records(current_user, org), access.CURATOR_ONLY)
    data, errors = parse(PracticeSchema)
    try:
        if errors:
            raise ValidationFailed("Практика не сохранена.", errors)
        practices.update_practice(practice, data, actor=actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _page(org, practice, values=posted(), errors=error.fields, status=error.status)
    return done("Изменения сохранены.", ".practice_edit", org_code=org.code, practice_id=practice.id)


@bp.post("/<org_code>/practices/<int:practice_id>/propose")
@login_required
def practice_propose(org_code: str, practice_id: int):
    org = access.editable_organization(current_user, org_code)
    practice = access.record_of(Practice, org, practice_id)
    try:
        with db.session.begin_nested():  # a refusal undoes only this change
            practices.propose(practice, actor=actor())
    except DomainError as error:
        return refused(error, ".practice_edit", org_code=org.code, practice_id=practice.id)
    return done("Практика отправлена на рассмотрение.", ".practice_edit", org_code=org.code, practice_id=practice.id)


@bp.get("/practices/review")
@login_required
def review_list():
    """Practices waiting for (or past) approval in the reviewer's scope, sorted and paged; ?status= narrows."""
    require(access.can_review_practices(current_user))
    status = request.args.get("status", "")
    shown = [status] if status in REVIEW_STATUSES else list(REVIEW_STATUSES)
    listing = paginate(access.visible_practice_reviews(current_user, shown), REVIEW_SORTS, "status", PER_PAGE)
    return render_template("mentoring/practice_review.html", records=listing.rows, listing=listing,
                           status=status if status in REVIEW_STATUSES else "", review_statuses=REVIEW_STATUSES,
                           **LABELS)


@bp.post("/practices/<int:practice_id>/approve")
@login_required
def practice_approve(practice_id: int):
    practice = access.reviewable_practice(current_user, practice_id)
    try:
        with db.session.begin_nested():  # a refusal undoes only this change
            practices.approve(practice, actor=actor())
    except DomainError as error:
        return refused(error, ".review_list")
    return done("Практика опубликована в открытом реестре.", ".review_list")


@bp.post("/practices/<int:practice_id>/return")
@login_required
def practice_return(practice_id: int):
    practice = access.reviewable_practice(current_user, practice_id)
    data, errors = parse(ReviewSchema)
    try:
        if errors:
            raise ValidationFailed("Практика не возвращена.", errors)
        with db.session.begin_nested():  # a refusal undoes only this change
            practices.return_practice(practice, data["comment"], actor=actor())
    except DomainError as error:
        return refused(error, ".review_list")
    return done("Практика возвращена на доработку.", ".review_list")
