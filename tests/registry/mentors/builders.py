"""Two mentors of the KHV school, each with a pair, a mentee and an account; a plan item in the first pair."""
from dataclasses import dataclass

from registry.auth.models import Role, User
from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor, MentoringPair
from registry.programmes import services as programmes
from tests import factories
from tests.registry.mentoring import builders


@dataclass
class Mentors:
    anna: Mentor
    boris: Mentor
    anna_user: User
    boris_user: User
    anna_pair: MentoringPair
    boris_pair: MentoringPair
    anna_kid: Mentee
    boris_kid: Mentee
    item_id: int


def build(world) -> Mentors:
    org = world.school
    anna, boris = builders.mentor(org, "Аннова Анна Андреевна"), builders.mentor(org, "Борисов Борис Борисович")
    anna_kid = builders.mentee(org, "Ребёнков Алексей", request="секретный запрос Алексея")
    boris_kid = builders.mentee(org, "Чужой Виктор", request="секретный запрос Виктора")
    anna_pair, boris_pair = builders.pair(org, [anna], [anna_kid]), builders.pair(org, [boris], [boris_kid])
    item = programmes.add_plan_item(anna_pair, {"kind": "goal", "text": "Подготовить проект", "start_on": "2025-09-01",
                                                "due_on": "2025-12-01"}, actor=world.curator)
    anna_user = factories.user("anna@example.ru", Role.mentor, anna)
    boris_user = factories.user("boris@example.ru", Role.mentor, boris)
    db.session.commit()
    return Mentors(anna, boris, anna_user, boris_user, anna_pair, boris_pair, anna_kid, boris_kid, item.id)
