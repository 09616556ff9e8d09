"""Programmes and individual plans: validate → mutate → flush → audit; the request boundary commits."""
from datetime import date

import sqlalchemy as sa

from hierarchy.models import Organization
from registry.core.audit import log_action
from registry.core.clock import now_utc
from registry.core.errors import ValidationFailed
from registry.extensions import db
from registry.mentoring.models import MentoringPair
from registry.mentoring.vocab import FORM_LABELS, Form
from registry.programmes.models import ITEM_KINDS, PlanItem, Programme

PROGRAMME_FIELDS = ("title", "goal", "tasks", "audience", "work_plan", "expected_results")
FIELD_LABELS = {"form": "Форма наставничества", "title": "Название программы", "goal": "Цель", "tasks": "Задачи",
                "audience": "Целевая аудитория", "work_plan": "План работы", "expected_results": "Ожидаемые результаты"}


def _programme_data(form: dict, *, with_form: bool) -> dict:
    errors, data = {}, {}
    for name in PROGRAMME_FIELDS:
        data[name] = (form.get(name) or "").strip()
        if not data[name]:
            errors[name] = [f"Заполните поле «{FIELD_LABELS[name]}»."]
    if len(data["title"]) > 300:
        errors["title"] = ["Не длиннее 300 символов."]
    if with_form:
        value = form.get("form") or ""
        if value not in Form.__members__:
            errors["form"] = ["Выберите форму наставничества."]
        else:
            data["form"] = Form(value)
    if errors:
        raise ValidationFailed("Программа не сохранена.", errors)
    return data


def create_programme(org: Organization, form: dict, *, actor) -> Programme:
    data = _programme_data(form, with_form=True)
    if db.session.scalar(sa.select(Programme.id).where(Programme.organization_id == org.id,
                                                      Programme.form == data["form"])):
        raise ValidationFailed("Программа не сохранена.", {"form": [
            f"Программа по форме «{FORM_LABELS[data['form']]}» уже есть: у организации одна программа на форму."]})
    programme = Programme(organization_id=org.id, **data)
    db.session.add(programme)
    db.session.flush()
    log_action(actor, "programme.created", "programme", programme.id, after={"form": data["form"].value,
                                                                             "title": data["title"]})
    return programme


def update_programme(programme: Programme, form: dict, *, actor) -> None:
    data = _programme_data(form, with_form=False)
    before = {name: getattr(programme, name) for name in PROGRAMME_FIELDS}
    for name, value in data.items():
        setattr(programme, name, value)
    db.session.flush()
    log_action(actor, "programme.updated", "programme", programme.id, before=before, after=data)


def assign_programme(pair: MentoringPair, programme: Programme | None, *, actor) -> None:
    """Put the pair in one of its organization's programmes (its form must match), or take it out."""
    if programme is not None and programme.form != pair.form:
        raise ValidationFailed("Программа не назначена.", {"programme_id": [
            f"Пара работает по форме «{FORM_LABELS[pair.form]}», а программа — по форме "
            f"«{FORM_LABELS[programme.form]}»."]})
    before = pair.programme_id
    pair.programme_id = programme.id if programme else None
    db.session.flush()
    log_action(actor, "pair.programme_set", "pair", pair.id, before={"programme_id": before},
               after={"programme_id": pair.programme_id})


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def add_plan_item(pair: MentoringPair, form: dict, *, actor) -> PlanItem:
    errors = {}
    kind, text = form.get("kind") or "", (form.get("text") or "").strip()
    start_on, due_on = _date(form.get("start_on")), _date(form.get("due_on"))
    if kind not in ITEM_KINDS:
        errors["kind"] = ["Выберите: цель или задача."]
    if not text:
        errors["text"] = ["Опишите цель или задачу."]
    if start_on is None:
        errors["start_on"] = ["Укажите дату начала (ГГГГ-ММ-ДД)."]
    if due_on is None:
        errors["due_on"] = ["Укажите срок (ГГГГ-ММ-ДД)."]
    elif start_on is not None and due_on < start_on:
        errors["due_on"] = ["Срок не может быть раньше начала."]
    if errors:
        raise ValidationFailed("Пункт плана не добавлен.", errors)
    item = PlanItem(pair_id=pair.id, kind=kind, text=text, start_on=start_on, due_on=due_on, created_at=now_utc())
    db.session.add(item)
    db.session.flush()
    log_action(actor, "plan_item.added", "pair", pair.id, after={"item": item.id, "kind": kind, "text": text})
    return item


def mark_done(item: PlanItem, done: bool, *, actor, on: date | None = None) -> None:
    before = item.done_on.isoformat() if item.done_on else None
    item.done_on = (on or now_utc().date()) if done else None
    db.session.flush()
    log_action(actor, "plan_item.done" if done else "plan_item.undone", "pair", item.pair_id,
               before={"item": item.id, "done_on": before},
               after={"item": item.id, "done_on": item.done_on.isoformat() if item.done_on else None})
