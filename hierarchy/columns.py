"""The hierarchy file in Russian: headers («Вид», «Код вышестоящего звена»), values («муниципалитет»,
«общеобразовательная») and the downloadable template with drop-down lists. English codes stay accepted."""
import csv
import io

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hierarchy.models import Level, OrgType, ReportsTo

COLUMNS = ("kind", "code", "name", "parent_code", "org_type", "reports_to", "timezone")
HEADERS = {"kind": "Вид", "code": "Код", "name": "Наименование", "parent_code": "Код вышестоящего звена",
           "org_type": "Тип организации", "reports_to": "Подчинение", "timezone": "Часовой пояс"}
#: column → {code: the Russian value written in the template}.
VALUES = {
    "kind": {Level.region.value: "регион", Level.municipality.value: "муниципалитет",
             Level.organization.value: "организация"},
    "org_type": {OrgType.general.value: "общеобразовательная", OrgType.additional.value: "дополнительного образования",
                 OrgType.vocational.value: "профессиональная"},
    "reports_to": {ReportsTo.municipality.value: "муниципалитет", ReportsTo.region.value: "регион"},
}
#: Other spellings people use: abbreviations and the dative («подчиняется муниципалитету»).
_ALIASES = {
    "org_type": {"оо": "general", "до": "additional", "спо": "vocational", "общеобразовательная (оо)": "general",
                 "дополнительного образования (до)": "additional", "профессиональная (спо)": "vocational"},
    "reports_to": {"муниципалитету": "municipality", "региону": "region"},
}
EXAMPLE = [["регион", "27", "Хабаровский край", "", "", "", "Asia/Vladivostok"],
           ["муниципалитет", "27-KHV", "г. Хабаровск", "27", "", "", ""],
           ["организация", "27-KHV-S1", "МБОУ СОШ № 1 г. Хабаровска", "27-KHV", "общеобразовательная",
            "муниципалитет", ""]]
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _norm(text: str) -> str:
    return " ".join(str(text).casefold().replace("ё", "е").split())


_HEADER_CODES = {_norm(label): code for code, label in HEADERS.items()}
_READERS = {column: {**{_norm(c): c for c in values}, **{_norm(v): c for c, v in values.items()},
                     **_ALIASES.get(column, {})} for column, values in VALUES.items()}


def column_code(name: str) -> str:
    """A header cell → the column code («Вид» and «kind» both give kind)."""
    return _HEADER_CODES.get(_norm(name), name.strip().lower())


def header(code: str) -> str:
    return HEADERS.get(code, code)


def to_code(column: str, text: str) -> str:
    """A cell → the code the checks read; an unknown value is returned lower-cased (the checks name it)."""
    reader = _READERS.get(column)
    if reader is None:
        return text
    return reader.get(_norm(text), text.lower())


def one_of(column: str) -> str:
    values = [f"«{v}»" for v in VALUES[column].values()]
    return ", ".join(values[:-1]) + " или " + values[-1]


def template(fmt: str) -> tuple[bytes, str]:
    """The hierarchy template: the Russian header and an example of each kind; XLSX adds drop-down lists."""
    headers = [header(c) for c in COLUMNS]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerows([headers, *EXAMPLE])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), FORMATS["csv"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Подразделения"
    for row in (headers, *EXAMPLE):
        sheet.append(row)
    lists = book.create_sheet("Списки")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(16, len(header(column)) + 4)
        values = list(VALUES.get(column, {}).values())
        if not values:
            continue
        for row, value in enumerate(values, start=1):
            lists[f"{letter}{row}"] = value
        validation = DataValidation(type="list", formula1=f"'Списки'!${letter}$1:${letter}${len(values)}",
                                    allow_blank=True, showErrorMessage=True, errorTitle="Значение не из списка",
                                    error=f"Выберите из списка: {', '.join(values)}.")
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), FORMATS["xlsx"]
