"""Sample uploads built in memory: real PDF/DOCX/ODT shapes and the bad files the register must refuse."""
import io
import zipfile

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 b'officedocument.wordprocessingml.document.main+xml"/></Types>')
MACRO_TYPES = CONTENT_TYPES.replace(b"document.main+xml", b"document.macroEnabled.main+xml")


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _zip(parts: list[tuple[str, bytes]], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in parts:
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if name == "mimetype" else method)
    return out.getvalue()


def docx(body: bytes = b"<w:document/>", types: bytes = CONTENT_TYPES, extra=()) -> bytes:
    return _zip([("[Content_Types].xml", types), ("word/document.xml", body), *extra])


def docm() -> bytes:
    """A macro-enabled Word file: a vbaProject.bin part and the macroEnabled content type."""
    return docx(types=MACRO_TYPES, extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros")])


def docm_named_docx() -> bytes:
    """Only the content type gives the macros away (no vbaProject.bin part)."""
    return docx(types=MACRO_TYPES)


def bomb() -> bytes:
    """A 'DOCX' whose document part unpacks 32 MB of zeros from a few kilobytes."""
    return docx(body=b"\0" * (32 * 1024 * 1024))


def odt() -> bytes:
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office:document/>")])


def xlsx() -> bytes:
    return _zip([("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", b"<workbook/>")])


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\0" * 100
