"""A minor never reaches the public registry without a guardian's consent, whichever path changes the facts the
public copy depends on (birth date, category, consents), and a guardian's consent ends at 18 by the date alone."""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.extensions import db
from registry.mentoring.models import Mentor
from registry.mentoring.services import consents
from registry.mentoring.vocab import ConsentKind, GivenBy, MentorCategory
from scheduler.jobs import JOBS
from scheduler.public_copies import recompute_public_copies
from tests.registry.mentoring import builders
from tests.registry.mentoring.test_import import confirm, upload

R = "/records/27-KHV-S1"


def is_public_everywhere(client, mentor_id: int) -> bool:
    page, api = client.get(f"/registry/mentors/{mentor_id}"), client.get(f"/api/v1/public/mentors/{mentor_id}")
    assert page.status_code == api.status_code, (page.status_code, api.status_code)
    return page.status_code == 200


def test_a_web_edit_making_the_mentor_a_minor_hides_them(world, login_as, client):
    mentor = builders.published(world.school, code="M1")
    builders.commit()
    assert is_public_everywhere(client, mentor.id)
    b = login_as(world.curator)
    response = b.post(f"{R}/mentors/{mentor.id}", {"full_name": mentor.full_name, "category": "student",
                                                   "birth_date": "2012-03-04", "code": "M1",
                                                   "forms": ["student_student"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert not is_public_everywhere(client, mentor.id)
    assert client.get("/api/v1/public/mentors?q=иванова").get_json()["items"] == []


def test_a_student_without_a_birth_date_counts_as_a_minor(world, login_as, client):
    mentor = builders.published(world.school, code="M1")
    builders.commit()
    b = login_as(world.curator)
    b.post(f"{R}/mentors/{mentor.id}", {"full_name": mentor.full_name, "category": "student", "code": "M1",
                                        "forms": ["student_student"]})
    assert not is_public_everywhere(client, mentor.id)


def test_an_import_making_the_mentor_a_minor_hides_them(world, login_as, client):
    mentor = builders.published(world.school, code="M1")
    builders.commit()
    b = login_as(world.curator)
    rows = "code;full_name;category;birth_date;position;forms\nM1;Иванова Мария Петровна;student;04.03.2012;;" \
           "student_student\n"
    assert confirm(b, upload(b, "mentors", rows.encode("utf-8"), "m.csv")).status_code == 302
    db.session.expire_all()
    assert db.session.get(Mentor, mentor.id).category is MentorCategory.student
    assert not is_public_everywhere(client, mentor.id)


def test_a_minor_with_a_guardians_consents_stays_public(world, client):
    mentor = builders.mentor(world.school, category=MentorCategory.student, birth_date=date(2010, 1, 1))
    for kind, fields in ((ConsentKind.processing, []), (ConsentKind.publication, builders.ALL_FIELDS)):
        consents.give(mentor, {"kind": kind, "given_by": GivenBy.guardian, "guardian_name": "Иванов Пётр",
                               "signed_on": date(2024, 9, 1), "fields": fields}, actor=None)
    builders.commit()
    assert is_public_everywhere(client, mentor.id)


def _minor_with_guardian(world, turns_18: date) -> Mentor:
    mentor = builders.mentor(world.school, category=MentorCategory.student,
                             birth_date=turns_18.replace(year=turns_18.year - 18))
    for kind, fields in ((ConsentKind.processing, []), (ConsentKind.publication, builders.ALL_FIELDS)):
        consents.give(mentor, {"kind": kind, "given_by": GivenBy.guardian, "guardian_name": "Иванов Пётр",
                               "signed_on": date(2024, 9, 1), "fields": fields}, actor=None)
    builders.commit()
    return mentor


def test_the_scheduler_hides_a_mentor_whose_guardians_consent_ended_at_18(world, client):
    soon = datetime.now(UTC).date() + timedelta(days=10)
    if soon.month == 2 and soon.day == 29:
        soon += timedelta(days=1)
    mentor = _minor_with_guardian(world, soon)
    assert is_public_everywhere(client, mentor.id)
    # Khabarovsk is UTC+10: the birthday starts there at 14:00 UTC the day before
    eve = datetime(soon.year, soon.month, soon.day, tzinfo=UTC) - timedelta(days=1)
    assert recompute_public_copies(eve + timedelta(hours=13)) == 0
    after = eve + timedelta(hours=14, minutes=30)
    assert recompute_public_copies(after) == 1
    assert not is_public_everywhere(client, mentor.id)
    assert recompute_public_copies(after + timedelta(hours=1)) == 0  # idempotent
    audit = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "publication.recomputed_by_age")).one()
    assert audit.after == {"hidden": [mentor.id], "shown": []}
    assert "public-copies" in {job.name for job in JOBS}


def test_their_own_consent_as_an_adult_makes_them_public_again(world, client):
    mentor = _minor_with_guardian(world, date(2026, 1, 10))
    assert not is_public_everywhere(client, mentor.id)  # already an adult on the guardian's consent
    consents.give(mentor, {"kind": ConsentKind.publication, "given_by": GivenBy.subject,
                           "signed_on": date(2026, 2, 1), "fields": ["full_name"]}, actor=None)
    builders.commit()
    assert is_public_everywhere(client, mentor.id)


def test_a_renamed_or_moved_organization_moves_its_mentors_public_copy(world, client):
    from hierarchy.services import import_file
    from tests.hierarchy.files import csv_file

    mentor = builders.published(world.school)
    builders.commit()
    import_file(csv_file([("organization", "27-KHV-S1", "Гимназия Новоимённая", "27-VAN", "general",
                           "municipality", "")]), filename="units.csv", actor=None)
    db.session.commit()
    found = client.get("/api/v1/public/mentors?q=новоименная&municipality=27-VAN").get_json()["items"]
    assert [item["id"] for item in found] == [mentor.id]
