"""Is an uploaded document what it claims to be? Recognised by content, never by name, before anything is stored.

PDF by its header; DOCX and ODT are ZIP archives, refused by the ZIP central directory before any part is
unpacked (the limits of the XLSX import: too many parts or too large unpacked — zip bombs), then recognised by
their structure ([Content_Types].xml with word/document.xml; an ODT's `mimetype` entry). Macro-enabled Word files
(a vbaProject.bin part or a macroEnabled content type) are refused whatever their name.
"""
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from registry.core.errors import ValidationFailed
from registry.core.tabular import MAX_PARTS, MAX_UNPACKED_BYTES

PDF, DOCX, ODT = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "application/vnd.oasis.opendocument.text")
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
TYPE_LABELS = {PDF: "PDF", DOCX: "DOCX", ODT: "ODT"}
ZIP_MAGIC = b"PK\x03\x04"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
#: A part packed tighter than this is not a document (text compresses ~10:1; bombs ~1000:1).
MAX_RATIO = 200
ALLOWED = "Принимаются файлы PDF, DOCX или ODT."


@dataclass(frozen=True)
class Checked:
    media_type: str
    extension: str


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed("Файл не принят: " + message, {"file": [message]})


def check(data: bytes, filename: str, limit: int) -> Checked:
    """The file's real type, or ValidationFailed saying why it is refused (nothing has been stored)."""
    if not data:
        raise _refuse("файл пустой.")
    if len(data) > limit:
        raise _refuse(f"размер {_mb(len(data))} МБ больше допустимых {_mb(limit)} МБ.")
    if data.startswith(b"%PDF-"):
        media_type = PDF
    elif data.startswith(ZIP_MAGIC):
        media_type = _zip_document(data)
    else:
        raise _refuse(f"по содержимому это не PDF, не DOCX и не ODT. {ALLOWED}")
    extension = PurePath(filename).suffix.lower()
    if extension != EXTENSIONS[media_type]:
        raise _refuse(f"по содержимому это {TYPE_LABELS[media_type]}, а имя файла оканчивается на "
                      f"«{extension or 'без расширения'}». Исправьте расширение или выберите другой файл.")
    return Checked(media_type, extension)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}".replace(".", ",")


def _zip_document(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_sizes(parts)
            names = {part.filename for part in parts}
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                _check_macros(archive, names)
                return DOCX
            if names and parts[0].filename == "mimetype" and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, KeyError) as exc:
        raise _refuse("архив повреждён: это не документ DOCX или ODT.") from exc
    raise _refuse(f"это ZIP-архив, но не документ DOCX или ODT. {ALLOWED}")


def _check_sizes(parts: list[zipfile.ZipInfo]) -> None:
    """The sizes Python's zipfile enforces while unpacking, read from the central directory before unpacking."""
    if len(parts) > MAX_PARTS:
        raise _refuse(f"в архиве слишком много частей ({len(parts)}): это не похоже на документ.")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(f"в распакованном виде документ занимает {_mb(unpacked)} МБ при допустимых "
                      f"{MAX_UNPACKED_BYTES // 2**20} МБ (так устроены zip-бомбы).")
    for part in parts:
        if part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _refuse(f"часть «{part.filename}» сжата в {part.file_size // max(part.compress_size, 1)} раз "
                          "(так устроены zip-бомбы).")


def _check_macros(archive: zipfile.ZipFile, names: set[str]) -> None:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse("документ содержит макросы (DOCM). Сохраните его как обычный DOCX без макросов.")
    content_types = archive.read("[Content_Types].xml")
    if b"macroenabled" in content_types.lower():
        raise _refuse("документ содержит макросы (DOCM). Сохраните его как обычный DOCX без макросов.")
