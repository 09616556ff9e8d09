"""The records files in Russian: column headers and coded values as people write them.

Templates and exports carry Russian headers («ФИО», «Категория») and Russian values («обучающийся»,
«ученик — ученик»); uploads accept them and still accept the English codes (code, category, student…),
so files made from older templates load unchanged.
"""
from registry.mentoring.vocab import (
    FORM_LABELS,
    KIND_LABELS,
    MENTEE_CATEGORY_LABELS,
    MENTOR_CATEGORY_LABELS,
    PAIR_STATUS_LABELS,
    ROLE_MODELS,
    MenteeCategory,
    MentorCategory,
    PairStatus,
)

HEADERS = {
    "code": "Код", "full_name": "ФИО", "category": "Категория", "position": "Должность",
    "birth_date": "Дата рождения", "forms": "Формы наставничества", "competences": "Компетенции",
    "achievements": "Достижения", "partner_inn": "ИНН партнёра", "consent_date": "Дата согласия",
    "consent_guardian": "Законный представитель", "request": "Запрос", "form": "Форма наставничества",
    "kind": "Вид наставничества", "start_on": "Дата начала", "mentors": "Наставники (коды)",
    "mentees": "Наставляемые (коды)", "role_model": "Ролевая модель", "end_on": "Дата окончания",
    "status": "Статус", "order_ref": "Приказ об утверждении",
}


def _short(label: str) -> str:
    """The label without its explanation in brackets: «ученик — ученик (студент — студент)» → «ученик — ученик»."""
    return label.split(" (")[0]


_MENTOR_SHORT = {MentorCategory.teacher: "педагог", MentorCategory.student: "обучающийся"}
_MENTEE_SHORT = {MenteeCategory.young_teacher: "молодой педагог", MenteeCategory.teacher: "педагог"}

#: (kind, column) → {code: the Russian value written in templates and exports}. Only these columns are coded.
VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("mentors", "category"): {c.value: _MENTOR_SHORT.get(c, _short(label)) for c, label in
                              MENTOR_CATEGORY_LABELS.items()},
    ("mentors", "forms"): {f.value: _short(label) for f, label in FORM_LABELS.items()},
    ("mentees", "category"): {c.value: _MENTEE_SHORT.get(c, _short(label)) for c, label in
                              MENTEE_CATEGORY_LABELS.items()},
    ("pairs", "form"): {f.value: _short(label) for f, label in FORM_LABELS.items()},
    ("pairs", "kind"): {k.value: _short(label) for k, label in KIND_LABELS.items()},
    ("pairs", "status"): {s.value: PAIR_STATUS_LABELS[s] for s in
                          (PairStatus.forming, PairStatus.approved, PairStatus.active)},
    ("pairs", "role_model"): {code: label for code, (label, _form) in ROLE_MODELS.items()},
}
#: Full labels (with their explanations) read as well as the short ones.
_LONG = {("mentors", "category"): MENTOR_CATEGORY_LABELS, ("mentors", "forms"): FORM_LABELS,
         ("mentees", "category"): MENTEE_CATEGORY_LABELS, ("pairs", "form"): FORM_LABELS,
         ("pairs", "kind"): KIND_LABELS}
#: Columns holding several values separated by «;» or «,».
MULTI = {("mentors", "forms")}


def _norm(text: str) -> str:
    """Compare values ignoring case, ё/е, spacing and the kind of dash."""
    text = str(text).casefold().replace("ё", "е")
    for dash in ("–", "-", "−", "—"):
        text = text.replace(f" {dash} ", " — ")
    return " ".join(text.split())


def _readers() -> dict[tuple[str, str], dict[str, str]]:
    readers = {}
    for key, values in VALUES.items():
        known = {_norm(code): code for code in values}
        known.update({_norm(label): code for code, label in values.items()})
        known.update({_norm(label): str(code) for code, label in _LONG.get(key, {}).items()})
        readers[key] = known
    return readers


_READERS = _readers()
_HEADER_CODES = {_norm(label): code for code, label in HEADERS.items()}


def header(code: str) -> str:
    """The Russian header of a column code (the code itself for an unknown one)."""
    return HEADERS.get(code, code)


def column_code(name: str) -> str:
    """A header cell as read → the column code: «ФИО» and «full_name» both give full_name."""
    return _HEADER_CODES.get(_norm(name), name.strip().lower())


def allowed(kind: str, column: str) -> list[str]:
    """The Russian values a coded column takes (for help texts, drop-down lists and errors)."""
    return list(VALUES.get((kind, column), {}).values())


def to_code(kind: str, column: str, text: str) -> tuple[str, str | None]:
    """A cell's value → (the code the schemas read, an error in Russian or None). Uncoded columns pass as they are."""
    reader = _READERS.get((kind, column))
    if reader is None or not text.strip():
        return text, None
    items = text.replace(";", ",").split(",") if (kind, column) in MULTI else [text]
    codes, wrong = [], []
    for item in (i.strip() for i in items):
        if not item:
            continue
        code = reader.get(_norm(item))
        if code is not None:
            codes.append(code)
        elif (kind, column) in MULTI and all(_norm(t) in reader for t in item.split()):
            codes.extend(reader[_norm(t)] for t in item.split())  # codes separated by spaces, as before
        else:
            wrong.append(item)
    if wrong:
        options = ", ".join(f"«{v}»" for v in allowed(kind, column))
        return text, f"Недопустимое значение «{', '.join(wrong)}»: допустимы {options}."
    return ", ".join(codes), None


def to_label(kind: str, column: str, value) -> str:
    """A stored code → the Russian value written into exports (several codes for a multi-valued column)."""
    values = VALUES.get((kind, column))
    if values is None or value in (None, ""):
        return value
    return ", ".join(values.get(code.strip(), code.strip()) for code in str(value).split(","))
