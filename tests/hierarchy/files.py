"""Builders of hierarchy files for the import tests."""
import io
from pathlib import Path

import openpyxl

from registry.config import PROJECT_ROOT

DATA = Path(__file__).parent / "data"
KHABAROVSK = PROJECT_ROOT / "registry" / "demo" / "khabarovsk_municipalities.csv"
HEADER = ("kind", "code", "name", "parent_code", "org_type", "reports_to", "timezone")

#: A small valid hierarchy: a region, a municipality, a school and a college reporting to the region.
SMALL = (
    ("region", "27", "Хабаровский край", "", "", "", "Asia/Vladivostok"),
    ("municipality", "27-KHV", "городской округ «Город Хабаровск»", "27", "", "", ""),
    ("organization", "27-KHV-S1", "Школа № 1", "27-KHV", "general", "municipality", ""),
    ("organization", "27-R-VMK", "Ванинский колледж", "27-KHV", "vocational", "region", ""),
)


def csv_file(rows=SMALL, *, delimiter=";", encoding="utf-8", newline="\n", header=HEADER) -> bytes:
    """Rows as CSV bytes; values containing the delimiter or quotes are quoted as Excel does."""
    def field(value: str) -> str:
        if delimiter in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value
    lines = [delimiter.join(field(v) for v in row) for row in (header, *rows)]
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_file(rows=SMALL, *, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (header, *rows):
        sheet.append([None if v == "" else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
