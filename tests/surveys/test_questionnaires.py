"""Questionnaires are data: checked at start (a broken file names the file and the field); the score mapping."""
import json
import shutil

import pytest

from registry import create_app
from registry.config import TestConfig
from surveys import questionnaires
from surveys.questionnaires import DIRECTORY, QuestionnaireError, check_answers, load_all, questionnaire, score


def test_the_shipped_questionnaires_load_with_scale_choice_and_text_questions():
    found = load_all()
    assert set(found) == {"mentee", "mentor"}
    for q in found.values():
        assert {x.type for x in q.questions} == {"scale", "choice", "text"}
        assert q.scored and all(x.min == 1 and x.max == 10 for x in q.scored)


@pytest.mark.parametrize(("marks", "expected"), [((1, 1, 1, 1), 0.0), ((10, 10, 10, 10), 100.0),
                                                 ((5, 6, 5, 6), 50.0), ((1, 10, 1, 10), 50.0), ((7, 7, 7, 7), 66.667)])
def test_score_is_the_mean_of_the_scored_scales_mapped_to_0_100(marks, expected):
    q = questionnaire("mentee")
    given = dict(zip(("q1", "q2", "q3", "q4"), marks, strict=True))
    assert score(q, given) == pytest.approx(expected, abs=0.001)


def test_unscored_questions_do_not_change_the_score():
    q = questionnaire("mentee")
    base = {"q1": 4, "q2": 4, "q3": 4, "q4": 4}
    assert score(q, base) == score(q, {**base, "q5": "rarely", "q6": "no", "q7": "текст"}) == pytest.approx(100 / 3)


def test_invalid_answers_are_named_per_question():
    q = questionnaire("mentee")
    _, errors = check_answers(q, {"q1": 11, "q2": "abc", "q3": True, "q5": "never", "zz": 1, "q7": 5})
    assert set(errors) == {"q1", "q2", "q3", "q4", "q5", "q6", "zz", "q7"}
    assert errors["q4"] == ["Ответьте на этот вопрос."]
    clean, errors = check_answers(q, {"q1": "7", "q2": 7.0, "q3": 7, "q4": 7, "q5": "weekly", "q6": "yes"})
    assert errors == {} and clean == {"q1": 7, "q2": 7, "q3": 7, "q4": 7, "q5": "weekly", "q6": "yes"}


def _broken(tmp_path, change) -> object:
    for path in DIRECTORY.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "mentor.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    change(data)
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["questions"][1].update(type="slider"), "questions[1].type"),
    (lambda d: d["questions"][0].update(max=0), "questions[0].max"),
    (lambda d: d["questions"][4].update(options=[{"id": "a", "text": "a"}]), "questions[4].options"),
    (lambda d: d["questions"][6].update(score=True), "questions[6].score"),
    (lambda d: d.update(version="1"), "version"),
    (lambda d: d["questions"][2].pop("text"), "questions[2].text"),
])
def test_a_broken_file_is_refused_naming_the_file_and_the_field(tmp_path, change, field):
    target = _broken(tmp_path, change)
    with pytest.raises(QuestionnaireError) as refused:
        load_all(tmp_path)
    assert refused.value.path == target and refused.value.where == field
    assert str(target) in str(refused.value) and field in str(refused.value)


def test_the_app_refuses_to_start_with_a_broken_questionnaire(tmp_path, monkeypatch):
    target = _broken(tmp_path, lambda d: d["questions"][0].update(min="один"))
    monkeypatch.setattr(questionnaires, "DIRECTORY", tmp_path)
    monkeypatch.setattr(questionnaires.load_all, "__defaults__", (tmp_path,))
    with pytest.raises(QuestionnaireError, match=r"mentor\.json: поле questions\[0\]\.min"):
        create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert target.exists()
