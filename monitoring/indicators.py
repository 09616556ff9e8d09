"""Indicator codes, Russian labels, control ratios and computed indicators (PRODUCT.md §4)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    group: str
    #: "count" (integer ≥ 0) or "percent" (0–100, may be fractional).
    kind: str = "count"
    help: str = ""


GROUPS = {
    "students": "Обучающиеся",
    "mentees": "Наставляемые",
    "teachers": "Молодые педагоги",
    "mentors": "Наставники",
    "forms": "Наставляемые по формам наставничества",
    "pairs": "Пары, группы и партнёры",
    "survey": "Опросы удовлетворённости",
}

FIELDS: tuple[Field, ...] = (
    Field("students_total", "Численность обучающихся, всего", "students"),
    Field("students_age_10_19", "из них в возрасте 10–19 лет", "students"),
    Field("students_age_15_19", "из них в возрасте 15–19 лет", "students"),
    Field("mentees_students", "Обучающиеся, вовлечённые в программы наставничества в роли наставляемого", "mentees"),
    Field("mentees_students_full_cycle", "из них прошедшие полный цикл программы", "mentees",
          help="Отметка «полный цикл пройден» в персонифицированном учёте."),
    Field("mentees_age_10_19", "наставляемые в возрасте 10–19 лет", "mentees"),
    Field("teachers_young_total", "Педагоги до 35 лет в первые три года работы", "teachers"),
    Field("teachers_young_supported", "из них вовлечённые в формы поддержки и наставничества", "teachers"),
    Field("mentors_total", "Наставников, всего", "mentors",
          help="Сумма четырёх категорий ниже должна быть равна этому числу."),
    Field("mentors_teachers", "наставники — педагоги", "mentors"),
    Field("mentors_students", "наставники — обучающиеся", "mentors"),
    Field("mentors_employers", "наставники — представители работодателей", "mentors"),
    Field("mentors_social_partners", "наставники — представители социальных партнёров", "mentors"),
    Field("mentors_students_age_15_19", "Обучающиеся 15–19 лет в роли наставника", "mentors"),
    Field("mentees_form_student_student", "форма «ученик — ученик»", "forms"),
    Field("mentees_form_teacher_teacher", "форма «учитель — учитель»", "forms"),
    Field("mentees_form_teacher_student", "форма «учитель — ученик»", "forms"),
    Field("mentees_form_student_pupil", "форма «студент — ученик»", "forms"),
    Field("mentees_form_employer_student", "форма «работодатель — ученик (студент)»", "forms"),
    Field("pairs_total", "Наставнических пар", "pairs"),
    Field("groups_total", "Наставнических групп", "pairs"),
    Field("partner_enterprises_with_mentors", "Предприятий-партнёров, предоставивших наставников", "pairs"),
    Field("mentee_survey_respondents", "Наставляемых, ответивших на опрос", "survey"),
    Field("mentee_satisfaction_pct", "Удовлетворённость наставляемых, %", "survey", kind="percent",
          help="Заполняется, только если на опрос ответил хотя бы один наставляемый."),
    Field("mentor_survey_respondents", "Наставников, ответивших на опрос", "survey"),
    Field("mentor_satisfaction_pct", "Удовлетворённость наставников, %", "survey", kind="percent",
          help="Заполняется, только если на опрос ответил хотя бы один наставник."),
)
FIELD_BY_CODE = {f.code: f for f in FIELDS}
CODES = tuple(f.code for f in FIELDS)
PERCENT_CODES = frozenset(f.code for f in FIELDS if f.kind == "percent")
#: Percent fields are means, not sums: they are aggregated weighted by their respondents.
SURVEY_PAIRS = {"mentee_satisfaction_pct": "mentee_survey_respondents",
                "mentor_satisfaction_pct": "mentor_survey_respondents"}

STUDENT_FORMS = ("mentees_form_student_student", "mentees_form_teacher_student",
                 "mentees_form_student_pupil", "mentees_form_employer_student")
MENTOR_CATEGORIES = ("mentors_teachers", "mentors_students", "mentors_employers", "mentors_social_partners")

#: (smaller, larger): a hard error on `smaller` when it exceeds `larger`.
NOT_GREATER = (
    ("mentees_students", "students_total"),
    ("mentees_students_full_cycle", "mentees_students"),
    ("students_age_15_19", "students_age_10_19"),
    ("students_age_10_19", "students_total"),
    ("mentees_age_10_19", "students_age_10_19"),
    ("mentors_students_age_15_19", "students_age_15_19"),
    ("teachers_young_supported", "teachers_young_total"),
    *((form, "mentees_students") for form in STUDENT_FORMS),
    ("mentees_age_10_19", "mentees_students"),
    ("mentors_students_age_15_19", "mentors_students"),
    ("partner_enterprises_with_mentors", "mentors_employers"),
    ("mentor_survey_respondents", "mentors_total"),
)

#: Mentees of every role: students (the student forms add up within them), teachers in «учитель — учитель» and
#: young teachers supported (an upper bound: a young teacher may be counted in both teacher fields).
MENTEE_CODES = ("mentees_students", "mentees_form_teacher_teacher", "teachers_young_supported")


def _add(errors: dict[str, list[str]], code: str, message: str) -> None:
    errors.setdefault(code, []).append(message)


def check_values(values: dict[str, float], *, complete: bool) -> dict[str, list[str]]:
    """Return the control-ratio errors per field; `complete` also requires every value (for submit)."""
    errors: dict[str, list[str]] = {}
    for code, value in values.items():
        field = FIELD_BY_CODE.get(code)
        if field is None:
            _add(errors, code, "Неизвестный показатель.")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            _add(errors, code, "Нужно число.")
        elif value < 0:
            _add(errors, code, "Значение не может быть отрицательным.")
        elif field.kind == "count" and value != int(value):
            _add(errors, code, "Нужно целое число.")
        elif field.kind == "percent" and value > 100:
            _add(errors, code, "Процент должен быть от 0 до 100.")
    if errors:
        return errors
    if complete:
        for field in FIELDS:
            respondents = SURVEY_PAIRS.get(field.code)
            optional = respondents is not None and not values.get(respondents)
            if field.code not in values and not optional:
                _add(errors, field.code, "Заполните показатель: без него отчёт нельзя отправить.")
    for small, large in NOT_GREATER:
        if small in values and large in values and values[small] > values[large]:
            _add(errors, small, f"Не может превышать показатель «{FIELD_BY_CODE[large].label}» "
                                f"({_fmt(values[large])}).")
    if "mentors_total" in values and all(c in values for c in MENTOR_CATEGORIES):
        total = sum(values[c] for c in MENTOR_CATEGORIES)
        if total != values["mentors_total"]:
            _add(errors, "mentors_total", f"Должно равняться сумме наставников по четырём категориям ({_fmt(total)}).")
    _check_pairs(values, errors, complete=complete)
    for pct, respondents in SURVEY_PAIRS.items():
        if values.get(respondents) == 0 and pct in values:
            _add(errors, pct, "Укажите процент, только если на опрос кто-то ответил (число ответивших > 0).")
    return errors


def _check_pairs(values: dict[str, float], errors: dict[str, list[str]], *, complete: bool) -> None:
    """Pairs and groups against the mentees: «пар ≤ наставляемых», «группы согласованы с парами» (a pair has one
    mentee, a group at least two, a mentee is in one pair or group), mentees need a pair or a group; mentee
    respondents ≤ mentees. «Заполнить из учёта» passes them: every mentee of the records is in mentees_students or
    mentees_form_teacher_teacher (registry.mentoring.queries.mentees_by_form)."""
    if not all(code in values for code in MENTEE_CODES):
        return
    mentees = sum(values[code] for code in MENTEE_CODES)
    what = f"всего наставляемых ({_fmt(mentees)}: обучающиеся, педагоги в форме «учитель — учитель» и молодые педагоги)"
    pairs, groups = values.get("pairs_total"), values.get("groups_total")
    if pairs is not None and pairs > mentees:
        _add(errors, "pairs_total", f"Пар не может быть больше, чем {what}: у каждой пары свой наставляемый.")
    elif pairs is not None and groups is not None and pairs + 2 * groups > mentees:
        _add(errors, "groups_total", f"Группы не согласуются с парами: в паре один наставляемый, в группе — не меньше "
                                     f"двух, значит, для {_fmt(pairs)} пар и {_fmt(groups)} групп нужно не меньше "
                                     f"{_fmt(pairs + 2 * groups)} наставляемых, а {what}.")
    if complete and mentees > 0 and pairs == 0 and groups == 0:
        _add(errors, "pairs_total", "Наставляемые есть, а пар и групп нет: укажите наставнические пары или группы.")
    respondents = values.get("mentee_survey_respondents")
    if respondents is not None and respondents > mentees:
        _add(errors, "mentee_survey_respondents", f"Ответивших на опрос не может быть больше, чем {what}.")


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    #: Baseline targets by year (003 §5.1; 2021–2023 from the federal trajectory in 001).
    targets: dict[int, float] | None
    #: "percent" (a share 0–100 or a mean %) or "count" (F2, a number of people).
    unit: str = "percent"


_SHARE_TARGETS = {2020: 10, 2021: 30, 2022: 40, 2023: 50, 2024: 70}
_SATISFACTION_TARGETS = {2020: 50, 2021: 55, 2022: 65, 2023: 75, 2024: 85}
INDICATORS: tuple[Indicator, ...] = (
    Indicator("R2", "Доля обучающихся общеобразовательных организаций в наставничестве", _SHARE_TARGETS),
    Indicator("R4", "Доля обучающихся организаций дополнительного образования в наставничестве", _SHARE_TARGETS),
    Indicator("R6", "Доля обучающихся профессиональных организаций в наставничестве", _SHARE_TARGETS),
    Indicator("R7", "Доля молодых педагогов (до 35 лет, первые 3 года), вовлечённых в наставничество", _SHARE_TARGETS),
    Indicator("R8", "Доля обучающихся 15–19 лет в роли наставника", {2020: 2, 2021: 4, 2022: 6, 2023: 8, 2024: 10}),
    Indicator("R9", "Доля предприятий, предоставивших наставников", {2020: 2, 2021: 10, 2022: 16, 2023: 24, 2024: 30}),
    Indicator("R10", "Удовлетворённость наставляемых, %", _SATISFACTION_TARGETS),
    Indicator("R11", "Удовлетворённость наставников, %", _SATISFACTION_TARGETS),
    Indicator("I1", "Интегральный показатель: доля прошедших полный цикл", None),
    Indicator("F1", "Федеральная доля участников наставничества", None),
    Indicator("F2", "Число участников наставничества (наставляемые всех категорий и наставники)", None,
              unit="count"),
)
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}


def default_target(code: str, year: int) -> float | None:
    """The built-in target; years after the last one carry the last target (PRODUCT.md §4)."""
    targets = INDICATOR_BY_CODE[code].targets
    if not targets:
        return None
    if year in targets:
        return float(targets[year])
    if year > max(targets):
        return float(targets[max(targets)])
    return None


def share(numerator: float | None, denominator: float | None) -> float | None:
    """A percentage, exact (not rounded); None when the denominator is zero."""
    if not denominator:
        return None
    return 100.0 * (numerator or 0) / denominator


#: F2 from reported sums (an organization without records): mentees who are students, mentees who are teachers
#: (the teacher–teacher form counts every teacher mentee) and mentors.
PARTICIPANT_CODES = ("mentees_students", "mentees_form_teacher_teacher", "mentors_total")


def reported_participants(values: dict[str, float]) -> float:
    return sum(values.get(code) or 0 for code in PARTICIPANT_CODES)


def compute_indicators(by_type: dict[str, dict[str, float]], totals: dict[str, float],
                       weighted: dict[str, float], *, enterprises_total: int | None) -> dict[str, float | None]:
    """Compute R2…F2 from sums. `weighted[pct]` is Σ(pct × respondents) for the survey means.

    R9 and F2 here use the reported sums only; monitoring.record_indicators replaces them with the values that
    also read the records (distinct enterprise ИНН, distinct persons) wherever a monitoring source is at hand.
    """
    def of_type(org_type: str, code: str) -> float:
        return by_type.get(org_type, {}).get(code, 0)

    partners = totals.get("partner_enterprises_with_mentors", 0)
    return {
        "R2": share(of_type("general", "mentees_students"), of_type("general", "students_total")),
        "R4": share(of_type("additional", "mentees_students"), of_type("additional", "students_total")),
        "R6": share(of_type("vocational", "mentees_students"), of_type("vocational", "students_total")),
        "R7": share(totals.get("teachers_young_supported"), totals.get("teachers_young_total")),
        "R8": share(totals.get("mentors_students_age_15_19"), totals.get("students_age_15_19")),
        "R9": share(partners, enterprises_total),
        "R10": _mean(weighted.get("mentee_satisfaction_pct"), totals.get("mentee_survey_respondents")),
        "R11": _mean(weighted.get("mentor_satisfaction_pct"), totals.get("mentor_survey_respondents")),
        "I1": share(totals.get("mentees_students_full_cycle"), totals.get("students_total")),
        "F1": share((totals.get("mentees_students") or 0) + (totals.get("mentors_total") or 0),
                    totals.get("students_total")),
        "F2": reported_participants(totals) if totals else None,
    }


def _mean(weighted_sum: float | None, weight: float | None) -> float | None:
    if not weight:
        return None
    return (weighted_sum or 0) / weight
