"""Record services: consents, the public projection, pairs with many members, mentor replacement, audit."""
from datetime import date

import pytest
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.core.errors import InvalidTransition, ValidationFailed
from registry.extensions import db
from registry.mentoring.services import consents, pairs, people
from registry.mentoring.vocab import ConsentKind, Form, GivenBy, Kind, PairStatus, ReplacementReason
from tests.registry.mentoring import builders


def test_publication_needs_a_processing_consent_first(world):
    person = builders.mentor(world.school)
    with pytest.raises(ValidationFailed) as error:
        builders.consent_publication(person)
    assert "обработку" in error.value.fields["kind"][0]
    assert person.is_public is False


def test_mentees_are_never_published(world):
    kid = builders.mentee(world.school)
    builders.consent_processing(kid, guardian="Мама")
    with pytest.raises(ValidationFailed) as error:
        consents.give(kid, {"kind": ConsentKind.publication, "given_by": GivenBy.guardian, "guardian_name": "Мама",
                            "signed_on": date(2024, 9, 1), "fields": ["full_name"]}, actor=None)
    assert "никогда не публикуются" in error.value.fields["kind"][0]


def test_a_minor_student_mentor_also_needs_a_guardian(world):
    teen = builders.mentor(world.school, "Подросток", category="student", birth_date=date(2011, 1, 1))
    with pytest.raises(ValidationFailed) as error:
        builders.consent_processing(teen)
    assert "законный представитель" in error.value.fields["given_by"][0]
    builders.consent_processing(teen, guardian="Отец Подростка")


def test_a_new_consent_supersedes_the_old_one_and_narrows_the_public_fields(world):
    person = builders.published(world.school)
    assert "competences" in person.public_fields.split(",")
    builders.consent_publication(person, ["full_name"])
    assert person.public_fields == "full_name" and "проектная" not in person.search_text
    assert len([c for c in consents.history(person) if c.is_active]) == 2  # processing + the new publication


def test_withdrawing_processing_ends_publication_in_one_action(world):
    person = builders.published(world.school)
    ended = consents.withdraw(consents.active(person, ConsentKind.processing), actor=world.curator)
    assert {c.kind for c in ended} == {ConsentKind.processing, ConsentKind.publication}
    assert person.is_public is False and person.search_text is None and person.public_organization_id is None
    with pytest.raises(InvalidTransition):
        consents.withdraw(ended[0], actor=world.curator)


def test_a_mentor_who_left_is_not_public_and_edits_refresh_the_projection(world):
    person = builders.published(world.school)
    people.update_mentor(person, {"full_name": "Новая Фамилия"}, actor=None)
    assert person.sort_name == "новая фамилия" and "новая фамилия" in person.search_text
    people.update_mentor(person, {"left_on": date(2025, 1, 1)}, actor=None)
    assert person.is_public is False


def test_many_mentors_per_mentee_and_many_mentees_per_mentor(world):
    a, b = builders.mentor(world.school, "А"), builders.mentor(world.school, "Б")
    kid, other = builders.mentee(world.school, "Ребёнок"), builders.mentee(world.school, "Другой")
    first = builders.pair(world.school, [a, b], [kid])
    second = builders.pair(world.school, [a], [other], form=Form.student_student)
    pairs.add_mentee(second, kid.id, on=date(2024, 10, 1), actor=None)
    assert {m.full_name for m in first.current_mentors} == {"А", "Б"}
    assert second.is_group and not first.is_group


def test_group_kind_needs_two_mentees_and_people_of_the_same_organization(world):
    a, kid = builders.mentor(world.school), builders.mentee(world.school)
    with pytest.raises(ValidationFailed, match="Пара не сохранена"):
        builders.pair(world.school, [a], [kid], kind=Kind.group)
    stranger = builders.mentee(world.van_school)
    with pytest.raises(ValidationFailed) as error:
        builders.pair(world.school, [a], [stranger])
    assert "из записей этой организации" in error.value.fields["mentee_ids"][0]


def test_replacing_a_mentor_keeps_who_left_when_and_why(world):
    old, new = builders.mentor(world.school, "Старый"), builders.mentor(world.school, "Новый")
    pair = builders.pair(world.school, [old], [builders.mentee(world.school)])
    with pytest.raises(ValidationFailed):
        pairs.replace_mentor(pair, old_id=old.id, new_id=new.id, reason=ReplacementReason.other, comment="",
                             on=date(2024, 12, 1), actor=world.curator)
    pairs.replace_mentor(pair, old_id=old.id, new_id=new.id, reason=ReplacementReason.incompatibility, comment="",
                         on=date(2024, 12, 1), actor=world.curator)
    builders.commit()
    left = pair.mentor_links[0]
    assert (left.left_on, left.leave_reason, left.replaced_by) == (date(2024, 12, 1),
                                                                   ReplacementReason.incompatibility, new)
    assert pair.current_mentors == [new]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "pair.mentor_replaced"))
    assert entry.after == {"mentor": new.id, "reason": "incompatibility"} and entry.actor_id == world.curator.id


def test_closed_pairs_cannot_change(world):
    pair = builders.pair(world.school, [builders.mentor(world.school)], [builders.mentee(world.school)])
    pairs.terminate(pair, on=date(2024, 10, 1), reason="переезд", actor=None)
    assert pair.status is PairStatus.terminated
    with pytest.raises(InvalidTransition):
        pairs.add_mentor(pair, builders.mentor(world.school, "Ещё").id, on=date(2024, 10, 2), actor=None)
    with pytest.raises(InvalidTransition):
        pairs.activate(pair, actor=None)


def test_audit_never_copies_personal_values(world):
    person = builders.mentor(world.school, "Аудитова Ирина")
    people.update_mentor(person, {"full_name": "Аудитова-Петрова Ирина", "position": "директор"}, actor=None)
    builders.commit()
    texts = [str((e.before, e.after, e.comment)) for e in db.session.scalars(sa.select(AuditEntry))]
    assert not any("Аудитова" in t for t in texts)
    assert any("'full_name'" in t for t in texts)
