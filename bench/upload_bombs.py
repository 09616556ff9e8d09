"""How fast and how lean hostile uploads are refused (printed figures, not tests).

    .venv/bin/python -m bench.upload_bombs

Builds an XLSX zip bomb (a sheet that unpacks to 1 GiB), a billion-laughs XLSX (nested XML entities in the
sheet) and the same with the DTD hidden behind a long comment, hands each to registry.core.tabular (both ways
in: bytes in memory as the hierarchy import does, a file on disk as the records import does) and prints, per
case, the time to the refusal and the memory used meanwhile as ratios to the limits of issue 7: 1 s and
100 MB. Memory is the larger of the Python peak (tracemalloc) and the growth of the process's peak RSS (which
also sees C allocations of zlib and the XML parsers); each case runs in a fresh process so peaks do not mix.
The builders are also used by tests/registry/test_uploads.py.
"""
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

TIME_LIMIT_S = 1.0
MEMORY_LIMIT_B = 100 * 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    '</Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '</Relationships>')
_SHEET_OPEN = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_CLOSE = "</sheetData></worksheet>"


def _workbook(sheet_writer) -> bytes:
    """A minimal valid XLSX whose sheet part is written by `sheet_writer(stream)`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet_writer(sheet)
    return buffer.getvalue()


def zip_bomb(unpacked_mib: int = 1024) -> bytes:
    """A workbook of a few MB whose sheet unpacks to `unpacked_mib` MiB of blank cells."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    block = row * (2**20 // len(row))

    def write(sheet):
        sheet.write(_SHEET_OPEN.encode())
        for _ in range(unpacked_mib):
            sheet.write(block)
        sheet.write(_SHEET_CLOSE.encode())
    return _workbook(write)


def billion_laughs(hidden: bool = False) -> bytes:
    """Nine levels of ten entity references each (10⁹ «lol»s); `hidden` puts the DTD after a 64 KiB comment."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    prolog = '<?xml version="1.0" encoding="UTF-8"?>' + (f"<!--{' ' * 65536}-->" if hidden else "")
    dtd = f"<!DOCTYPE worksheet [{''.join(entities)}]>"
    body = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    return _workbook(lambda sheet: sheet.write((prolog + dtd + body).encode()))


def _measure(read) -> dict:
    from registry.core.tabular import TableRejected

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read()
        refused = None
    except TableRejected as exc:
        refused = exc.errors[0].message
    elapsed = time.perf_counter() - started
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    used = max(python_peak, rss_growth)
    return {"refused": refused, "seconds": round(elapsed, 4), "time_ratio": round(elapsed / TIME_LIMIT_S, 4),
            "python_peak_mb": round(python_peak / 2**20, 2), "rss_growth_mb": round(rss_growth / 2**20, 2),
            "memory_ratio": round(used / MEMORY_LIMIT_B, 4)}


CASES = {"zip_bomb_1gib": zip_bomb, "billion_laughs": billion_laughs,
         "billion_laughs_hidden_dtd": lambda: billion_laughs(hidden=True)}


def _one(case: str, way: str) -> dict:
    """Build one file and refuse it one way, in this (fresh) process."""
    from registry.core.tabular import iter_table, read_table

    data = CASES[case]()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.bin"
        path.write_bytes(data)
        if way == "in_memory":
            result = _measure(lambda: read_table(data, "units.xlsx"))
        else:
            result = _measure(lambda: list(iter_table(path, "records.xlsx")))
    return {"file_kb": round(len(data) / 1024, 1), **result}


def main() -> None:
    if len(sys.argv) == 3:
        print(json.dumps(_one(sys.argv[1], sys.argv[2])))
        return
    results = {}
    for case in CASES:
        for way in ("in_memory", "streamed"):
            command = [sys.executable, "-m", "bench.upload_bombs", case, way]
            child = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 - our module
            results.setdefault(case, {})[way] = json.loads(child.stdout)
    ok = all(r["refused"] and r["time_ratio"] < 1 and r["memory_ratio"] < 1
             for ways in results.values() for r in ways.values())
    print(json.dumps({"limits": {"seconds": TIME_LIMIT_S, "memory_mb": MEMORY_LIMIT_B // 2**20},
                      "cases": results, "all_within_limits": ok}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
