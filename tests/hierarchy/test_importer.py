"""Reading hierarchy files: encodings, delimiters, line ends, quoting, XLSX, and refusals of malformed files."""
import io
import zipfile

import openpyxl
import pytest

from hierarchy.importer import ImportRejected, RowError, check_rows, parse
from tests.hierarchy.files import DATA, HEADER, KHABAROVSK, SMALL, csv_file, xlsx_file


def _names(rows):
    return [r.name for r in rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_each_encoding_reads_the_same_cyrillic(encoding):
    """UTF-8, UTF-8 with BOM and Windows-1251 files give the same rows."""
    rows = parse(csv_file(encoding=encoding), "units.csv")
    assert _names(rows) == [r[2] for r in SMALL]
    assert rows[0].kind == "region" and rows[0].timezone == "Asia/Vladivostok"


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_delimiter_is_taken_from_the_header_and_crlf_is_accepted(delimiter, newline):
    rows = parse(csv_file(delimiter=delimiter, newline=newline))
    assert [r.code for r in rows] == ["27", "27-KHV", "27-KHV-S1", "27-R-VMK"]
    assert [r.line for r in rows] == [2, 3, 4, 5]
    assert rows[3].reports_to == "region" and rows[3].parent_code == "27-KHV"
    assert not any("\r" in value for r in rows for value in (r.name, r.timezone))


def test_russian_excel_file_in_cp1251_with_crlf():
    """The demo file as Russian Excel saves it (Windows-1251, CRLF) reads like the UTF-8 original."""
    excel = parse((DATA / "khabarovsk_excel_cp1251.csv").read_bytes(), "khabarovsk.csv")
    original = parse(KHABAROVSK.read_bytes(), KHABAROVSK.name)
    assert excel == original
    assert len(excel) == 28
    assert (excel[6].line, excel[6].name) == (8, "Ванинский муниципальный район")


def test_quoted_values_keep_delimiters_quotes_and_line_breaks():
    """A quoted value may hold the delimiter, doubled quotes and a line break; later lines keep their numbers."""
    rows = SMALL[:2] + (
        ("organization", "27-KHV-S2", 'Школа "Радуга"; филиал', "27-KHV", "general", "municipality", ""),
        ("organization", "27-KHV-S3", "Школа\nвторой строкой", "27-KHV", "general", "municipality", ""),
        ("organization", "27-KHV-S4", "После переноса", "27-KHV", "general", "municipality", ""),
    )
    parsed = parse(csv_file(rows))
    assert parsed[2].name == 'Школа "Радуга"; филиал'
    assert parsed[3].name == "Школа\nвторой строкой"
    assert [r.line for r in parsed] == [2, 3, 4, 5, 7]


def test_blank_lines_and_empty_excel_rows_are_skipped_keeping_line_numbers():
    text = ("\ufeffKind ; CODE;name;parent_code;org_type;reports_to;timezone\n"
            "\n"
            "REGION;27;Хабаровский край;;;;Asia/Vladivostok\n"
            ";;;;;;\n"
            "   \n"
            "municipality;27-KHV;Хабаровск;27\n")  # short row: missing trailing values are empty
    rows = parse(text.encode())
    assert [(r.line, r.kind, r.code) for r in rows] == [(3, "region", "27"), (6, "municipality", "27-KHV")]
    assert rows[1].timezone == ""


def test_xlsx_is_read_by_content_with_numeric_codes_as_text():
    """An XLSX file is recognised by its content even under a .csv name; a code typed as a number stays «27»."""
    rows = [("region", 27, "Хабаровский край", None, None, None, "Asia/Vladivostok"),
            *SMALL[1:2],
            ("", "", "", "", "", "", ""),
            ("municipality", "27-VAN", "Ванинский район", 27.0, None, None, None)]
    parsed = parse(xlsx_file(rows), "выгрузка.csv")
    assert [(r.line, r.code, r.parent_code) for r in parsed] == [(2, "27", ""), (3, "27-KHV", "27"),
                                                                  (5, "27-VAN", "27")]


def test_xlsx_reads_only_the_first_sheet_and_cached_formula_values():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    sheet.append(["region", "27", "=CONCATENATE(\"Хабаровский \", \"край\")", None, None, None, "Asia/Vladivostok"])
    book.create_sheet("Заметки").append(["не", "данные"])
    buffer = io.BytesIO()
    book.save(buffer)
    [row] = parse(buffer.getvalue(), "units.xlsx")
    assert row.code == "27"
    assert row.name == ""  # never calculated by Excel: no cached value, so the formula is not taken as a name


def test_unknown_and_missing_columns_are_named():
    header = ("kind", "code", "name", "parent", "org_type", "comment")
    with pytest.raises(ImportRejected) as err:
        parse(csv_file([], header=header))
    errors = {e.column: e for e in err.value.errors}
    assert set(errors) == {"parent, comment", "Код вышестоящего звена, Подчинение, Часовой пояс"}
    assert all(e.line == 1 for e in errors.values())
    assert "parent, comment" in errors["parent, comment"].message
    missing = "Код вышестоящего звена, Подчинение, Часовой пояс"
    assert missing in errors[missing].message


def test_values_outside_the_header_are_an_error_of_their_row():
    rows = parse(csv_file() + "region;28;Амурская область;;;;Asia/Yakutsk;лишнее\n".encode())
    [error] = check_rows(rows)
    assert (error.line, error.column) == (6, "")
    assert "позиции 8" in error.message


@pytest.mark.parametrize(("data", "filename", "fragment"), [
    (b"", "units.csv", "пуст"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "units.csv", "ни на текстовый CSV"),
    (bytes(range(256)) * 4, "units.bin", "ни на текстовый CSV"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "units.xls", "XLS (Excel 97–2003)"),
    (b"PK\x03\x04 not really a zip", "units.xlsx", "книгу Excel"),
    (csv_file(), "units.xlsx", "не является книгой Excel"),
    (csv_file([]), "units.csv", "только заголовок"),
])
def test_files_that_are_neither_csv_nor_xlsx_are_refused_clearly(data, filename, fragment):
    with pytest.raises(ImportRejected) as err:
        parse(data, filename)
    assert fragment in err.value.errors[0].message
    assert err.value.status == 422


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "не книга")
    with pytest.raises(ImportRejected) as err:
        parse(buffer.getvalue(), "units.xlsx")
    assert "книгу Excel" in str(err.value.errors[0])


def test_row_checks_report_line_and_column():
    long_code = "Ж" * 33
    rows = parse(csv_file([
        ("region", long_code, "Регион", "", "", "", "Asia/Vladivostok"),
        ("organization", "27-S", "Ш" * 501, "27-KHV", "", "", ""),
        ("", "27-Y", "Без вида", "", "", "", ""),
    ]))
    assert {(e.line, e.column) for e in check_rows(rows)} == {(2, "code"), (3, "name"), (3, "org_type"),
                                                              (3, "reports_to"), (4, "kind")}


def test_row_error_reads_as_the_user_sees_it():
    assert str(RowError(4, "code", "Не указан код.")) == "строка 4, столбец code: Не указан код."
    assert str(RowError(7, "", "Лишние значения.")) == "строка 7: Лишние значения."
    assert str(RowError(None, "", "Файл пуст.")) == "Файл пуст."


def test_comma_header_after_blank_lines_sets_the_delimiter():
    text = "  \r\n\r\nkind,code,name,parent_code,org_type,reports_to,timezone\r\nregion,27,Хабаровский край,,,,UTC\r\n"
    [row] = parse(text.encode("cp1251"))
    assert (row.line, row.code, row.timezone) == (4, "27", "UTC")


@pytest.mark.parametrize("code", ["27-KHV-KSH1", "27-R-VMK", "27", "a.b_c-D", "27..KSH"])
def test_codes_of_latin_letters_digits_dots_dashes_and_underscores_are_accepted(code):
    rows = parse(csv_file([("region", code, "Регион", "", "", "", "Asia/Vladivostok")]))
    assert check_rows(rows) == []


@pytest.mark.parametrize(("code", "shown"), [
    ("../../../../tmp/x", "«/»"), ("27\nKHV", "перевод строки"), ("27 KHV", "пробел"),
    ("27\u00a0KHV", "неразрывный пробел"), ("27-ХБР", "«Х», «Б», «Р»"), ("..", "начинаться"),
    (".hidden", "начинаться"), ("-27", "начинаться"), ("27\\x", "«\\»"), ("27:x", "«:»")])
def test_codes_that_would_reach_paths_headers_or_urls_are_refused_per_row(code, shown):
    rows = parse(csv_file([("region", "27", "Хабаровский край", "", "", "", "Asia/Vladivostok"),
                           ("municipality", code, "Город", "27", "", "", "")]))
    errors = check_rows(rows)
    assert [(e.line, e.column) for e in errors] == [(3, "code")]
    assert shown in errors[0].message and "латинские буквы, цифры" in errors[0].message
