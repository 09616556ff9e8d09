"""Plausible indicator values for demo and synthetic data: they pass every control ratio of PRODUCT.md §4.

Only `random.Random` instances seeded by the caller are used, so the same seed gives the same values.
"""
import random
from dataclasses import dataclass

#: Typical size (students) and shape of each organization type: (min, max) students, share aged 10–19,
#: share aged 15–19, share of employers among mentors.
_SHAPES = {
    "general": ((120, 1400), (0.52, 0.64), (0.16, 0.24), (0.00, 0.06)),
    "additional": ((300, 2600), (0.50, 0.70), (0.15, 0.28), (0.00, 0.08)),
    "vocational": ((350, 1900), (0.93, 0.99), (0.80, 0.92), (0.15, 0.35)),
}
#: How mentees (students) split across the four student forms of 003 §4, by organization type:
#: student–student, teacher–student, student–pupil, employer–student.
_FORM_WEIGHTS = {
    "general": (0.40, 0.52, 0.04, 0.04),
    "additional": (0.38, 0.56, 0.03, 0.03),
    "vocational": (0.22, 0.38, 0.12, 0.28),
}


@dataclass(frozen=True)
class Profile:
    """What stays the same for an organization from year to year."""

    org_type: str
    students_total: int
    share_10_19: float
    share_15_19: float
    employer_share: float
    teachers_young_total: int


def profile(rng: random.Random, org_type: str, *, size: float = 1.0) -> Profile:
    """Draw an organization's size and age structure; `size` scales the student count (city vs village)."""
    (low, high), age10, age15, employers = _SHAPES[org_type]
    students = max(30, int(rng.randint(low, high) * size))
    return Profile(org_type=org_type, students_total=students, share_10_19=rng.uniform(*age10),
                   share_15_19=rng.uniform(*age15), employer_share=rng.uniform(*employers),
                   teachers_young_total=max(1, int(students / rng.randint(60, 160))))


def _split(rng: random.Random, total: int, weights: tuple[float, ...]) -> list[int]:
    """Split `total` into integer parts roughly proportional to jittered weights; the parts sum to `total`."""
    jittered = [w * rng.uniform(0.7, 1.3) for w in weights]
    scale = sum(jittered)
    parts = [int(total * w / scale) for w in jittered]
    parts[parts.index(max(parts))] += total - sum(parts)
    return parts


def values_for(rng: random.Random, prof: Profile, *, participation: float, growth: float = 1.0) -> dict[str, float]:
    """A complete, valid set of values: `participation` is the share of students who are mentees (0–1)."""
    students = max(30, int(prof.students_total * growth))
    age_10_19 = int(students * prof.share_10_19)
    age_15_19 = min(age_10_19, int(students * prof.share_15_19))
    mentees = min(students, int(students * participation))
    full_cycle = int(mentees * rng.uniform(0.45, 0.8))
    mentees_10_19 = min(age_10_19, int(mentees * rng.uniform(0.55, 0.85)))
    teachers_young = max(1, int(prof.teachers_young_total * rng.uniform(0.85, 1.15)))
    teachers_supported = int(teachers_young * rng.uniform(0.55, 1.0))

    mentors_students = int(age_15_19 * rng.uniform(0.05, 0.13))
    mentors_15_19 = int(mentors_students * rng.uniform(0.8, 1.0))
    mentors_teachers = max(1, int(mentees / rng.uniform(6, 12)))
    mentors_employers = int((mentors_teachers + mentors_students) * prof.employer_share)
    mentors_social = rng.randint(0, max(1, mentors_teachers // 8))
    mentors_total = mentors_teachers + mentors_students + mentors_employers + mentors_social

    s_s, t_s, s_p, e_s = _split(rng, mentees, _FORM_WEIGHTS[prof.org_type])
    values: dict[str, float] = {
        "students_total": students,
        "students_age_10_19": age_10_19,
        "students_age_15_19": age_15_19,
        "mentees_students": mentees,
        "mentees_students_full_cycle": full_cycle,
        "mentees_age_10_19": mentees_10_19,
        "teachers_young_total": teachers_young,
        "teachers_young_supported": teachers_supported,
        "mentors_total": mentors_total,
        "mentors_teachers": mentors_teachers,
        "mentors_students": mentors_students,
        "mentors_employers": mentors_employers,
        "mentors_social_partners": mentors_social,
        "mentors_students_age_15_19": mentors_15_19,
        "mentees_form_student_student": s_s,
        "mentees_form_teacher_teacher": teachers_supported,
        "mentees_form_teacher_student": t_s,
        "mentees_form_student_pupil": s_p,
        "mentees_form_employer_student": e_s,
        "pairs_total": int((mentees + teachers_supported) * rng.uniform(0.55, 0.85)),
        "groups_total": rng.randint(1, max(2, mentees // 40)),
        "partner_enterprises_with_mentors": min(mentors_employers, rng.randint(0, 3 + mentors_employers // 5)),
        "mentee_survey_respondents": 0 if rng.random() < 0.05 else int(mentees * rng.uniform(0.3, 0.8)),
        "mentor_survey_respondents": int(mentors_total * rng.uniform(0.5, 1.0)),
    }
    # a satisfaction percentage is given exactly when someone answered the survey
    if values["mentee_survey_respondents"]:
        values["mentee_satisfaction_pct"] = round(rng.uniform(72, 96), 1)
    if values["mentor_survey_respondents"]:
        values["mentor_satisfaction_pct"] = round(rng.uniform(76, 98), 1)
    return values


def values_from_records(rng: random.Random, prof: Profile, counts: dict[str, int], *, students_total: int) -> dict:
    """A complete, valid set of values whose counts are the records' own (`counts`, from counts_from_records):
    only what the records cannot count is drawn — the organization's size and age structure, young teachers in
    total (the denominator of R7) and the surveys (no survey ran in the demo)."""
    mentees = counts["mentees_students"]
    students = max(students_total, mentees + counts["mentors_students"], 30)
    # R8 stays plausible: the older students outnumber their mentors among them about tenfold
    age_15_19 = max(int(students * prof.share_15_19),
                    int(counts["mentors_students_age_15_19"] / rng.uniform(0.08, 0.14)))
    age_10_19 = min(students, max(int(students * prof.share_10_19), counts["mentees_age_10_19"], age_15_19))
    supported = counts["teachers_young_supported"]
    values: dict[str, float] = {
        **counts,
        "students_total": students,
        "students_age_10_19": age_10_19,
        "students_age_15_19": min(age_15_19, age_10_19),
        "teachers_young_total": supported + rng.randint(1, max(2, supported // 2 + 1)),
        "mentee_survey_respondents": 0 if rng.random() < 0.05 else int(mentees * rng.uniform(0.3, 0.8)),
        "mentor_survey_respondents": int(counts["mentors_total"] * rng.uniform(0.5, 1.0)),
    }
    if values["mentee_survey_respondents"]:
        values["mentee_satisfaction_pct"] = round(rng.uniform(72, 96), 1)
    if values["mentor_survey_respondents"]:
        values["mentor_satisfaction_pct"] = round(rng.uniform(76, 98), 1)
    return values
