"""A seeded registry for the public-side tests: every consent situation, with a unique marker in every private value.

Markers are words that can appear in an answer only if that exact value leaked (e.g. «Тайнопись3Должность»).
"""
from dataclasses import dataclass, field
from datetime import date

from registry.mentoring.models import Mentor
from registry.mentoring.services import consents, pairs, partners, people, practices
from registry.mentoring.vocab import (
    AgreementKind,
    AwardTitle,
    ConsentKind,
    Form,
    GivenBy,
    Kind,
    MenteeCategory,
    MentorCategory,
    PartnerKind,
)
from tests.registry.mentoring import builders

#: The СНИЛС of a fully published mentor and of a mentee: never public, in any spelling.
SNILS, KID_SNILS = "112-233-445 95", "123-456-789 64"
FIELD_COLUMNS = {"full_name": "full_name", "position": "position", "competences": "competences",
                 "achievements": "achievements"}


@dataclass
class Seed:
    mentors: list[Mentor] = field(default_factory=list)
    #: Strings that must never appear in a public answer.
    secrets: list[str] = field(default_factory=list)
    #: Strings that must appear somewhere (so the crawl really reached the data).
    expected: list[str] = field(default_factory=list)


def _mentor(world, org, n: int, fields: list[str] | None, *, withdraw: str = "", award: bool = True) -> Mentor:
    values = {"full_name": f"Наставникова{n} Анна", "position": f"Тайнопись{n}Должность",
              "competences": f"Тайнопись{n}Компетенция", "achievements": f"Тайнопись{n}Достижение"}
    person = people.create_mentor(org, {**values, "category": MentorCategory.teacher, "forms": [Form.teacher_student],
                                        "birth_date": date(1980, 1, n), "snils": SNILS if n == 1 else ""},
                                 actor=world.curator)
    if award:
        people.add_award(person, {"title": AwardTitle.honorary_mentor, "year": 2000 + n}, actor=world.curator)
    if fields is not None:
        builders.consent_processing(person)
        builders.consent_publication(person, fields)
    if withdraw:
        consents.withdraw(consents.active(person, ConsentKind(withdraw)), actor=world.curator)
    return person


def build(world) -> Seed:
    seed = Seed()
    full = builders.ALL_FIELDS
    plans = [(world.school, full, ""), (world.school, ["full_name", "organization"], ""),
             (world.van_school, ["competences", "forms"], ""), (world.school, None, ""),
             (world.dod, full, "publication"), (world.dod, full, "processing"), (world.college, ["full_name"], ""),
             (world.school, ["full_name", "awards"], "")]
    for n, (org, fields, withdraw) in enumerate(plans, start=1):
        person = _mentor(world, org, n, fields, withdraw=withdraw)
        seed.mentors.append(person)
        shown = set(fields or []) if not withdraw else set()
        for name, column in FIELD_COLUMNS.items():
            (seed.expected if name in shown else seed.secrets).append(getattr(person, column))
        award = f"Почётный наставник ({2000 + n})"
        (seed.expected if "awards" in shown else seed.secrets).append(award)
        seed.secrets.append(person.birth_date.strftime("%d.%m.%Y"))
    seed.secrets += ["11223344595", "112-233-445", "12345678964", "123-456-789"]
    kids = []
    for n in range(1, 6):
        kid = people.create_mentee(world.school, {"full_name": f"Детёнышев{n} Ребёнок", "category":
                                                  MenteeCategory.student, "birth_date": date(2012, 3, n),
                                                  "request": f"Запроснаставляемого{n}",
                                                  "snils": KID_SNILS if n == 1 else ""}, actor=world.curator)
        consents.give(kid, {"kind": ConsentKind.processing, "given_by": GivenBy.guardian,
                            "guardian_name": f"Родителева{n} Мама", "signed_on": date(2024, 9, 1)},
                      actor=world.curator)
        kids.append(kid)
        seed.secrets += [kid.full_name, f"Детёнышев{n}", kid.request, f"Родителева{n}"]
    pair = pairs.create_pair(world.school, {"form": Form.teacher_student, "kind": Kind.group,
                                            "start_on": date(2024, 9, 1), "role_model": ""},
                             [seed.mentors[0].id], [k.id for k in kids[:3]], actor=world.curator)
    pairs.approve(pair, order_ref="№ 7", actor=world.curator)
    partners.add_agreement(world.van_school, {"inn": "7707083893", "name": "ПАО «Предприятие-Партнёр»",
                                              "partner_kind": PartnerKind.enterprise, "kind": AgreementKind.dual,
                                              "mentors_provided": 2},
                           actor=world.van_curator)
    # an individual entrepreneur, published: the name shows, the personal ИНН never does
    partners.add_agreement(world.van_school, {"inn": "272200000019", "name": "ИП Предпринимателев Пётр",
                                              "partner_kind": PartnerKind.other, "kind": AgreementKind.social},
                           actor=world.van_curator)
    builders.publish_partners(world.operator)
    seed.expected += ["ПАО «Предприятие-Партнёр»", "7707083893", "ИП Предпринимателев Пётр"]
    seed.secrets.append("272200000019")
    # a partner nobody reviewed yet, and another spelling of a published one: neither is public
    partners.add_agreement(world.school, {"inn": "2722000028", "name": "ООО «Тайнопись-Партнёр»",
                                          "partner_kind": PartnerKind.enterprise, "kind": AgreementKind.dual},
                           actor=world.curator)
    partners.add_agreement(world.school, {"inn": "7707083893", "name": "Тайнописькин завод",
                                          "kind": AgreementKind.dual}, actor=world.curator)
    seed.secrets += ["ООО «Тайнопись-Партнёр»", "2722000028", "Тайнописькин завод"]
    shown = practices.create_practice(world.school, {"title": "Практика «Открытая»", "form": Form.teacher_student,
                                                     "role_model": "", "description": "Описание открытой практики",
                                                     "results": ""}, actor=world.curator)
    practices.propose(shown, actor=world.curator)
    practices.approve(shown, actor=world.khv_official)
    seed.expected.append("Практика «Открытая»")
    hidden = practices.create_practice(world.school, {"title": "Практика «Черновик»", "form": Form.teacher_student,
                                                      "role_model": "", "description": "Тайнопись черновика",
                                                      "results": ""}, actor=world.curator)
    practices.propose(hidden, actor=world.curator)
    seed.secrets += ["Практика «Черновик»", "Тайнопись черновика"]
    builders.commit()
    return seed
