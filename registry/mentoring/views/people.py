"""Records pages: the organizations in scope, one organization's overview, its mentors and mentees."""
import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hierarchy.models import Organization
from registry.core.clock import now_utc
from registry.core.downloads import no_store
from registry.core.errors import DomainError
from registry.core.listing import paginate
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring import access, queries
from registry.mentoring.models import Consent, Mentee, Mentor, MentoringPair, PairMentee, PairMentor, Partner
from registry.mentoring.schemas import MenteeSchema, MentorSchema
from registry.mentoring.services import consents, people
from registry.mentoring.views._common import actor, parse, posted
from registry.mentoring.vocab import (
    AWARD_LABELS,
    CONSENT_KIND_LABELS,
    FORM_LABELS,
    MENTEE_CATEGORY_LABELS,
    MENTOR_CATEGORY_LABELS,
    PAIR_STATUS_LABELS,
    PUBLIC_FIELDS,
    ConsentKind,
    forms_of,
)

bp = Blueprint("records", __name__, url_prefix="/records")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
PER_PAGE = 50
PEOPLE = {"mentors": (Mentor, MentorSchema, "наставник"), "mentees": (Mentee, MenteeSchema, "наставляемый")}
ORG_SORTS = {"name": (Organization.name, Organization.code), "code": (Organization.code,)}


def person_sorts(model) -> dict[str, tuple]:
    """Sort keys of a mentor or mentee list; "status" (still taking part first, then by name) is the default."""
    flag = ("public", model.is_public) if model is Mentor else ("cycle", model.full_cycle_completed)
    return {"code": (model.code, model.full_name, model.id), "name": (model.full_name, model.id),
            "category": (model.category, model.full_name, model.id), flag[0]: (flag[1], model.full_name, model.id),
            "status": (model.left_on.is_not(None), model.full_name, model.id)}


@bp.get("/")
@login_required
def index():
    """The curator's own records; for officials and region staff, the organizations whose records they see."""
    user = current_user
    own = access.own_organization(user)
    if own is not None:
        return redirect(url_for(".organization_view", org_code=own.code))
    listing = paginate(access.visible_organizations(user), ORG_SORTS, "name", PER_PAGE)
    summaries = queries.organization_summaries([org.id for org, in listing.rows])
    rows = [(org, summaries[org.id]) for org, in listing.rows]
    return render_template("mentoring/index.html", rows=rows, listing=listing,
                           can_review=access.can_review_practices(user))


@bp.get("/<org_code>/")
@login_required
def organization_view(org_code: str):
    org = access.viewable_organization(current_user, org_code)
    return render_template("mentoring/organization_view.html", org=org, summary=queries.organization_summary(org.id),
                           can_edit=access.can_edit_records(current_user, org))


def _list(org, kind: str):
    model = PEOPLE[kind][0]
    listing = paginate(access.visible_records(org, model), person_sorts(model), "status", PER_PAGE)
    records = [r for r, in listing.rows]
    processing = _with_consent(model, [r.id for r in records])
    return render_template(f"mentoring/{kind[:-1]}_list.html", org=org, records=records, listing=listing,
                           processing=processing, can_edit=access.can_edit_records(current_user, org),
                           labels=MENTOR_CATEGORY_LABELS if model is Mentor else MENTEE_CATEGORY_LABELS)


def _with_consent(model, ids: list[int]) -> set[int]:
    column = Consent.mentor_id if model is Mentor else Consent.mentee_id
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(column).where(column.in_(ids), Consent.kind == ConsentKind.processing,
                                                          Consent.withdrawn_at.is_(None))))


@bp.get("/<org_code>/mentors")
@login_required
def mentor_list(org_code: str):
    return _list(access.viewable_organization(current_user, org_code), "mentors")


@bp.get("/<org_code>/mentees")
@login_required
def mentee_list(org_code: str):
    return _list(access.viewable_organization(current_user, org_code), "mentees")


def _form_page(org, kind: str, record=None, *, values=None, errors=None, status=200):
    model = PEOPLE[kind][0]
    partner_options = []
    if model is Mentor:
        ids = people.partner_ids_of(org)
        partner_options = db.session.execute(sa.select(Partner.id, Partner.name).where(Partner.id.in_(ids))
                                             .order_by(Partner.name)).all() if ids else []
    context = {"org": org, "kind": kind, "record": record, "values": values or _values_of(record),
               "errors": errors or {}, "can_edit": access.can_edit_records(current_user, org), "forms": FORM_LABELS,
               "partners": partner_options,
               "categories": MENTOR_CATEGORY_LABELS if model is Mentor else MENTEE_CATEGORY_LABELS}
    if record is not None:
        context.update(_detail(record, model))
    return render_template(f"mentoring/{kind[:-1]}_edit.html", **context), status


def _values_of(record) -> dict:
    if record is None:
        return {"forms": []}
    values = {c: getattr(record, c) for c in ("code", "full_name", "category", "position", "competences",
                                               "achievements", "request", "partner_id") if hasattr(record, c)}
    values.update(birth_date=record.birth_date.isoformat() if record.birth_date else "",
                  left_on=record.left_on.isoformat() if record.left_on else "",
                  code=record.code or "", category=record.category.value,
                  snils=access.snils_for(current_user, record) or "")
    if isinstance(record, Mentor):
        values["forms"] = [f.value for f in forms_of(record.forms)]
    return values


def _detail(record, model) -> dict:
    link, column = (PairMentor, PairMentor.mentor_id) if model is Mentor else (PairMentee, PairMentee.mentee_id)
    pairs = db.session.execute(sa.select(MentoringPair, link).join(link, link.pair_id == MentoringPair.id)
                               .where(column == record.id).order_by(MentoringPair.start_on.desc())).all()
    return {"consents": consents.history(record), "consent_labels": CONSENT_KIND_LABELS,
            "public_fields": PUBLIC_FIELDS, "pairs": pairs, "pair_status_labels": PAIR_STATUS_LABELS,
            "form_labels": FORM_LABELS, "award_labels": AWARD_LABELS, "is_minor": record.is_minor(now_utc().date()),
            "has_processing": consents.active(record, ConsentKind.processing) is not None}


def _create(org_code: str, kind: str):
    org = access.editable_organization(current_user, org_code)
    if request.method == "GET":
        return _form_page(org, kind)
    data, errors = parse(PEOPLE[kind][1])
    if errors:
        return _form_page(org, kind, values=posted(), errors=errors, status=422)
    try:
        create = people.create_mentor if kind == "mentors" else people.create_mentee
        record = create(org, data, actor=actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _form_page(org, kind, values=posted(), errors=error.fields, status=error.status)
    return redirect(url_for(f".{kind[:-1]}_edit", org_code=org.code, **{f"{kind[:-1]}_id": record.id}))


def _edit(org_code: str, kind: str, record_id: int):
    org = access.viewable_organization(current_user, org_code)
    record = access.record_of(PEOPLE[kind][0], org, record_id)
    if request.method == "GET":
        return _form_page(org, kind, record)
    require(access.can_edit_records(current_user, org), access.CURATOR_ONLY)
    data, errors = parse(PEOPLE[kind][1])
    if errors:
        return _form_page(org, kind, record, values=posted(), errors=errors, status=422)
    try:
        update = people.update_mentor if kind == "mentors" else people.update_mentee
        update(record, data, actor=actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _form_page(org, kind, record, values=posted(), errors=error.fields, status=error.status)
    return redirect(url_for(f".{kind[:-1]}_edit", org_code=org.code, **{f"{kind[:-1]}_id": record.id}, saved=1))


@bp.route("/<org_code>/mentors/new", methods=["GET", "POST"])
@login_required
def mentor_create(org_code: str):
    return _create(org_code, "mentors")


@bp.route("/<org_code>/mentees/new", methods=["GET", "POST"])
@login_required
def mentee_create(org_code: str):
    return _create(org_code, "mentees")


@bp.route("/<org_code>/mentors/<int:mentor_id>", methods=["GET", "POST"])
@login_required
def mentor_edit(org_code: str, mentor_id: int):
    return _edit(org_code, "mentors", mentor_id)


@bp.route("/<org_code>/mentees/<int:mentee_id>", methods=["GET", "POST"])
@login_required
def mentee_edit(org_code: str, mentee_id: int):
    return _edit(org_code, "mentees", mentee_id)
