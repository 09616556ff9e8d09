"""Record actions on one person: consents (give, withdraw), awards, the full-cycle mark."""
from flask import Blueprint, request
from flask_login import current_user, login_required
from marshmallow import ValidationError

from registry.core.clock import now_utc
from registry.core.downloads import no_store
from registry.core.errors import DomainError
from registry.extensions import db
from registry.mentoring import access
from registry.mentoring.models import Mentee, Mentor
from registry.mentoring.schemas import AwardSchema, ConsentSchema, RuDate
from registry.mentoring.services import consents, people
from registry.mentoring.views._common import actor, done, parse, refused

bp = Blueprint("consents", __name__, url_prefix="/records")
bp.after_request(no_store)  # personal data: never kept by a browser or a proxy
MODELS = {"mentors": Mentor, "mentees": Mentee}


def _person_page(person) -> tuple[str, dict]:
    kind = "mentor" if isinstance(person, Mentor) else "mentee"
    return f"records.{kind}_edit", {"org_code": person.organization.code, f"{kind}_id": person.id}


@bp.post("/<org_code>/<any(mentors, mentees):kind>/<int:person_id>/consents")
@login_required
def consent_give(org_code: str, kind: str, person_id: int):
    org = access.editable_organization(current_user, org_code)
    person = access.record_of(MODELS[kind], org, person_id)
    endpoint, values = _person_page(person)
    data, errors = parse(ConsentSchema)
    if errors:
        return refused(DomainError("Согласие не внесено: исправьте ошибки.", errors), endpoint, **values)
    try:
        with db.session.begin_nested():  # a refusal undoes only this change
            consents.give(person, data, actor=actor())
    except DomainError as error:
        return refused(error, endpoint, **values)
    return done("Согласие внесено.", endpoint, **values)


@bp.post("/<org_code>/consents/<int:consent_id>/withdraw")
@login_required
def consent_withdraw(org_code: str, consent_id: int):
    """Withdrawal is one action: it ends the consent and, if it was the processing one, the publication too."""
    org = access.editable_organization(current_user, org_code)
    consent, person = access.consent_of(org, consent_id)
    endpoint, values = _person_page(person)
    try:
        with db.session.begin_nested():
            ended = consents.withdraw(consent, actor=actor())
    except DomainError as error:
        return refused(error, endpoint, **values)
    message = "Согласие отозвано" + (" вместе с согласием на публикацию" if len(ended) > 1 else "")
    return done(message + ": изменения действуют сразу, в том числе в открытом реестре.", endpoint, **values)


@bp.post("/<org_code>/mentors/<int:mentor_id>/awards")
@login_required
def award_add(org_code: str, mentor_id: int):
    org = access.editable_organization(current_user, org_code)
    mentor = access.record_of(Mentor, org, mentor_id)
    endpoint, values = _person_page(mentor)
    data, errors = parse(AwardSchema)
    if errors:
        return refused(DomainError("Награда не добавлена.", errors), endpoint, **values)
    people.add_award(mentor, data, actor=actor())
    return done("Награда добавлена.", endpoint, **values)


@bp.post("/<org_code>/awards/<int:award_id>/delete")
@login_required
def award_delete(org_code: str, award_id: int):
    org = access.editable_organization(current_user, org_code)
    award = access.award_of(org, award_id)
    endpoint, values = _person_page(award.mentor)
    people.remove_award(award, actor=actor())
    return done("Награда удалена.", endpoint, **values)


@bp.post("/<org_code>/mentees/<int:mentee_id>/full-cycle")
@login_required
def mentee_full_cycle(org_code: str, mentee_id: int):
    """Set or clear «полный цикл пройден» (003 §5.2.1: the curator must put this mark)."""
    org = access.editable_organization(current_user, org_code)
    mentee = access.record_of(Mentee, org, mentee_id)
    endpoint, values = _person_page(mentee)
    completed = request.form.get("completed") == "1"
    try:
        on = RuDate().deserialize(request.form.get("on") or "") or now_utc().date()
    except ValidationError:
        return refused(DomainError("Отметка не изменена: дата в формате ДД.ММ.ГГГГ."), endpoint, **values)
    people.set_full_cycle(mentee, completed, on=on, actor=actor())
    return done("Отметка «полный цикл пройден» " + ("поставлена." if completed else "снята."), endpoint, **values)
