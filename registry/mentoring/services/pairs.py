"""Pairs and groups: forming, the lifecycle (SEEDS_DIGEST §5.5), mentor replacement with a reason. Callers commit."""
import logging
from datetime import date, datetime

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.auth.models import User
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor, MentoringPair, PairMentee, PairMentor
from registry.mentoring.services.people import set_full_cycle
from registry.mentoring.vocab import REPLACEMENT_REASON_LABELS, Kind, PairStatus, ReplacementReason

logger = logging.getLogger(__name__)
CLOSED = (PairStatus.completed, PairStatus.terminated)


def _people(org: Organization, model, ids: list[int], field: str, label: str) -> list:
    """The records by id: mentees of the organization; mentors of any organization of its region (a college
    student mentoring a school's pupils, an enterprise employee recorded by a college: PRODUCT.md §9)."""
    people = [db.session.get(model, i) for i in dict.fromkeys(ids)]
    if model is Mentor:
        if any(p is None or p.organization.region_id != org.region_id for p in people):
            raise ValidationFailed("Пара не сохранена.", {field: [
                f"{label} должен быть из записей организаций региона."]})
    elif any(p is None or p.organization_id != org.id for p in people):
        raise ValidationFailed("Пара не сохранена.", {field: [f"{label} должен быть из записей этой организации."]})
    if any(p.left_on is not None for p in people):
        raise ValidationFailed("Пара не сохранена.", {field: [f"{label} выбыл из программы: выберите другого."]})
    return people


def _check_open(pair: MentoringPair) -> None:
    if pair.status in CLOSED:
        raise InvalidTransition("Пара (группа) закрыта: изменить её нельзя.")


def create_pair(org: Organization, data: dict, mentor_ids: list[int], mentee_ids: list[int], *,
                actor: User | None) -> MentoringPair:
    """Form a pair (one mentee) or group (several), with one or more mentors. Caller commits."""
    errors = {}
    if not mentor_ids:
        errors["mentor_ids"] = ["Выберите хотя бы одного наставника."]
    if not mentee_ids:
        errors["mentee_ids"] = ["Выберите хотя бы одного наставляемого."]
    elif data["kind"] is Kind.group and len(set(mentee_ids)) < 2:
        errors["mentee_ids"] = ["Групповое наставничество — это два и более наставляемых."]
    if errors:
        raise ValidationFailed("Пара не сохранена.", errors)
    mentors = _people(org, Mentor, mentor_ids, "mentor_ids", "Наставник")
    mentees = _people(org, Mentee, mentee_ids, "mentee_ids", "Наставляемый")
    _check_code(org, data.get("code") or None, None)
    pair = MentoringPair(organization_id=org.id, code=data.get("code") or None, form=data["form"],
                         role_model=data.get("role_model", ""), kind=data["kind"], start_on=data["start_on"],
                         end_on=data.get("end_on"), status=PairStatus.forming)
    pair.mentor_links = [PairMentor(mentor=m, joined_on=data["start_on"]) for m in mentors]
    pair.mentee_links = [PairMentee(mentee=m, joined_on=data["start_on"]) for m in mentees]
    db.session.add(pair)
    db.session.flush()
    log_action(actor, "pair.created", "pair", pair.id, after={"mentors": [m.id for m in mentors],
                                                              "mentees": [m.id for m in mentees]})
    return pair


def _check_code(org: Organization, code: str | None, own_id: int | None) -> None:
    if code is None:
        return
    clash = db.session.scalar(sa.select(MentoringPair.id).where(MentoringPair.organization_id == org.id,
                                                                MentoringPair.code == code))
    if clash is not None and clash != own_id:
        raise ValidationFailed("Пара не сохранена.", {"code": [f"Код «{code}» уже занят другой парой."]})


def update_pair(pair: MentoringPair, data: dict, *, actor: User | None) -> None:
    _check_open(pair)
    _check_code(pair.organization, data.get("code") or None, pair.id)
    changed = []
    for name in ("code", "form", "role_model", "kind", "start_on", "end_on"):
        value = data.get(name) or None if name == "code" else data.get(name)
        if getattr(pair, name) != value:
            setattr(pair, name, value)
            changed.append(name)
    if changed:
        db.session.flush()
        log_action(actor, "pair.updated", "pair", pair.id, after={"fields": changed})


def _move(pair: MentoringPair, new: PairStatus, action: str, actor: User | None, now: datetime | None,
          **after) -> None:
    before = pair.status.value
    pair.transition_to(new)
    pair.status_changed_at = now or now_utc()
    db.session.flush()
    log_action(actor, action, "pair", pair.id, before={"status": before}, after={"status": new.value, **after})
    logger.info("%r %s by %r", pair, action, actor)


def approve(pair: MentoringPair, *, order_ref: str, actor: User | None, now: datetime | None = None) -> None:
    """Fix the pair by the head's order (SEEDS_DIGEST §5.5 step 5). Caller commits."""
    if not order_ref:
        raise ValidationFailed("Пара не утверждена.", {"order_ref": ["Укажите номер и дату приказа."]})
    pair.order_ref = order_ref
    _move(pair, PairStatus.approved, "pair.approved", actor, now, order_ref=order_ref)


def activate(pair: MentoringPair, *, actor: User | None, now: datetime | None = None) -> None:
    _move(pair, PairStatus.active, "pair.activated", actor, now)


def complete(pair: MentoringPair, *, on: date, full_cycle: dict[int, bool], actor: User | None,
             now: datetime | None = None) -> None:
    """Complete the programme; the curator must decide the full-cycle mark of every current mentee."""
    missing = [m for m in pair.current_mentees if m.id not in full_cycle]
    if missing:
        raise ValidationFailed("Пара не завершена.", {"full_cycle": [
            "Отметьте для каждого наставляемого, пройден ли полный цикл программы."]})
    if on < pair.start_on:
        raise ValidationFailed("Пара не завершена.", {"on": ["Дата завершения раньше начала работы пары."]})
    pair.closed_on = on
    _move(pair, PairStatus.completed, "pair.completed", actor, now, on=on.isoformat())
    for mentee in pair.current_mentees:
        if full_cycle[mentee.id]:
            set_full_cycle(mentee, True, on=on, actor=actor)


def terminate(pair: MentoringPair, *, on: date, reason: str, actor: User | None, now: datetime | None = None) -> None:
    if not reason:
        raise ValidationFailed("Пара не прекращена.", {"reason": ["Укажите причину досрочного прекращения."]})
    pair.closed_on, pair.close_reason = on, reason
    _move(pair, PairStatus.terminated, "pair.terminated", actor, now, on=on.isoformat())


def add_mentor(pair: MentoringPair, mentor_id: int, *, on: date, actor: User | None) -> None:
    """Another mentor for the pair: a mentee may have several mentors (003 §3.3.1). Caller commits."""
    _check_open(pair)
    (mentor,) = _people(pair.organization, Mentor, [mentor_id], "mentor_id", "Наставник")
    if mentor in pair.current_mentors:
        raise ValidationFailed("Наставник не добавлен.", {"mentor_id": ["Этот наставник уже в паре."]})
    pair.mentor_links.append(PairMentor(mentor=mentor, joined_on=on))
    db.session.flush()
    log_action(actor, "pair.mentor_added", "pair", pair.id, after={"mentor": mentor.id})


def add_mentee(pair: MentoringPair, mentee_id: int, *, on: date, actor: User | None) -> None:
    _check_open(pair)
    (mentee,) = _people(pair.organization, Mentee, [mentee_id], "mentee_id", "Наставляемый")
    if mentee in pair.current_mentees:
        raise ValidationFailed("Наставляемый не добавлен.", {"mentee_id": ["Этот наставляемый уже в паре."]})
    pair.mentee_links.append(PairMentee(mentee=mentee, joined_on=on))
    db.session.flush()
    log_action(actor, "pair.mentee_added", "pair", pair.id, after={"mentee": mentee.id})


def replace_mentor(pair: MentoringPair, *, old_id: int, new_id: int, reason: ReplacementReason, comment: str,
                   on: date, actor: User | None) -> PairMentor:
    """Replace a mentor by order, keeping who left, when and why (004 §4.7). Caller commits."""
    _check_open(pair)
    link = next((x for x in pair.mentor_links if x.mentor_id == old_id and x.left_on is None), None)
    if link is None:
        raise ValidationFailed("Замена не выполнена.", {"old_mentor_id": ["Этот наставник сейчас не в паре."]})
    if reason is ReplacementReason.other and not comment:
        raise ValidationFailed("Замена не выполнена.", {"comment": ["Опишите причину замены."]})
    (new,) = _people(pair.organization, Mentor, [new_id], "new_mentor_id", "Новый наставник")
    if new in pair.current_mentors:
        raise ValidationFailed("Замена не выполнена.", {"new_mentor_id": ["Этот наставник уже в паре."]})
    if on < link.joined_on:
        raise ValidationFailed("Замена не выполнена.", {"on": ["Дата замены раньше начала работы наставника."]})
    link.left_on, link.leave_reason, link.leave_comment, link.replaced_by = on, reason, comment, new
    added = PairMentor(mentor=new, joined_on=on)
    pair.mentor_links.append(added)
    db.session.flush()
    log_action(actor, "pair.mentor_replaced", "pair", pair.id, before={"mentor": old_id},
               after={"mentor": new.id, "reason": reason.value}, comment=comment or REPLACEMENT_REASON_LABELS[reason])
    return added
