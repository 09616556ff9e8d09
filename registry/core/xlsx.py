"""What every XLSX shares: neutralised text cells and deterministic bytes (fixed document and ZIP timestamps)."""
import os
import zipfile
from datetime import UTC, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.writer.excel import ExcelWriter

from registry.core.cells import cell as neutral_cell

#: The document timestamp when no snapshot gives one (preliminary data): fixed, so bytes stay reproducible.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: ZIP entries carry this date: the earliest DOS date, as reproducible-build tools use.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
THIN = Side(style="thin", color="555555")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E8ECF1")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def put(ws, row: int, column: int, value, **style):
    """Write one cell; text is neutralised against formula injection, numbers stay numbers."""
    cell = ws.cell(row=row, column=column)
    cell.value = neutral_cell(value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    for key, attr in style.items():
        setattr(cell, key, attr)
    return cell


def number_format(value: float | None) -> str:
    return "0" if value is None or float(value).is_integer() else "0.0"


class FixedDateZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry ZIP_DATE, so the archive does not depend on when it was written."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_DATE)
            zinfo_or_arcname.compress_type = compress_type or self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """openpyxl writes each worksheet from a temporary file: store it with the fixed date too."""
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read(), compress_type, compresslevel)


def workbook_bytes(workbook: Workbook, timestamp: datetime | None) -> bytes:
    """Serialise with fixed created/modified dates (openpyxl's save_workbook would stamp the current time)."""
    moment = (timestamp or EPOCH).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Региональный реестр наставничества"
    buffer = BytesIO()
    archive = FixedDateZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # writes every part and closes the archive
    return buffer.getvalue()

