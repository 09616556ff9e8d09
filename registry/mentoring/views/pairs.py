"""Pairs and groups pages: list, form, one pair with its lifecycle actions and mentor replacement."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from registry.core.clock import now_utc
from registry.core.downloads import no_store
from registry.core.errors import DomainError, ValidationFailed
from registry.core.listing import name_matches, paginate, search_arg
from registry.core.permissions import require
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PairMentee, PairMentor
from registry.mentoring.schemas import PairSchema, ReplaceSchema, TransitionSchema
from registry.mentoring.services import pairs
from registry.mentoring.text import snils_error
from registry.mentoring.views._common import actor, done, parse, posted, refused
from registry.mentoring.vocab import (
    FORM_LABELS,
    KIND_LABELS,
    PAIR_STATUS_LABELS,
    PAIR_TRANSITIONS,
    REPLACEMENT_REASON_LABELS,
    ROLE_MODELS,
    PairStatus,
)

bp = Blueprint("pairs", __name__, url_prefix="/records")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
PER_PAGE = 50
SORTS = {"code": (MentoringPair.code, MentoringPair.id), "form": (MentoringPair.form, MentoringPair.id),
         "kind": (MentoringPair.kind, MentoringPair.id), "start": (MentoringPair.start_on, MentoringPair.id),
         "status": (MentoringPair.status, MentoringPair.start_on, MentoringPair.id)}
LABELS = {"forms": FORM_LABELS, "kinds": KIND_LABELS, "statuses": PAIR_STATUS_LABELS, "role_models": ROLE_MODELS,
          "reasons": REPLACEMENT_REASON_LABELS}


@bp.get("/<org_code>/pairs")
@login_required
def pair_list(org_code: str):
    org = access.viewable_organization(current_user, org_code)
    # its own pairs, and other organizations' pairs with one of its mentors (marked; their mentees stay theirs)
    query = access.visible_org_pairs(org)
    status = request.args.get("status", "")
    if status in PairStatus.__members__:
        query = query.where(MentoringPair.status == PairStatus(status))
    listing = paginate(query, SORTS, "-start", PER_PAGE)
    return render_template("mentoring/pair_list.html", org=org, records=[p for p, in listing.rows], listing=listing,
                           status=status, can_edit=access.can_edit_records(current_user, org), **LABELS)


#: A chooser lists up to this many people; a larger school narrows it by a search by name (`who`).
PEOPLE_MAX = 300


@dataclass
class People:
    """One chooser's people: (id, full_name, code) rows, how many match, and the search typed."""

    rows: list
    total: int
    who: str

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def _people(org, selected=(), *, mentors: bool) -> People:
    """The organization's current mentors (or mentees) matching the search, the first PEOPLE_MAX by name; the ones
    already chosen (a form sent back with errors) are always offered. Rows, not whole records."""
    model, who = (Mentor if mentors else Mentee), search_arg("who")
    query = sa.select(model.id, model.full_name, model.code, sa.func.count().over()).where(
        model.organization_id == org.id, model.left_on.is_(None))
    if who:
        query = query.where(name_matches(who, model.full_name, model.code))
    rows = db.session.execute(query.order_by(model.full_name, model.id).limit(PEOPLE_MAX)).all()
    chosen = {int(i) for i in selected if str(i).isdigit()} - {row.id for row in rows}
    if chosen:
        rows += db.session.execute(sa.select(model.id, model.full_name, model.code, sa.literal(0)).where(
            model.organization_id == org.id, model.id.in_(chosen))).all()
    return People(rows, rows[0][3] if rows and rows[0][3] else len(rows), who)


def _members(pair) -> None:
    """The pair's links and their people in one statement each, whatever the group's size (not one per person)."""
    mentor_links, mentee_links = selectinload(MentoringPair.mentor_links), selectinload(MentoringPair.mentee_links)
    db.session.scalars(sa.select(MentoringPair).where(MentoringPair.id == pair.id).options(
        mentor_links.selectinload(PairMentor.mentor), mentor_links.selectinload(PairMentor.replaced_by),
        mentee_links.selectinload(PairMentee.mentee))).one()


def _page(org, pair=None, *, values=None, errors=None, status=200):
    values = values if values is not None else _values_of(pair)
    mentors = _people(org, values.get("mentor_ids") or (), mentors=True)
    mentees = _people(org, values.get("mentee_ids") or (), mentors=False)
    if pair is not None:
        _members(pair)
    can_edit = access.can_edit_records(current_user, org) and (pair is None or pair.status not in pairs.CLOSED)
    return render_template(
        "mentoring/pair_edit.html", org=org, pair=pair, values=values, errors=errors or {}, mentors=mentors.rows,
        mentees=mentees.rows, people=(mentors, mentees), can_edit=can_edit,
        next_statuses=sorted(PAIR_TRANSITIONS[pair.status], key=list(PairStatus).index) if pair else [],
        **LABELS), status


def _values_of(pair) -> dict:
    if pair is None:
        return {"mentor_ids": [], "mentee_ids": []}
    return {"code": pair.code or "", "form": pair.form.value, "role_model": pair.role_model, "kind": pair.kind.value,
            "start_on": pair.start_on.isoformat(), "end_on": pair.end_on.isoformat() if pair.end_on else ""}


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


@bp.route("/<org_code>/pairs/new", methods=["GET", "POST"])
@login_required
def pair_create(org_code: str):
    org = access.editable_organization(current_user, org_code)
    if request.method == "GET":
        return _page(org)
    values = posted()
    data, errors = parse(PairSchema, request.form.to_dict())
    if errors:
        return _page(org, values=values, errors=errors, status=422)
    mentor_ids = _ids("mentor_ids")
    external = request.form.get("external_snils", "").strip()
    if external:  # a mentor kept by another organization of the region, found by СНИЛС
        mentor = None if snils_error(external) else access.external_mentor(org, external)
        if mentor is None:
            return _page(org, values=values, errors={"external_snils": [
                snils_error(external) or "Наставника с этим СНИЛС нет в записях других организаций региона."]},
                status=422)
        mentor_ids.append(mentor.id)
    try:
        pair = pairs.create_pair(org, data, mentor_ids, _ids("mentee_ids"), actor=actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _page(org, values=values, errors=error.fields, status=error.status)
    return done("Пара (группа) создана.", ".pair_view", org_code=org.code, pair_id=pair.id)


@bp.route("/<org_code>/pairs/<int:pair_id>", methods=["GET", "POST"])
@login_required
def pair_view(org_code: str, pair_id: int):
    org = access.viewable_organization(current_user, org_code)
    pair = access.record_of(MentoringPair, org, pair_id)
    if request.method == "GET":
        return _page(org, pair)
    require(access.can_edit_records(current_user, org), access.CURATOR_ONLY)
    data, errors = parse(PairSchema, request.form.to_dict())
    if errors:
        return _page(org, pair, values=posted(), errors=errors, status=422)
    try:
        pairs.update_pair(pair, data, actor=actor())
    except DomainError as error:  # the 4xx answer makes the request boundary roll back
        return _page(org, pair, values=posted(), errors=error.fields, status=error.status)
    return done("Изменения сохранены.", ".pair_view", org_code=org.code, pair_id=pair.id)


@bp.post("/<org_code>/pairs/<int:pair_id>/status")
@login_required
def pair_status(org_code: str, pair_id: int):
    """Move the pair along its lifecycle: approve (order), activate, complete (full-cycle marks), terminate."""
    org = access.editable_organization(current_user, org_code)
    pair = access.record_of(MentoringPair, org, pair_id)
    back = {"org_code": org.code, "pair_id": pair.id}
    action = request.form.get("action", "")
    data, errors = parse(TransitionSchema, {k: request.form.get(k, "") for k in ("on", "order_ref", "reason")})
    try:
        if errors:
            raise ValidationFailed("Состояние не изменено.", errors)
        data["on"] = data["on"] or now_utc().date()
        with db.session.begin_nested():  # a refusal undoes only this change
            _transition(pair, action, data)
    except DomainError as error:
        return refused(error, ".pair_view", **back)
    return done(f"Состояние: «{PAIR_STATUS_LABELS[pair.status]}».", ".pair_view", **back)


def _transition(pair: MentoringPair, action: str, data: dict) -> None:
    if action == "approve":
        pairs.approve(pair, order_ref=data["order_ref"], actor=actor())
    elif action == "activate":
        pairs.activate(pair, actor=actor())
    elif action == "complete":
        decisions = {m.id: request.form.get(f"full_cycle_{m.id}") for m in pair.current_mentees}
        full_cycle = {k: v == "1" for k, v in decisions.items() if v in ("0", "1")}
        pairs.complete(pair, on=data["on"], full_cycle=full_cycle, actor=actor())
    elif action == "terminate":
        pairs.terminate(pair, on=data["on"], reason=data["reason"], actor=actor())
    else:
        raise ValidationFailed("Неизвестное действие.")


@bp.post("/<org_code>/pairs/<int:pair_id>/replace")
@login_required
def pair_replace(org_code: str, pair_id: int):
    """Replace a mentor with a reason (004 §4.7); the history keeps who left, when and why."""
    org = access.editable_organization(current_user, org_code)
    pair = access.record_of(MentoringPair, org, pair_id)
    back = {"org_code": org.code, "pair_id": pair.id}
    data, errors = parse(ReplaceSchema)
    try:
        if errors:
            raise ValidationFailed("Замена не выполнена.", errors)
        with db.session.begin_nested():  # a refusal undoes only this change
            pairs.replace_mentor(pair, old_id=data["old_mentor_id"], new_id=data["new_mentor_id"],
                                 reason=data["reason"], comment=data["comment"], on=data["on"], actor=actor())
    except DomainError as error:
        return refused(error, ".pair_view", **back)
    return done("Наставник заменён.", ".pair_view", **back)


@bp.post("/<org_code>/pairs/<int:pair_id>/members")
@login_required
def pair_member_add(org_code: str, pair_id: int):
    """Add a mentor or a mentee: many mentors per mentee and many mentees per mentor are allowed."""
    org = access.editable_organization(current_user, org_code)
    pair = access.record_of(MentoringPair, org, pair_id)
    back = {"org_code": org.code, "pair_id": pair.id}
    data, errors = parse(TransitionSchema, {"on": request.form.get("on", "")})
    person_id = request.form.get("person_id", type=int)
    try:
        if errors or person_id is None:
            raise ValidationFailed("Участник не добавлен.", errors or {"person_id": ["Выберите участника."]})
        on = data["on"] or now_utc().date()
        with db.session.begin_nested():  # a refusal undoes only this change
            if request.form.get("role") == "mentor":
                pairs.add_mentor(pair, person_id, on=on, actor=actor())
            else:
                pairs.add_mentee(pair, person_id, on=on, actor=actor())
    except DomainError as error:
        return refused(error, ".pair_view", **back)
    return done("Участник добавлен.", ".pair_view", **back)
