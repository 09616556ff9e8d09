"""Mentors and mentees carry their organization's region, kept by the database (migration 5e7b2a9c1d84): written
by the app, by a plain Core statement, after a record or an organization moves, and corrected when set by hand.
Region staff's registry reads it (registry.mentoring.access.visible._in_registry_scope)."""
import sqlalchemy as sa

from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor
from registry.mentoring.vocab import MentorCategory
from tests.registry.mentoring import builders


def _stored_region(model, record_id: int) -> int | None:
    """The region as the database holds it (not the ORM's copy, which the database sets behind its back)."""
    return db.session.execute(sa.select(model.__table__.c.region_id).where(model.__table__.c.id == record_id)).scalar()


def test_records_written_by_the_app_and_by_core_carry_their_region(world):
    mentor = builders.mentor(world.school, "Иванова Мария")
    mentee = builders.mentee(world.foreign_school, "Петров Петя")
    core_id = db.session.execute(sa.insert(Mentor.__table__).values(
        organization_id=world.foreign_school.id, full_name="Core Запись", category=MentorCategory.teacher.value,
        position="", forms=0, competences="", achievements="", is_public=False, public_fields="", sort_name="",
        public_forms=0, created_at=sa.func.now()).returning(Mentor.__table__.c.id)).scalar()
    db.session.commit()
    assert _stored_region(Mentor, mentor.id) == world.region.id
    assert _stored_region(Mentee, mentee.id) == world.other_region.id
    assert _stored_region(Mentor, core_id) == world.other_region.id


def test_the_region_follows_a_moved_record_and_a_moved_organization_and_is_not_set_by_hand(world):
    mentor = builders.mentor(world.school, "Иванова Мария")
    mentee = builders.mentee(world.college, "Петров Петя")
    db.session.commit()
    table = Mentor.__table__
    db.session.execute(table.update().where(table.c.id == mentor.id).values(organization_id=world.foreign_school.id))
    assert _stored_region(Mentor, mentor.id) == world.other_region.id
    db.session.execute(table.update().where(table.c.id == mentor.id).values(region_id=world.region.id))
    assert _stored_region(Mentor, mentor.id) == world.other_region.id, "a hand-written region is put right"
    world.college.region_id = world.other_region.id
    db.session.flush()
    assert _stored_region(Mentee, mentee.id) == world.other_region.id
    db.session.rollback()


def test_region_staff_count_the_region_by_its_records_region(world, api_as):
    """The operator's registry (by the records' region) and the officials' (by their organizations) agree."""
    for org, name in ((world.school, "Школьная Анна"), (world.dod, "Косаткина Вера"), (world.van_school, "Ванина Ия"),
                      (world.college, "Колледжев Пётр"), (world.foreign_school, "Биробиджанова Ада")):
        builders.mentor(org, name)
    for org in (world.school, world.college):  # one person (СНИЛС) recorded by two organizations
        builders.mentor(org, "Двойникова Ольга", snils="112-233-445 95")
    db.session.commit()
    operator = api_as(world.operator).get("/api/v1/regions/27/registry/mentors").get_json()
    assert sorted(i["full_name"] for i in operator["items"]) == [
        "Ванина Ия", "Двойникова Ольга", "Двойникова Ольга", "Колледжев Пётр", "Косаткина Вера", "Школьная Анна"], \
        "the other region's record stays out"
    assert (operator["total"], operator["distinct_persons"]) == (6, 5), "records without СНИЛС are a person each"
    khv = api_as(world.khv_official).get("/api/v1/regions/27/registry/mentors").get_json()
    assert (khv["total"], khv["distinct_persons"]) == (3, 3)
    assert sorted(i["full_name"] for i in khv["items"]) == ["Двойникова Ольга", "Косаткина Вера", "Школьная Анна"]
