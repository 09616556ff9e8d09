"""Questionnaires as data: one JSON file per kind under surveys/questionnaires/, validated when the app starts.

A file is `{"kind", "version", "title", "intro", "questions": [...]}`; a question is
`{"id", "type": "scale"|"choice"|"text", "text", "required", "score"}` plus `min`/`max` for a scale and
`options: [{"id", "text"}]` for a choice. The satisfaction score of one answer is the mean of its scale questions
marked `score: true`, mapped to 0–100 as (mean − min) / (max − min) × 100, i.e. (mean − 1) / 9 × 100 on 1–10.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent / "questionnaires"
KINDS = ("mentee", "mentor")
KIND_LABELS = {"mentee": "наставляемых", "mentor": "наставников"}
TYPES = ("scale", "choice", "text")
TEXT_LIMIT = 2000


class QuestionnaireError(RuntimeError):
    """A broken questionnaire file: the app refuses to start and names the file and the field."""

    def __init__(self, path: Path, where: str, why: str):
        super().__init__(f"Анкета {path}: поле {where}: {why}")
        self.path, self.where, self.why = path, where, why


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    required: bool
    score: bool
    min: int | None = None
    max: int | None = None
    options: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "text": self.text, "min": self.min, "max": self.max,
                "options": [{"id": o, "text": t} for o, t in self.options], "required": self.required,
                "score": self.score}


@dataclass(frozen=True)
class Questionnaire:
    kind: str
    version: int
    title: str
    intro: str
    questions: tuple[Question, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "questions": [q.as_dict() for q in self.questions]}

    @property
    def scored(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.type == "scale" and q.score)


def _need(cond: bool, path: Path, where: str, why: str) -> None:
    if not cond:
        raise QuestionnaireError(path, where, why)


def _text(data: dict, key: str, path: Path, where: str) -> str:
    value = data.get(key)
    _need(isinstance(value, str) and value.strip() != "", path, f"{where}{key}", "нужна непустая строка")
    return value.strip()


def _question(raw, index: int, path: Path) -> Question:
    where = f"questions[{index}]."
    _need(isinstance(raw, dict), path, f"questions[{index}]", "вопрос должен быть объектом")
    qid, text = _text(raw, "id", path, where), _text(raw, "text", path, where)
    kind = raw.get("type")
    _need(kind in TYPES, path, where + "type", f"тип должен быть одним из {', '.join(TYPES)}")
    for flag in ("required", "score"):
        _need(isinstance(raw.get(flag, False), bool), path, where + flag, "нужно true или false")
    score = raw.get("score", False)
    _need(not score or kind == "scale", path, where + "score", "в оценку входят только вопросы-шкалы")
    low = high = None
    options: tuple[tuple[str, str], ...] = ()
    if kind == "scale":
        low, high = raw.get("min"), raw.get("max")
        for key, value in (("min", low), ("max", high)):
            _need(isinstance(value, int) and not isinstance(value, bool), path, where + key, "нужно целое число")
        _need(low < high, path, where + "max", "max должен быть больше min")
        _need(not score or (low, high) == (1, 10), path, where + "min",
              "вопрос, входящий в оценку, должен иметь шкалу 1–10")
    if kind == "choice":
        raw_options = raw.get("options")
        _need(isinstance(raw_options, list) and len(raw_options) >= 2, path, where + "options",
              "нужен список хотя бы из двух вариантов")
        options = tuple((_text(o if isinstance(o, dict) else {}, "id", path, f"{where}options[{i}]."),
                         _text(o if isinstance(o, dict) else {}, "text", path, f"{where}options[{i}]."))
                        for i, o in enumerate(raw_options))
        _need(len({o for o, _ in options}) == len(options), path, where + "options", "идентификаторы повторяются")
    return Question(qid, kind, text, raw.get("required", False), score, low, high, options)


def parse(path: Path) -> Questionnaire:
    """Read and check one questionnaire file; QuestionnaireError names the file and the field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise QuestionnaireError(path, "(файл)", f"не читается как JSON: {exc}") from None
    _need(isinstance(data, dict), path, "(файл)", "ожидается объект JSON")
    kind = data.get("kind")
    _need(kind in KINDS, path, "kind", f"вид должен быть одним из {', '.join(KINDS)}")
    version = data.get("version")
    _need(isinstance(version, int) and not isinstance(version, bool) and version >= 1, path, "version",
          "нужно целое число от 1")
    raw_questions = data.get("questions")
    _need(isinstance(raw_questions, list) and raw_questions, path, "questions", "нужен непустой список вопросов")
    questions = tuple(_question(raw, i, path) for i, raw in enumerate(raw_questions))
    ids = [q.id for q in questions]
    _need(len(set(ids)) == len(ids), path, "questions", "идентификаторы вопросов повторяются")
    _need(any(q.score for q in questions), path, "questions", "нет ни одного вопроса-шкалы с score: true")
    return Questionnaire(kind, version, _text(data, "title", path, ""), data.get("intro") or "", questions)


_loaded: dict[str, Questionnaire] = {}


def load_all(directory: Path = DIRECTORY) -> dict[str, Questionnaire]:
    """Parse every file of the directory (at app start); each kind must be present exactly once."""
    found: dict[str, Questionnaire] = {}
    for path in sorted(directory.glob("*.json")):
        questionnaire = parse(path)
        _need(questionnaire.kind not in found, path, "kind", f"анкета вида {questionnaire.kind} уже задана")
        found[questionnaire.kind] = questionnaire
    for kind in KINDS:
        _need(kind in found, directory, "kind", f"нет анкеты вида {kind}")
    if directory == DIRECTORY:
        _loaded.update(found)
    return found


def questionnaire(kind: str) -> Questionnaire:
    if not _loaded:
        load_all()
    return _loaded[kind]


def score(questionnaire: Questionnaire, answers: dict) -> float | None:
    """0–100 from the scored scale questions answered: (mean − 1) / 9 × 100; None if none was answered."""
    marks = [answers[q.id] for q in questionnaire.scored if isinstance(answers.get(q.id), int)]
    if not marks:
        return None
    mean = sum(marks) / len(marks)
    return (mean - 1) / 9 * 100


def check_answers(questionnaire: Questionnaire, answers) -> tuple[dict, dict[str, list[str]]]:
    """The answers cleaned (unknown ids refused, scales as ints, text trimmed) and the errors per question id."""
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, dict):
        return {}, {"answers": ["Ответы должны быть объектом {номер вопроса: ответ}."]}
    known = {q.id: q for q in questionnaire.questions}
    for qid in answers:
        if qid not in known:
            errors[str(qid)] = ["В анкете нет такого вопроса."]
    clean: dict = {}
    for q in questionnaire.questions:
        value = answers.get(q.id)
        if isinstance(value, str) and q.type != "text":
            value = value.strip() or None
        if value is None or (q.type == "text" and isinstance(value, str) and not value.strip()):
            if q.required:
                errors[q.id] = ["Ответьте на этот вопрос."]
            continue
        if q.type == "scale":
            if isinstance(value, str) and value.isdigit():
                value = int(value)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool) or not q.min <= value <= q.max:
                errors[q.id] = [f"Выберите оценку от {q.min} до {q.max}."]
                continue
        elif q.type == "choice":
            if value not in {o for o, _ in q.options}:
                errors[q.id] = ["Выберите один из предложенных вариантов."]
                continue
        else:
            if not isinstance(value, str):
                errors[q.id] = ["Ответ должен быть текстом."]
                continue
            value = value.strip()
            if len(value) > TEXT_LIMIT or "\x00" in value:
                errors[q.id] = [f"Не больше {TEXT_LIMIT} знаков."]
                continue
        clean[q.id] = value
    return clean, errors
