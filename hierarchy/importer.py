"""Read a hierarchy file (CSV in any encoding Russian users have, or XLSX) into rows, and check each row alone."""
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from zoneinfo import available_timezones

from hierarchy.columns import COLUMNS, HEADERS, column_code, header, one_of, to_code
from hierarchy.models import Level, OrgType, ReportsTo
from registry.core.tabular import RowError, TableRejected, table_rows, width_error

#: Model column sizes: longer values would fail in the database, so they are refused per row instead.
CODE_MAX = 32
NAME_MAX = {Level.region: 300, Level.municipality: 300, Level.organization: 500}
#: A code becomes a file name, an archive entry, a URL segment and part of a download's name: Latin letters, digits,
#: `.`, `_` and `-`, starting with a letter or digit (so never `..`, a hidden name or a path). Cyrillic letters are
#: refused too: safe file names (registry/core/export_store.py) would turn two such codes into the same file.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CHAR_NAMES = {" ": "пробел", "\n": "перевод строки", "\r": "возврат каретки", "\t": "табуляция", "/": "«/»",
               "\\": "«\\»", "\u00a0": "неразрывный пробел"}
KIND_LABELS = {Level.region: "регион", Level.municipality: "муниципалитет", Level.organization: "организация"}


class ImportRejected(TableRejected):
    """The hierarchy file was refused as a whole; errors are sorted by line and the file's column order, and name
    their column by its Russian header."""

    columns = tuple(HEADERS[c] for c in COLUMNS)

    def __init__(self, errors: list[RowError]):
        super().__init__([RowError(e.line, header(e.column), e.message) for e in errors])


@dataclass(frozen=True)
class Row:
    """One data row with stripped values; `kind`, `org_type` and `reports_to` are lower-cased."""

    line: int
    kind: str
    code: str
    name: str
    parent_code: str
    org_type: str
    reports_to: str
    timezone: str
    #: 1-based positions of values standing outside the header's columns (a shifted delimiter or quote).
    stray: tuple[int, ...] = ()

    @cached_property
    def level(self) -> Level | None:
        return Level(self.kind) if self.kind in Level.__members__ else None


def parse(data: bytes, filename: str | None = None) -> list[Row]:
    """Parse a CSV or XLSX file (recognised by content, not name) into rows. Raises ImportRejected."""
    try:
        return _rows_from_table(table_rows(data, filename))
    except ImportRejected:
        raise
    except TableRejected as exc:
        raise ImportRejected(exc.errors) from exc


def _rows_from_table(table: Iterable[tuple[int, list[str]]]) -> list[Row]:
    """Rows of the table; the header (its first non-empty row) is checked before any data row is read."""
    table = ((line, [v.strip() for v in values]) for line, values in table if any(v.strip() for v in values))
    first = next(table, None)
    if first is None:
        raise ImportRejected([RowError(None, "", "В файле нет ни заголовка, ни данных.")])
    header_line, header = first
    names = [column_code(name.lstrip("\ufeff")) if name.strip() else "" for name in header]
    errors = _header_errors(header_line, names)
    if errors:
        raise ImportRejected(errors)
    position = {name: names.index(name) for name in COLUMNS}
    rows = []
    for line, values in table:
        cell = {name: values[i] if i < len(values) else "" for name, i in position.items()}
        for key in ("kind", "org_type", "reports_to"):
            cell[key] = to_code(key, cell[key])
        stray = tuple(i + 1 for i, v in enumerate(values) if v and (i >= len(names) or not names[i]))
        rows.append(Row(line=line, **cell, stray=stray))
    if not rows:
        raise ImportRejected([RowError(None, "", "В файле только заголовок: нет ни одной строки данных.")])
    return rows


def _header_errors(line: int, names: list[str]) -> list[RowError]:
    """Linear in the header's width; a header wider than MAX_COLUMNS is refused before anything else is looked at."""
    if too_wide := width_error(line, names):
        return [too_wide]
    errors = []
    everything = "; ".join(HEADERS[c] for c in COLUMNS)
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        errors.append(RowError(line, ", ".join(unknown), f"Неизвестные столбцы: {', '.join(unknown)}. "
                                                         f"Допустимы только: {everything}."))
    missing = [HEADERS[c] for c in COLUMNS if c not in names]
    if missing:
        errors.append(RowError(line, ", ".join(missing), f"Нет обязательных столбцов: {', '.join(missing)}. "
                                                         f"Первая строка файла — заголовок: {everything}."))
    doubled = sorted(header(name) for name, count in Counter(n for n in names if n).items() if count > 1)
    if doubled:
        errors.append(RowError(line, ", ".join(doubled), f"Столбцы указаны дважды: {', '.join(doubled)}."))
    return errors


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone name (ZoneInfo itself would also open odd paths and raise OSError)."""
    return name in _time_zones()


def check_rows(rows: list[Row]) -> list[RowError]:
    """Errors visible in the file alone: kinds, required values, sizes, enums, time zones, duplicate codes."""
    errors, first_line = [], {}
    for row in rows:
        if row.stray:
            positions = ", ".join(map(str, row.stray))
            errors.append(RowError(row.line, "", f"Значения вне столбцов заголовка (позиции {positions}): "
                                                 "проверьте разделители и кавычки."))
        level = row.level
        if level is None:
            message = f"Неизвестный вид «{row.kind}»" if row.kind else "Не указан вид"
            errors.append(RowError(row.line, "kind", f"{message}: допустимы {one_of('kind')}."))
        if not row.code:
            errors.append(RowError(row.line, "code", "Не указан код."))
        elif len(row.code) > CODE_MAX:
            errors.append(RowError(row.line, "code", f"Код длиннее {CODE_MAX} символов."))
        elif (problem := code_problem(row.code)) is not None:
            errors.append(RowError(row.line, "code", problem))
        elif row.code in first_line:
            errors.append(RowError(row.line, "code", f"Код «{row.code}» уже встречается в строке "
                                                     f"{first_line[row.code]}: коды в файле не повторяются."))
        else:
            first_line[row.code] = row.line
        if not row.name:
            errors.append(RowError(row.line, "name", "Не указано наименование."))
        elif level is not None and len(row.name) > NAME_MAX[level]:
            errors.append(RowError(row.line, "name", f"Наименование длиннее {NAME_MAX[level]} символов."))
        if level is not None:
            errors.extend(_kind_errors(row, level))
    return errors


def code_problem(code: str) -> str | None:
    """Why `code` cannot be a unit code (in Russian), or None if it can."""
    if CODE_PATTERN.fullmatch(code):
        return None
    bad = []
    for char in code:
        if not re.fullmatch(r"[A-Za-z0-9._-]", char):
            shown = _CHAR_NAMES.get(char) or ("пробел" if char.isspace() else f"«{char}»")
            if shown not in bad:
                bad.append(shown)
    rule = ("Допустимы латинские буквы, цифры, точка, дефис и подчёркивание; код начинается с буквы или цифры, "
            "например 27-KHV-S1.")
    if not bad:
        return f"Код должен начинаться с латинской буквы или цифры. {rule}"
    return f"В коде недопустимые символы: {', '.join(bad[:5])}. {rule}"


def _kind_errors(row: Row, level: Level) -> list[RowError]:
    errors = []
    if level is Level.region:
        if row.parent_code:
            errors.append(RowError(row.line, "parent_code", "У региона нет вышестоящего звена: оставьте пустым."))
        if not row.timezone:
            errors.append(RowError(row.line, "timezone", "Для региона укажите часовой пояс, "
                                                         "например Asia/Vladivostok."))
        elif not is_time_zone(row.timezone):
            errors.append(RowError(row.line, "timezone", f"Неизвестный часовой пояс «{row.timezone}»: укажите "
                                                         "пояс IANA, например Asia/Vladivostok."))
        return errors
    if not row.parent_code:
        parent = "региона" if level is Level.municipality else "муниципалитета, где находится организация"
        errors.append(RowError(row.line, "parent_code", f"Не указан код {parent}."))
    if level is Level.organization:
        if row.org_type not in OrgType.__members__:
            shown = f"Неизвестный тип «{row.org_type}»" if row.org_type else "Не указан тип организации"
            errors.append(RowError(row.line, "org_type", f"{shown}: допустимы {one_of('org_type')}."))
        if row.reports_to not in ReportsTo.__members__:
            shown = f"Неизвестное подчинение «{row.reports_to}»" if row.reports_to else "Не указано подчинение"
            errors.append(RowError(row.line, "reports_to", f"{shown}: допустимы {one_of('reports_to')}."))
    return errors
