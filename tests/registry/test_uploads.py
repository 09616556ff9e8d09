"""Hostile uploads are refused with a Russian reason: zip bombs, XML bombs, files that are not what they are
named, files over the size limit. Both readers (in memory, streamed from disk) and both upload pages.

Time and memory of the refusals are figures of bench/upload_bombs.py, not assertions here.
"""
import io
import zipfile
from functools import cache

import openpyxl.xml
import openpyxl.xml.functions
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from bench.upload_bombs import billion_laughs, zip_bomb
from registry.core import tabular
from registry.core.tabular import TableRejected, iter_table, read_table
from tests.hierarchy.files import csv_file, xlsx_file
from tests.registry.mentoring import builders

BOMB = "в распакованном виде занимает"
DTD = "объявление DTD или XML-сущности"
NOT_WORKBOOK = "ZIP-архив другого рода"


@cache
def _small_bomb() -> bytes:
    """Just over the unpacked-size limit, so the test builds it quickly; the bench uses 1 GiB."""
    return zip_bomb(unpacked_mib=tabular.MAX_UNPACKED_BYTES // 2**20 + 1)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _refusal(data: bytes, filename: str, tmp_path) -> list[str]:
    """The first message of each reader (in memory and streamed) for this file."""
    messages = []
    with pytest.raises(TableRejected) as err:
        read_table(data, filename)
    messages.append(err.value.errors[0].message)
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    with pytest.raises(TableRejected) as err:
        list(iter_table(path, filename))
    messages.append(err.value.errors[0].message)
    return messages


def test_openpyxl_parses_with_defusedxml():
    import defusedxml.ElementTree

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse


@pytest.mark.parametrize(("build", "fragment"), [
    (_small_bomb, BOMB),
    (billion_laughs, DTD),
    (lambda: billion_laughs(hidden=True), DTD),  # the DTD behind a 64 KiB comment: defusedxml stops it
])
def test_bombs_are_refused_before_they_unpack(build, fragment, tmp_path):
    for message in _refusal(build(), "units.xlsx", tmp_path):
        assert fragment in message, message


def test_zip_bomb_message_names_the_sizes(tmp_path):
    message = _refusal(_small_bomb(), "units.xlsx", tmp_path)[0]
    limit = tabular.MAX_UNPACKED_BYTES // 2**20
    assert f"занимает {limit + 1} МБ при допустимых {limit} МБ" in message


def test_too_many_parts_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "MAX_PARTS", 3)
    assert all("слишком много частей" in m for m in _refusal(xlsx_file(), "units.xlsx", tmp_path))


@pytest.mark.parametrize(("build", "filename", "fragment"), [
    (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "units.csv", "ни на текстовый CSV"),
    (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00", "units.csv", "ни на текстовый CSV"),
    (csv_file, "units.xlsx", "не является книгой Excel"),
    (_docx, "units.xlsx", NOT_WORKBOOK),
    (_docx, "units.csv", NOT_WORKBOOK),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "units.xlsx", "XLS (Excel 97–2003)"),
])
def test_content_that_is_not_what_the_name_says_is_refused(build, filename, fragment, tmp_path):
    for message in _refusal(build(), filename, tmp_path):
        assert fragment in message, message


def test_a_real_workbook_still_reads(tmp_path):
    rows = read_table(xlsx_file(), "units.xlsx")
    assert rows[0][1][0] == "kind"


def _post_file(browser, url: str, data: bytes, name: str, **fields):
    # encoded in memory: the test client would spool a large body to a temporary file it never closes
    upload = FileStorage(io.BytesIO(data), name)
    boundary, body = encode_multipart({"csrf_token": browser.csrf, **fields, "file": upload})
    return browser.client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                               follow_redirects=True)  # an accepted upload goes on as a job: to its page


def _records_upload(browser, data: bytes, name: str):
    return _post_file(browser, "/records/27-KHV-S1/import", data, name, kind="mentors")


def _hierarchy_upload(browser, data: bytes, name: str):
    return _post_file(browser, "/hierarchy/import", data, name)


@pytest.fixture
def uploaders(world, login_as, app):
    builders.temporary_uploads()
    return [(_records_upload, login_as(world.curator)), (_hierarchy_upload, login_as(world.operator))]


@pytest.mark.parametrize(("build", "fragment"), [(_small_bomb, BOMB), (billion_laughs, DTD), (_docx, NOT_WORKBOOK)])
def test_upload_pages_show_the_refusal(uploaders, build, fragment):
    for upload, browser in uploaders:
        response = upload(browser, build(), "file.xlsx")
        page = response.get_data(as_text=True)
        assert response.request.path.rsplit("/", 2)[-2] == "jobs"  # the import job's page…
        assert "не прошла" in page and fragment in page  # …says the file was refused, and why


def test_uploads_over_the_size_limit_are_refused_with_the_limit(uploaders, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    for upload, browser in uploaders:
        response = upload(browser, b"kind;code\n" + b"x" * (2 * 1024 * 1024), "big.csv")
        assert response.status_code == 413
        assert "Файл слишком большой: можно загрузить не более 1 МБ." in response.get_data(as_text=True)
