"""Programmes (one per form an organization runs) and the individual plans of its pairs."""
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.extensions import db
from registry.mentoring.models import MentoringPair
from registry.mentoring.vocab import Form
from registry.programmes.models import PlanItem, Programme
from tests.registry.mentoring import builders

R = "/records/27-KHV-S1"
FIELDS = {"title": "Учитель — ученик", "goal": "Раскрыть потенциал", "tasks": "1. …", "audience": "5–9 классы",
          "work_plan": "сентябрь: подбор пар", "expected_results": "рост успеваемости"}


def _pair(world):
    mentor, kid = builders.mentor(world.school), builders.mentee(world.school)
    pair = builders.pair(world.school, [mentor], [kid], form=Form.teacher_student)
    db.session.commit()
    return pair


def test_curator_creates_one_programme_per_form_with_every_field(world, login_as):
    curator = login_as(world.curator)
    response = curator.post(f"{R}/programmes/new", data={**FIELDS, "form": "teacher_student"})
    assert response.status_code == 302
    (programme,) = db.session.scalars(sa.select(Programme)).all()
    assert (programme.form, programme.goal, programme.expected_results) == (Form.teacher_student, "Раскрыть потенциал",
                                                                            "рост успеваемости")
    again = curator.post(f"{R}/programmes/new", data={**FIELDS, "form": "teacher_student"})
    assert again.status_code == 422 and "одна программа на форму" in again.get_data(as_text=True)
    missing = curator.post(f"{R}/programmes/new", data={**FIELDS, "form": "student_student", "goal": " "})
    assert missing.status_code == 422 and "Заполните поле «Цель»" in missing.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Programme.id))) == 1
    assert curator.post(f"{R}/programmes/{programme.id}", data={**FIELDS, "goal": "Новая цель"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Programme, programme.id).goal == "Новая цель"
    assert "Учитель — ученик" in login_as(world.khv_official).get(f"{R}/programmes").get_data(as_text=True)


def test_only_the_curator_keeps_programmes_and_others_outside_scope_see_nothing(world, login_as):
    for user in (world.khv_official, world.operator):
        assert login_as(user).post(f"{R}/programmes/new", data={**FIELDS, "form": "teacher_student"}).status_code == 403
    for user in (world.van_official, world.van_curator, world.other_operator):
        assert login_as(user).get(f"{R}/programmes").status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count(Programme.id))) == 0


def test_a_pair_joins_a_programme_of_its_form_and_gets_a_plan_with_done_marks(world, login_as):
    pair = _pair(world)
    curator = login_as(world.curator)
    curator.post(f"{R}/programmes/new", data={**FIELDS, "form": "teacher_student"})
    curator.post(f"{R}/programmes/new", data={**FIELDS, "title": "Студент — ученик", "form": "student_pupil"})
    right, wrong = db.session.scalars(sa.select(Programme).order_by(Programme.id)).all()
    refused = curator.post(f"{R}/pairs/{pair.id}/programme", data={"programme_id": wrong.id})
    assert refused.status_code == 422 and "а программа — по форме" in refused.get_data(as_text=True)
    assert curator.post(f"{R}/pairs/{pair.id}/programme", data={"programme_id": right.id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringPair, pair.id).programme_id == right.id

    bad = curator.post(f"{R}/pairs/{pair.id}/plan", data={"kind": "task", "text": "Олимпиада",
                                                          "start_on": "2025-10-01", "due_on": "2025-09-01"})
    assert bad.status_code == 422 and "Срок не может быть раньше начала." in bad.get_data(as_text=True)
    assert curator.post(f"{R}/pairs/{pair.id}/plan", data={"kind": "goal", "text": "Подготовка к олимпиаде",
                                                           "start_on": "2025-09-01",
                                                           "due_on": "2025-12-20"}).status_code == 302
    (item,) = db.session.scalars(sa.select(PlanItem)).all()
    assert item.done_on is None
    assert curator.post(f"{R}/pairs/{pair.id}/plan/{item.id}/done", data={"done": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanItem, item.id).done_on is not None
    page = login_as(world.khv_official).get(f"{R}/pairs/{pair.id}/plan").get_data(as_text=True)
    assert "Подготовка к олимпиаде" in page and "Учитель — ученик" in page
    assert login_as(world.khv_official).post(f"{R}/pairs/{pair.id}/plan/{item.id}/done",
                                             data={"done": "0"}).status_code == 403
    assert login_as(world.van_curator).get(f"{R}/pairs/{pair.id}/plan").status_code in (403, 404)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("plan_item.%"))).all()
    assert actions == ["plan_item.added", "plan_item.done"]


def test_another_organizations_pair_or_item_is_not_found(world, login_as):
    pair = _pair(world)
    other = builders.pair(world.dod, [builders.mentor(world.dod)], [builders.mentee(world.dod)])
    db.session.commit()
    curator = login_as(world.curator)
    assert curator.get(f"{R}/pairs/{other.id}/plan").status_code == 404
    assert curator.post(f"{R}/pairs/{pair.id}/plan/999/done", data={"done": "1"}).status_code == 404
