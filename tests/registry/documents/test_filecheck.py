"""Uploaded documents are recognised by content: PDF, DOCX, ODT pass; macros, bombs and impostors are refused."""
import pytest

from registry.core.errors import ValidationFailed
from registry.documents import filecheck
from tests.registry.documents import files

LIMIT = 1024 * 1024


@pytest.mark.parametrize(("data", "name", "media_type"), [
    (files.pdf(), "Приказ.pdf", filecheck.PDF), (files.docx(), "Положение.DOCX", filecheck.DOCX),
    (files.odt(), "Карта.odt", filecheck.ODT)])
def test_documents_are_recognised_by_content(data, name, media_type):
    assert filecheck.check(data, name, LIMIT).media_type == media_type


@pytest.mark.parametrize(("data", "name", "why"), [
    (files.docm(), "Положение.docx", "макросы"),
    (files.docm_named_docx(), "Положение.docx", "макросы"),
    (files.bomb(), "Положение.docx", "zip-бомб"),
    (files.png(), "Приказ.pdf", "не PDF, не DOCX и не ODT"),
    (files.xlsx(), "Приказ.docx", "не документ DOCX или ODT"),
    (files.pdf(), "Приказ.docx", "это PDF, а имя файла оканчивается на «.docx»"),
    (b"PK\x03\x04broken", "Приказ.docx", "архив повреждён"),
    (b"", "Приказ.pdf", "пустой"),
    (files.pdf() + b"\0" * LIMIT, "Приказ.pdf", "больше допустимых 1,0 МБ"),
])
def test_bad_files_are_refused_with_the_reason(data, name, why):
    with pytest.raises(ValidationFailed) as refused:
        filecheck.check(data, name, LIMIT)
    assert why in refused.value.fields["file"][0]


def test_a_document_unpacking_past_the_import_limit_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(filecheck, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ValidationFailed) as refused:
        filecheck.check(files.docx(body=b"<w:document>" + b"x" * 2000 + b"</w:document>"), "a.docx", LIMIT)
    assert "в распакованном виде" in refused.value.fields["file"][0]
