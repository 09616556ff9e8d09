"""Reading uploaded tables: CSV in any encoding Russian users have (UTF-8, UTF-8 with BOM, Windows-1251;
`;` or `,`) or XLSX, recognised by content, with errors located by line and column.

Two ways in: `read_table(data)` for small files already in memory (the hierarchy import), and
`iter_table(path)` which streams rows from a file on disk in constant memory (XLSX through openpyxl's
read-only mode, CSV line by line after an encoding check), for imports whose size is not bounded.
"""
import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from defusedxml import DefusedXmlException

from registry.core.errors import ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"
#: Excel 97–2003 (OLE compound file): a common mistake, so it gets its own message.
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 64 * 1024
#: A workbook is refused before parsing if its parts unpack to more than this (zip bombs), or it has more parts.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 1000
#: A header wider than this is refused before any data row is read (no import has more than a dozen columns).
MAX_COLUMNS = 200
#: A DTD can only come before the root element, so the first bytes of each XML part tell.
_XML_HEAD = 4096
Table = Iterator[tuple[int, list[str]]]


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


class TableRejected(ValidationFailed):
    """The file was refused as a whole; `errors` lists every problem found, nothing was changed."""

    #: Column order for sorting the report; subclasses name their file's columns.
    columns: tuple[str, ...] = ()

    def __init__(self, errors: list[RowError]):
        order = {name: i for i, name in enumerate(self.columns)}
        self.errors = sorted(errors, key=lambda e: (e.line or 0, order.get(e.column, -1)))
        fields: dict[str, list[str]] = {}
        for error in self.errors:
            fields.setdefault(f"{error.line or 0}:{error.column}", []).append(error.message)
        super().__init__(f"Файл не загружен: ошибок — {len(self.errors)}. Исправьте их и загрузите файл снова.",
                         fields)


def width_error(line: int, header: list[str]) -> RowError | None:
    """The refusal of a header with more than MAX_COLUMNS named columns (trailing empty cells do not count)."""
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    if width <= MAX_COLUMNS:
        return None
    return RowError(line, "", f"В заголовке {width} столбцов, а допустимо не более {MAX_COLUMNS}. "
                              "Первая строка файла — заголовок со столбцами из шаблона.")


def _refuse(message: str):
    return TableRejected([RowError(None, "", message)])


def kind_of(head: bytes, filename: str | None) -> str:
    """"xlsx" or "csv", by the first bytes; refuses XLS and files named .xlsx that are not workbooks."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        raise _refuse("Формат XLS (Excel 97–2003) не поддерживается: сохраните файл как «Книга Excel (.xlsx)» "
                      "или CSV.")
    if (filename or "").lower().endswith(".xlsx"):
        raise _refuse("Файл назван .xlsx, но не является книгой Excel.")
    return "csv"


_NOT_TEXT = "Файл не похож ни на текстовый CSV (UTF-8 или Windows-1251), ни на книгу Excel XLSX."


def _has_control(text: str) -> bool:
    # cp1251 maps almost any byte to a letter, so binary files are caught by their control characters
    return any(ch < " " and ch not in "\t\r\n" for ch in text)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) strictly first, then Windows-1251, which is what Russian Excel writes."""
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _has_control(text):
            break
        return text
    raise _refuse(_NOT_TEXT)


def encoding_of(path: Path) -> str:
    """The file's encoding, found by streaming it (constant memory): "utf-8-sig" or "cp1251"."""
    for encoding in ("utf-8-sig", "cp1251"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(_CHUNK):
                    if _has_control(decoder.decode(chunk)):
                        raise _refuse(_NOT_TEXT)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _refuse(_NOT_TEXT)


def _delimiter(header_line: str) -> str:
    """`;` when the header has one outside quotes (Russian Excel's CSV), else `,`: a header may name a column with
    commas in it («Доля молодых педагогов (до 35 лет, первые 3 года), %»), which Excel leaves unquoted with `;`."""
    return ";" if ";" in re.sub(r'"[^"]*"', "", header_line) else ","


def csv_rows(stream: io.TextIOBase, header_line: str) -> Table:
    """Split CSV text into (line, values); the delimiter is the one the header line uses."""
    reader = csv.reader(stream, delimiter=_delimiter(header_line))
    line = 1
    try:
        for values in reader:
            yield line, values
            line = reader.line_num + 1  # a quoted value may span lines: the next row starts after it
    except csv.Error as exc:
        raise TableRejected([RowError(line, "", f"Не удалось разобрать строку CSV ({exc}).")]) from exc


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number (27) comes back as 27.0
    return str(value)


_NOT_WORKBOOK = ("Не удалось прочитать книгу Excel: это ZIP-архив другого рода (например, документ Word), "
                 "а не книга XLSX.")
_DTD = "Книга Excel содержит объявление DTD или XML-сущности: такие файлы не принимаются (так устроены XML-бомбы)."


def check_workbook(stream) -> None:
    """Refuse zip bombs, non-workbook archives and XML with a DTD by the ZIP central directory, before openpyxl.

    The sizes are the ones Python's zipfile enforces while unpacking, so a lying directory cannot get past them.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise _refuse(f"В книге Excel слишком много частей ({len(parts)}): это не похоже на обычную книгу.")
            unpacked = sum(part.file_size for part in parts)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _refuse(f"Книга Excel в распакованном виде занимает {-(-unpacked // 2**20)} МБ при допустимых "
                              f"{MAX_UNPACKED_BYTES // 2**20} МБ (так устроены zip-бомбы). Сохраните данные в "
                              "CSV или разбейте файл на части.")
            names = {part.filename for part in parts}
            if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
                raise _refuse(_NOT_WORKBOOK)
            for part in parts:
                if part.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(part) as member:
                        head = member.read(_XML_HEAD).replace(b"\x00", b"").upper()
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise _refuse(_DTD)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise _refuse("Не удалось прочитать книгу Excel: файл повреждён или это не книга XLSX.") from exc
    finally:
        stream.seek(0)


def xlsx_rows(source) -> Table:
    """Stream the first sheet of a workbook (binary file): cached values only, formulas never run."""
    check_workbook(source)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it ignores (styles, validation); they do not affect values
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(source, read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some writers store a wrong sheet size; read what is really there
                for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield line, [cell_text(v) for v in values]
            finally:
                book.close()
    except TableRejected:
        raise
    except Exception as exc:  # a broken workbook makes openpyxl raise almost any type (zip, XML, key errors)
        if _caused_by(exc, DefusedXmlException):  # defusedxml stops a DTD hidden past the first bytes of a part
            raise _refuse(_DTD) from exc
        raise _refuse("Не удалось прочитать книгу Excel: файл повреждён или это не книга XLSX.") from exc


def _caused_by(exc: BaseException | None, kind: type) -> bool:
    """openpyxl wraps parser errors in its own (ValueError), so look down the chain."""
    while exc is not None:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def read_table(data: bytes, filename: str | None = None) -> list[tuple[int, list[str]]]:
    """All rows of a small file held in memory."""
    return list(table_rows(data, filename))


def table_rows(data: bytes, filename: str | None = None) -> Table:
    """The rows of a small file held in memory, one at a time (a caller may refuse the header before the rest)."""
    if not data.strip():
        raise _refuse("Файл пуст.")
    if kind_of(data[:8], filename) == "xlsx":
        yield from xlsx_rows(io.BytesIO(data))
        return
    text = decode(data)
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    yield from csv_rows(io.StringIO(text, newline=""), header)


def iter_table(path: Path, filename: str | None = None) -> Table:
    """Rows of a file on disk, streamed: memory does not grow with the file's size."""
    with path.open("rb") as stream:
        head = stream.read(8)
    if not head.strip():
        raise _refuse("Файл пуст.")
    if kind_of(head, filename) == "xlsx":
        # a binary stream, not the path: openpyxl judges paths by their extension, and uploads are stored
        # under a neutral name; zip members are still read lazily, so memory stays flat
        with path.open("rb") as stream:
            yield from xlsx_rows(stream)
        return
    encoding = encoding_of(path)
    with path.open(encoding=encoding, newline="") as stream:
        header = next((line for line in stream if line.strip()), "")
    with path.open(encoding=encoding, newline="") as stream:
        yield from csv_rows(stream, header)
