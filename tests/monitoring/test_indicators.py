"""Control ratios (hard errors per field) and computed indicators (PRODUCT.md §4)."""
import pytest

from monitoring.indicators import CODES, check_values, compute_indicators, default_target, share
from tests.factories import VALID_VALUES


def test_valid_values_pass_and_cover_every_code():
    assert set(VALID_VALUES) == set(CODES)
    assert check_values(VALID_VALUES, complete=True) == {}


@pytest.mark.parametrize(("change", "field"), [
    ({"mentees_students": 1001}, "mentees_students"),
    ({"mentees_students_full_cycle": 201}, "mentees_students_full_cycle"),
    ({"students_age_15_19": 701}, "students_age_15_19"),
    ({"students_age_10_19": 1001, "students_age_15_19": 300}, "students_age_10_19"),
    ({"mentees_age_10_19": 201}, "mentees_age_10_19"),
    ({"mentors_students_age_15_19": 21}, "mentors_students_age_15_19"),
    ({"teachers_young_supported": 21}, "teachers_young_supported"),
    ({"mentees_form_student_pupil": 201}, "mentees_form_student_pupil"),
    ({"partner_enterprises_with_mentors": 7}, "partner_enterprises_with_mentors"),
    ({"mentor_survey_respondents": 61}, "mentor_survey_respondents"),
    ({"mentors_teachers": 31}, "mentors_total"),
    ({"mentee_survey_respondents": 0}, "mentee_satisfaction_pct"),
    ({"mentor_satisfaction_pct": 101}, "mentor_satisfaction_pct"),
    ({"students_total": -1}, "students_total"),
    ({"pairs_total": 1.5}, "pairs_total"),
    ({"groups_total": "7"}, "groups_total"),
])
def test_each_control_ratio_names_its_field(change, field):
    errors = check_values({**VALID_VALUES, **change}, complete=True)
    assert field in errors, errors


def test_draft_may_be_incomplete_but_submit_may_not():
    assert check_values({"students_total": 5}, complete=False) == {}
    missing = check_values({"students_total": 5}, complete=True)
    assert "mentees_students" in missing
    assert "mentee_satisfaction_pct" not in missing  # optional while nobody answered the survey


def test_satisfaction_required_when_respondents_positive():
    values = dict(VALID_VALUES)
    del values["mentor_satisfaction_pct"]
    assert "mentor_satisfaction_pct" in check_values(values, complete=True)


def test_unknown_code_refused():
    assert check_values({"nonsense": 1}, complete=False) == {"nonsense": ["Неизвестный показатель."]}


def test_share_is_exact_and_null_on_zero_denominator():
    assert share(1, 3) == pytest.approx(33.333333333333336)
    assert share(5, 0) is None


def test_indicators_from_sums():
    by_type = {"general": {"mentees_students": 10, "students_total": 40},
               "vocational": {"mentees_students": 1, "students_total": 3}}
    totals = {"students_total": 43, "mentees_students": 11, "mentors_total": 2, "mentees_students_full_cycle": 4,
              "mentee_survey_respondents": 4}
    result = compute_indicators(by_type, totals, {"mentee_satisfaction_pct": 300.0}, enterprises_total=None)
    assert result["R2"] == 25.0
    assert result["R6"] == pytest.approx(100 / 3)
    assert result["R4"] is None
    assert result["R9"] is None
    assert result["R10"] == 75.0
    assert result["F1"] == pytest.approx(100 * 13 / 43)


def test_targets_carry_last_year_forward():
    assert default_target("R2", 2022) == 40
    assert default_target("R2", 2030) == 70
    assert default_target("R8", 2019) is None
    assert default_target("I1", 2024) is None


# VALID_VALUES: at most 225 mentees (200 students + 10 teachers + 15 young teachers), 150 pairs, 12 groups
@pytest.mark.parametrize(("change", "field", "words"), [
    ({"mentee_survey_respondents": 226}, "mentee_survey_respondents", "Ответивших на опрос не может быть больше"),
    ({"pairs_total": 0, "groups_total": 0}, "pairs_total", "а пар и групп нет"),
    ({"pairs_total": 226, "groups_total": 0}, "pairs_total", "Пар не может быть больше, чем всего наставляемых (225"),
    # 202 + 2 × 12 = 226 mentees needed, 225 given
    ({"pairs_total": 202}, "groups_total", "нужно не меньше 226 наставляемых"),
    ({"pairs_total": 0, "groups_total": 113}, "groups_total", "для 0 пар и 113 групп"),
])
def test_pairs_groups_and_respondents_agree_with_mentees(change, field, words):
    errors = check_values({**VALID_VALUES, **change}, complete=True)
    assert list(errors) == [field] and words in errors[field][0], errors


def test_respondents_at_the_limit_pass_and_a_draft_without_pairs_is_kept():
    assert check_values({**VALID_VALUES, "mentee_survey_respondents": 225}, complete=True) == {}
    assert check_values({**VALID_VALUES, "pairs_total": 0, "groups_total": 0}, complete=False) == {}
    assert check_values({**VALID_VALUES, "pairs_total": 201, "groups_total": 12}, complete=True) == {}
    assert check_values({**VALID_VALUES, "pairs_total": 225, "groups_total": 0}, complete=True) == {}
    assert check_values({**VALID_VALUES, "pairs_total": 1, "groups_total": 112}, complete=True) == {}
