"""The demo's personalised records of one organization, planned in memory (no database): mentors, mentees and their
pairs and groups in all five forms, over two school years, sized by the organization's type.

Cohorts, so both campaigns have records: pairs of last spring (finished with full cycle last year), of last autumn
(finished this May), of this spring (short programmes, finished) and of this autumn (working now). Dates are never
later than `today`: a programme whose end has not come yet is still working. Only `random.Random(seed)` is used, so
the same organization, year and day give the same records.
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from registry.demo.names import Name, guardian, person
from registry.demo.partners import Entry
from registry.demo.texts import competences, position, request
from registry.mentoring.models.people import age_on
from registry.mentoring.vocab import ROLE_MODELS, Form, Kind, MenteeCategory, MentorCategory, PairStatus

#: Student mentees over both school years: (city, elsewhere) ranges by organization type.
_MENTEES = {"general": ((150, 250), (100, 180)), "additional": ((110, 220), (80, 150)),
            "vocational": ((240, 340), (160, 240))}
#: Teachers mentored (young teachers mostly) by organization type.
_TEACHERS = {"general": (3, 6), "additional": (2, 4), "vocational": (3, 7)}
#: Student forms' shares by type: student–student, teacher–student, student–pupil, employer–student (values.py).
_FORMS = {"general": (0.38, 0.50, 0.06, 0.06), "additional": (0.36, 0.54, 0.05, 0.05),
          "vocational": (0.22, 0.36, 0.12, 0.30)}
#: Mentees per pair or group by form: (smallest, largest) and the chance of a one-to-one pair.
_SIZES = {Form.student_student: ((2, 4), 0.45), Form.teacher_student: ((3, 8), 0.2),
          Form.student_pupil: ((2, 5), 0.3), Form.employer_student: ((2, 5), 0.35),
          Form.teacher_teacher: ((1, 1), 1.0)}
#: Cohort shares: last spring, last autumn, this spring, this autumn.
_COHORTS = (("spring-1", 0.25), ("autumn-1", 0.30), ("spring", 0.10), ("autumn", 0.35))
#: Mentee ages at the start, by form, at a school or centre / at a college.
_AGES = {Form.student_student: ((10, 15), (15, 18)), Form.teacher_student: ((7, 17), (15, 19)),
         Form.student_pupil: ((10, 14), (12, 15)), Form.employer_student: ((14, 17), (16, 20))}
TERMINATIONS = ("наставляемый переведён в другую образовательную организацию",
                "программа прекращена по заявлению законного представителя наставляемого")


@dataclass
class MentorPlan:
    name: Name
    birth_date: date
    category: MentorCategory
    position: str
    competences: str
    partner_inn: str | None = None
    forms: set = field(default_factory=set)
    left_on: date | None = None
    uses: int = 0


@dataclass
class MenteePlan:
    name: Name
    birth_date: date
    category: MenteeCategory
    request: str
    guardian: str
    full_cycle_on: date | None = None
    left_on: date | None = None


@dataclass
class PairPlan:
    form: Form
    role_model: str
    kind: Kind
    start_on: date
    end_on: date
    status: PairStatus
    order_ref: str
    closed_on: date | None
    close_reason: str
    #: (mentor index, joined, left, leave reason, replaced by index)
    mentors: list
    #: (mentee index, joined)
    mentees: list


@dataclass
class OrgPlan:
    code: str
    mentors: list[MentorPlan] = field(default_factory=list)
    mentees: list[MenteePlan] = field(default_factory=list)
    pairs: list[PairPlan] = field(default_factory=list)


class Planner:
    def __init__(self, code: str, org_type: str, city: bool, year: int, today: date, partners: list[Entry]):
        self.rng = random.Random(f"records:{code}:{year}")
        self.plan = OrgPlan(code)
        self.org_type, self.city, self.year, self.today = org_type, city, year, today
        self.vocational = org_type == "vocational"
        self.enterprises = [p for p in partners if p.kind.value == "enterprise"]
        self.others = [p for p in partners if p.kind.value != "enterprise"]

    # dates ----------------------------------------------------------------------------------------------------
    def day(self, year: int, month: int, first: int, last: int) -> date:
        return min(date(year, month, self.rng.randint(first, last)), self.today)

    def window(self, cohort: str, form: Form) -> tuple[date, date]:
        y = self.year
        start = {"spring-1": lambda: self.day(y - 1, self.rng.randint(1, 2), 10, 28),
                 "autumn-1": lambda: self.day(y - 1, self.rng.choice((9, 10)), 2, 28),
                 "spring": lambda: self.day(y, self.rng.randint(1, 2), 12, 28),
                 "autumn": lambda: self.day(y, self.rng.choice((9, 10)), 2, 28)}[cohort]()
        ends_in = start.year + 1 if start.month >= 9 else start.year
        if form is Form.teacher_teacher and cohort.startswith("autumn"):
            ends_in += 1  # the young teacher's two-year programme
        return start, date(ends_in, self.rng.choice((5, 6)), self.rng.randint(1, 25))

    def born(self, on: date, low: int, high: int) -> date:
        return on - timedelta(days=int(self.rng.randint(low, high) * 365.25) + self.rng.randint(10, 350))

    # people ---------------------------------------------------------------------------------------------------
    def mentor(self, category: MentorCategory, form: Form, on: date, partner: Entry | None = None) -> int:
        if category is MentorCategory.student:
            college = self.vocational or form is Form.student_pupil
            birth = self.born(on, *((17, 20) if college else (12, 16)))
            gender = None
        elif category is MentorCategory.teacher:
            birth, gender = self.born(on, 28, 62), "f" if self.rng.random() < 0.8 else "m"
        else:
            birth, gender = self.born(on, 26, 58), "m" if self.rng.random() < 0.65 else "f"
        name = person(self.rng, birth.year, gender)
        self.plan.mentors.append(MentorPlan(
            name, birth, category, position(self.rng, category, self.org_type, form, partner, on, birth),
            competences(self.rng, category, form), partner.inn if partner else None))
        return len(self.plan.mentors) - 1

    def pick_mentor(self, category: MentorCategory, form: Form, on: date, max_uses: int, p_new: float,
                    partner: Entry | None = None) -> int:
        pool = [i for i, m in enumerate(self.plan.mentors)
                if m.category is category and m.uses < max_uses and m.left_on is None
                and (partner is None or m.partner_inn == partner.inn)
                and (category is not MentorCategory.student or form in m.forms or not m.forms)]
        index = self.rng.choice(pool) if pool and self.rng.random() > p_new else self.mentor(category, form, on,
                                                                                                 partner)
        self.plan.mentors[index].uses += 1
        self.plan.mentors[index].forms.add(form)
        return index

    def mentee(self, category: MenteeCategory, form: Form, on: date) -> int:
        if category is MenteeCategory.student:
            low, high = _AGES[form][1 if self.vocational else 0]
            birth = self.born(on, low, high)
        else:
            birth = self.born(on, 22, 30) if category is MenteeCategory.young_teacher else self.born(on, 30, 52)
        name = person(self.rng, birth.year, None if category is MenteeCategory.student else (
            "f" if self.rng.random() < 0.8 else "m"))
        minor = age_on(birth, on) < 18
        self.plan.mentees.append(MenteePlan(name, birth, category, request(self.rng, form),
                                            guardian(self.rng, name) if minor else ""))
        return len(self.plan.mentees) - 1

    # pairs ----------------------------------------------------------------------------------------------------
    def build(self) -> OrgPlan:
        city_range, rural_range = _MENTEES[self.org_type]
        total = self.rng.randint(*(city_range if self.city else rural_range))
        shares = [w * self.rng.uniform(0.8, 1.2) for w in _FORMS[self.org_type]]
        student_forms = (Form.student_student, Form.teacher_student, Form.student_pupil, Form.employer_student)
        for form, share in zip(student_forms, shares, strict=True):
            self.form_pairs(form, max(4, round(total * share / sum(shares))))
        self.form_pairs(Form.teacher_teacher, self.rng.randint(*_TEACHERS[self.org_type]) * 2)
        self.replacement()
        return self.plan

    def form_pairs(self, form: Form, quota: int) -> None:
        (low, high), one_to_one = _SIZES[form]
        cohorts = [c for c, _ in _COHORTS]
        weights = [w for _, w in _COHORTS]
        while quota > 0:
            size = 1 if self.rng.random() < one_to_one else min(quota, self.rng.randint(low, high))
            cohort = self.rng.choices(cohorts, weights)[0]
            self.pair(form, max(1, min(size, quota)), cohort)
            quota -= size

    def pair(self, form: Form, size: int, cohort: str) -> None:
        start, end = self.window(cohort, form)
        mentors = [self.pick_mentor_for(form, start)]
        if form is Form.teacher_student and size >= 6 and self.rng.random() < 0.3:
            second = self.pick_mentor(MentorCategory.teacher, form, start, 3, 0.3)
            if second != mentors[0]:
                mentors.append(second)
        category = MenteeCategory.student
        if form is Form.teacher_teacher:
            category = MenteeCategory.young_teacher if self.rng.random() < 0.8 else MenteeCategory.teacher
        mentees = [self.mentee(category, form, start) for _ in range(size)]
        models = [code for code, (_, f) in ROLE_MODELS.items() if f is form]
        if form is Form.employer_student:
            employer = self.plan.mentors[mentors[0]].category is MentorCategory.employer
            models = ["employer_student" if self.vocational else "employer_pupil"] if employer else ["social_partner"]
        kind = Kind.group if size > 1 else self.rng.choice((Kind.traditional, Kind.traditional, Kind.situational,
                                                              Kind.virtual))
        status, closed, reason = self.outcome(cohort, end)
        order_day = max(start - timedelta(days=self.rng.randint(1, 6)), date(start.year, 1, 9))
        self.plan.pairs.append(PairPlan(
            form, self.rng.choice(models), kind, start, end, status,
            "" if status is PairStatus.forming else
            f"приказ № {self.rng.randint(12, 190)}-о от {order_day:%d.%m.%Y}", closed, reason,
            [(m, start, None, None, None) for m in mentors], [(m, start) for m in mentees]))
        for index in mentees:
            mentee = self.plan.mentees[index]
            if status is PairStatus.completed and self.rng.random() < 0.88:
                mentee.full_cycle_on = closed
            if status is PairStatus.terminated and reason == TERMINATIONS[0]:
                mentee.left_on = closed

    def pick_mentor_for(self, form: Form, start: date) -> int:
        if form is Form.teacher_teacher:
            return self.pick_mentor(MentorCategory.teacher, form, start, 2, 0.5)
        if form is Form.teacher_student:
            return self.pick_mentor(MentorCategory.teacher, form, start, 3, 0.35)
        if form in (Form.student_student, Form.student_pupil):
            return self.pick_mentor(MentorCategory.student, form, start, 3, 0.45)
        if self.enterprises and (not self.others or self.rng.random() < 0.8):
            return self.pick_mentor(MentorCategory.employer, form, start, 2, 0.5, self.rng.choice(self.enterprises))
        return self.pick_mentor(MentorCategory.social_partner, form, start, 2, 0.5, self.rng.choice(self.others))

    def outcome(self, cohort: str, end: date) -> tuple[PairStatus, date | None, str]:
        roll = self.rng.random()
        if cohort != "autumn" and end <= self.today:
            if roll < 0.05:
                closed = end - timedelta(days=self.rng.randint(40, 90))
                return PairStatus.terminated, closed, self.rng.choice(TERMINATIONS)
            return PairStatus.completed, end, ""
        if cohort == "autumn" and roll < 0.08:
            return PairStatus.forming, None, ""
        return (PairStatus.approved if roll < 0.18 else PairStatus.active), None, ""

    def replacement(self) -> None:
        """One group of last autumn changed its mentor in January: the mentor moved to another job (and left the
        programme) or, when they lead other groups too, the group asked for another mentor."""
        on = date(self.year, 1, self.rng.randint(12, 28))
        candidates = [p for p in self.plan.pairs if p.form is Form.teacher_student and p.start_on < on
                      and p.status in (PairStatus.active, PairStatus.completed) and (p.closed_on or on) >= on]
        if not candidates or on > self.today:
            return
        pair = self.rng.choice(candidates)
        old = pair.mentors[0][0]
        new = self.mentor(MentorCategory.teacher, pair.form, on)
        self.plan.mentors[new].forms.add(pair.form)
        self.plan.mentors[new].uses += 1
        alone = self.plan.mentors[old].uses == 1  # left the organization, or only this group
        pair.mentors[0] = (old, pair.start_on, on, "transfer" if alone else "incompatibility", new)
        pair.mentors.append((new, on, None, None, None))
        if alone:
            self.plan.mentors[old].left_on = on


def plan(code: str, org_type: str, city: bool, year: int, today: date, partners: list[Entry]) -> OrgPlan:
    """The records of one organization for the campaign `year` (and the school year before it)."""
    return Planner(code, org_type, city, year, today, partners).build()
