"""Bulk import of mentors, mentees and pairs (CSV or XLSX): stream, check every row, then apply all or nothing.

Files are read with registry.core.tabular.iter_table, so a large XLSX is streamed (openpyxl read-only)
rather than loaded. Checking and applying are two passes over the file on disk; only the codes seen so
far are kept in memory, to refuse duplicates and to resolve the codes a pairs file refers to.
"""
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import Schema, ValidationError

from registry.core.tabular import RowError, TableRejected, iter_table, width_error
from registry.mentoring import schemas
from registry.mentoring.import_columns import allowed, column_code, header, to_code
from registry.mentoring.vocab import PairStatus

MAX_ERRORS = 500
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Spec:
    """One importable kind: its columns (required first), their descriptions and the row schema."""

    kind: str
    title: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    help: dict[str, str]
    schema: type[Schema]


class MentorRow(schemas.MentorSchema):
    partner_inn = schemas.Text(12)
    consent_date = schemas.RuDate(load_default=None, allow_none=True)
    consent_guardian = schemas.Text(300)


class MenteeRow(schemas.MenteeSchema):
    consent_date = schemas.RuDate(load_default=None, allow_none=True)
    consent_guardian = schemas.Text(300)


class PairRow(schemas.PairSchema):
    status = schemas.Choice(PairStatus, required=False)
    order_ref = schemas.Text(200)
    mentors = schemas.Text(2000, required=True)
    mentees = schemas.Text(2000, required=True)


def _one_of(kind: str, column: str) -> str:
    values = [f"«{v}»" for v in allowed(kind, column)]
    return ", ".join(values[:-1]) + " или " + values[-1]


_GUARDIAN = "ФИО законного представителя, подписавшего согласие за несовершеннолетнего"
_CONSENT = "дата согласия на обработку персональных данных (ДД.ММ.ГГГГ), если оно подписано"
SPECS = {
    "mentors": Spec("mentors", "Наставники",
                    ("code", "full_name", "category", "position", "birth_date", "forms", "competences", "achievements",
                     "partner_inn", "consent_date", "consent_guardian"),
                    ("code", "full_name", "category"),
                    {"code": "код наставника в организации (уникальный)", "full_name": "ФИО",
                     "category": _one_of("mentors", "category"), "position": "должность",
                     "birth_date": "дата рождения (ДД.ММ.ГГГГ), нужна для обучающихся 15–19 лет",
                     "forms": "формы через «;» или запятую: " + _one_of("mentors", "forms"),
                     "competences": "компетенции", "achievements": "достижения",
                     "partner_inn": "ИНН предприятия-партнёра, предоставившего наставника (партнёр уже в реестре "
                                    "организации)", "consent_date": _CONSENT, "consent_guardian": _GUARDIAN},
                    MentorRow),
    "mentees": Spec("mentees", "Наставляемые",
                    ("code", "full_name", "category", "birth_date", "request", "consent_date", "consent_guardian"),
                    ("code", "full_name", "category"),
                    {"code": "код наставляемого в организации (уникальный)", "full_name": "ФИО",
                     "category": _one_of("mentees", "category"), "birth_date": "дата рождения (ДД.ММ.ГГГГ)",
                     "request": "запрос наставляемого", "consent_date": _CONSENT,
                     "consent_guardian": _GUARDIAN},
                    MenteeRow),
    "pairs": Spec("pairs", "Пары и группы",
                  ("code", "form", "kind", "start_on", "mentors", "mentees", "role_model", "end_on", "status",
                   "order_ref"),
                  ("code", "form", "kind", "start_on", "mentors", "mentees"),
                  {"code": "код пары (группы) в организации (уникальный)",
                   "form": _one_of("pairs", "form"), "kind": _one_of("pairs", "kind"),
                   "start_on": "дата начала (ДД.ММ.ГГГГ)", "mentors": "коды наставников через запятую",
                   "mentees": "коды наставляемых через запятую",
                   "role_model": "ролевая модель (необязательно): " + _one_of("pairs", "role_model"),
                   "end_on": "плановая дата окончания",
                   "status": _one_of("pairs", "status") + " (по умолчанию «формируется»)",
                   "order_ref": "приказ об утверждении (обязателен, если пара утверждена приказом или работает)"},
                  PairRow),
}


class ImportRejected(TableRejected):
    """A records file refused as a whole: nothing was changed."""


@dataclass
class Checked:
    """The outcome of the checking pass: counts, the first rows for the preview, every error (capped)."""

    rows: int = 0
    new: int = 0
    updated: int = 0
    preview: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0

    def add_error(self, error: RowError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.more_errors += 1


def header_of(column: str) -> str:
    """A column as the file's reader sees it: its Russian header."""
    return header(column)


def in_russian(error: RowError) -> RowError:
    """The error with its column named by the Russian header."""
    if not error.column or "," in error.column:
        return error
    return RowError(error.line, header(error.column), error.message)


def split_codes(cell: str) -> list[str]:
    return [c for c in cell.replace(";", ",").replace(" ", ",").split(",") if c]


def rows(spec: Spec, path: Path, filename: str | None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, {column: text}) for each non-empty data row; the header is checked first."""
    header = None
    for line, values in iter_table(path, filename):
        values = [v.strip() for v in values]
        if not any(values):
            continue
        if header is None:
            header = [column_code(v.lstrip("\ufeff")) if v.strip() else "" for v in values]
            _check_header(spec, line, header)
            continue
        stray = [i + 1 for i, v in enumerate(values) if v and (i >= len(header) or header[i] not in spec.columns)]
        cells = {name: values[i] if i < len(values) else "" for i, name in enumerate(header) if name in spec.columns}
        if stray:
            cells["__stray__"] = ", ".join(map(str, stray))
        yield line, cells
    if header is None:
        raise ImportRejected([RowError(None, "", "В файле нет ни заголовка, ни данных.")])


def _check_header(spec: Spec, line: int, header: list[str]) -> None:
    """Linear in the header's width; a header wider than MAX_COLUMNS is refused before anything else is looked at."""
    if too_wide := width_error(line, header):
        raise ImportRejected([too_wide])
    errors = []
    unknown = [n for n in header if n and n not in spec.columns]
    if unknown:
        errors.append(RowError(line, ", ".join(unknown), f"Неизвестные столбцы: {', '.join(unknown)}. "
                                                         f"Допустимы: {'; '.join(map(header_of, spec.columns))}."))
    missing = [header_of(c) for c in spec.required if c not in header]
    if missing:
        errors.append(RowError(line, ", ".join(missing), f"Нет обязательных столбцов: {', '.join(missing)}. "
                                                         "Скачайте шаблон: первая строка — заголовок."))
    doubled = sorted(header_of(name) for name, count in Counter(n for n in header if n).items() if count > 1)
    if doubled:
        errors.append(RowError(line, ", ".join(doubled), f"Столбцы указаны дважды: {', '.join(doubled)}."))
    if errors:
        raise ImportRejected(errors)


def load_row(schema: Schema, line: int, cells: dict[str, str], kind: str = "") -> tuple[dict | None, list[RowError]]:
    """The row through its schema (one instance per file: building one per row costs more than loading):
    (data, []) or (None, an error per column). Russian values of coded columns are read as their codes first."""
    errors = []
    if "__stray__" in cells:
        errors.append(RowError(line, "", f"Значения вне столбцов заголовка (позиции {cells.pop('__stray__')}): "
                                         "проверьте разделители и кавычки."))
    cells, coded = dict(cells), set()
    for column, text in cells.items():
        cells[column], wrong = to_code(kind, column, text)
        if wrong:
            coded.add(column)
            errors.append(RowError(line, column, wrong))
    try:
        data = schema.load(cells)
    except ValidationError as exc:
        for column, messages in exc.messages.items():
            if column in coded:  # already explained in Russian terms
                continue
            for message in messages if isinstance(messages, list) else [messages]:
                errors.append(RowError(line, "" if column == "_schema" else column, str(message)))
        return None, errors
    return (None, errors) if errors else (data, [])
