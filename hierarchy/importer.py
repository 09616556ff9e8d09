"""Read a hierarchy file (CSV in any encoding Russian users have, or XLSX) into rows, and check each row alone."""
import csv
import io
import warnings
from dataclasses import dataclass
from functools import cache, cached_property
from zoneinfo import available_timezones

import openpyxl

from hierarchy.models import Level, OrgType, ReportsTo
from registry.core.errors import ValidationFailed

#: The file's columns, in the documented order (PRODUCT.md §7).
COLUMNS = ("kind", "code", "name", "parent_code", "org_type", "reports_to", "timezone")
#: Model column sizes: longer values would fail in the database, so they are refused per row instead.
CODE_MAX = 32
NAME_MAX = {Level.region: 300, Level.municipality: 300, Level.organization: 500}
KIND_LABELS = {Level.region: "регион", Level.municipality: "муниципалитет", Level.organization: "организация"}

XLSX_MAGIC = b"PK\x03\x04"
#: Excel 97–2003 (OLE compound file): a common mistake, so it gets its own message.
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RowError:
    """One problem, located as the user sees it: file line (header = 1) and column name."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if not self.column:
            return f"строка {self.line}: {self.message}"
        return f"строка {self.line}, столбец {self.column}: {self.message}"


class ImportRejected(ValidationFailed):
    """The file was refused as a whole; `errors` lists every problem found, nothing was changed."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line or 0, _column_order(e.column)))
        fields: dict[str, list[str]] = {}
        for error in self.errors:
            fields.setdefault(f"{error.line or 0}:{error.column}", []).append(error.message)
        super().__init__(f"Файл не загружен: ошибок — {len(self.errors)}. Исправьте их и загрузите файл снова.",
                         fields)


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


def _column_order(column: str) -> int:
    return COLUMNS.index(column) if column in COLUMNS else -1


def parse(data: bytes, filename: str | None = None) -> list[Row]:
    """Parse a CSV or XLSX file (recognised by content, not name) into rows. Raises ImportRejected."""
    if not data.strip():
        raise ImportRejected([RowError(None, "", "Файл пуст.")])
    if data.startswith(XLSX_MAGIC):
        return _rows_from_table(_xlsx_table(data))
    if data.startswith(XLS_MAGIC):
        raise ImportRejected([RowError(None, "", "Формат XLS (Excel 97–2003) не поддерживается: "
                                                 "сохраните файл как «Книга Excel (.xlsx)» или CSV.")])
    if (filename or "").lower().endswith(".xlsx"):
        raise ImportRejected([RowError(None, "", "Файл назван .xlsx, но не является книгой Excel.")])
    return _rows_from_table(_csv_table(_decode(data)))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) strictly first, then Windows-1251, which is what Russian Excel writes."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            text = None
    # cp1251 maps almost any byte to a letter, so binary files are caught by their control characters
    if text is None or any(ch < " " and ch not in "\t\r\n" for ch in text):
        raise ImportRejected([RowError(None, "", "Файл не похож ни на текстовый CSV (UTF-8 или Windows-1251), "
                                                 "ни на книгу Excel XLSX.")])
    return text


def _csv_table(text: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into (line, values); the delimiter is the one the header line uses."""
    header_line = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table, line = [], 1
    try:
        for values in reader:
            table.append((line, values))
            line = reader.line_num + 1  # a quoted value may span lines: the next row starts after it
    except csv.Error as exc:
        raise ImportRejected([RowError(line, "", f"Не удалось разобрать строку CSV ({exc}).")]) from exc
    return table


def _xlsx_table(data: bytes) -> list[tuple[int, list[str]]]:
    """Read the first sheet of a workbook: cached values only, so formulas are never evaluated."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it ignores (styles, validation); they do not affect values
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some writers store a wrong sheet size; read what is really there
                table = [(line, [_cell_text(v) for v in values])
                         for line, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
            finally:
                book.close()
    except Exception as exc:  # a broken workbook makes openpyxl raise almost any type (zip, XML, key errors)
        raise ImportRejected([RowError(None, "", "Не удалось прочитать книгу Excel: файл повреждён "
                                                 "или это не книга XLSX.")]) from exc
    return table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number (27) comes back as 27.0
    return str(value)


def _rows_from_table(table: list[tuple[int, list[str]]]) -> list[Row]:
    table = [(line, [v.strip() for v in values]) for line, values in table if any(v.strip() for v in values)]
    if not table:
        raise ImportRejected([RowError(None, "", "В файле нет ни заголовка, ни данных.")])
    header_line, header = table[0]
    names = [name.lstrip("\ufeff").strip().lower() for name in header]
    errors = _header_errors(header_line, names)
    if errors:
        raise ImportRejected(errors)
    position = {name: names.index(name) for name in COLUMNS}
    rows = []
    for line, values in table[1:]:
        cell = {name: values[i] if i < len(values) else "" for name, i in position.items()}
        for key in ("kind", "org_type", "reports_to"):
            cell[key] = cell[key].lower()
        stray = tuple(i + 1 for i, v in enumerate(values) if v and (i >= len(names) or not names[i]))
        rows.append(Row(line=line, **cell, stray=stray))
    if not rows:
        raise ImportRejected([RowError(None, "", "В файле только заголовок: нет ни одной строки данных.")])
    return rows


def _header_errors(line: int, names: list[str]) -> list[RowError]:
    errors = []
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        errors.append(RowError(line, ", ".join(unknown), f"Неизвестные столбцы: {', '.join(unknown)}. "
                                                         f"Допустимы только: {';'.join(COLUMNS)}."))
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        errors.append(RowError(line, ", ".join(missing), f"Нет обязательных столбцов: {', '.join(missing)}. "
                                                         f"Первая строка файла — заголовок: {';'.join(COLUMNS)}."))
    doubled = sorted({n for n in names if n and names.count(n) > 1})
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
            errors.append(RowError(row.line, "kind", f"{message}: допустимы region, municipality, organization."))
        if not row.code:
            errors.append(RowError(row.line, "code", "Не указан код."))
        elif len(row.code) > CODE_MAX:
            errors.append(RowError(row.line, "code", f"Код длиннее {CODE_MAX} символов."))
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
            errors.append(RowError(row.line, "org_type", f"{shown}: допустимы general, additional, vocational."))
        if row.reports_to not in ReportsTo.__members__:
            shown = f"Неизвестное подчинение «{row.reports_to}»" if row.reports_to else "Не указано подчинение"
            errors.append(RowError(row.line, "reports_to", f"{shown}: допустимы municipality, region."))
    return errors
