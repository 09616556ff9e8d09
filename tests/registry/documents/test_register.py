"""The documents register: upload with checks before storing, versions, scoped downloads, the roadmap decision."""
import io
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.core.audit import AuditEntry
from registry.documents import storage
from registry.documents.models import DocumentVersion
from registry.documents.vocab import ReviewStatus
from registry.extensions import db
from tests.factories import YEAR
from tests.registry.documents import files

S = "/records/27-KHV-S1/documents"


def _upload(browser, kind: str, data: bytes, name: str, number="45-о", signed_on="2025-09-01", org=S):
    return browser.post(f"{org}/{kind}", data={"number": number, "signed_on": signed_on,
                                               "file": (io.BytesIO(data), name)})


def _versions():
    return db.session.scalars(sa.select(DocumentVersion).order_by(DocumentVersion.id)).all()


def _stored_files(app) -> list[Path]:
    with app.app_context():
        root = storage.root()
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_curator_uploads_versions_kept_on_disk_private_and_audited(app, world, login_as):
    curator = login_as(world.curator)
    assert _upload(curator, "regulation", files.docx(), "Положение о наставничестве.docx").status_code == 302
    assert _upload(curator, "regulation", files.odt(), "Положение (ред. 2).odt", number="50").status_code == 302
    first, second = _versions()
    assert (first.version, first.number, first.media_type.endswith("document")) == (1, "45-о", True)
    assert (second.version, second.number, second.filename) == (2, "50", "Положение (ред. 2).odt")
    stored = _stored_files(app)
    assert len(stored) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in stored)
    assert all(stat.S_IMODE(p.parent.stat().st_mode) == 0o700 for p in stored)
    assert stat.S_IMODE(stored[0].parent.parent.stat().st_mode) == 0o700
    page = curator.get(S).get_data(as_text=True)
    assert "№ 50 от 01.09.2025, версия 2" in page and "Документ не загружен." in page
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_type == "document")).all()
    assert actions == ["document.uploaded", "document.uploaded"]


@pytest.mark.parametrize(("data", "name", "why", "limit"), [
    (files.docm(), "Положение.docx", "макросы", 10**6),
    (files.bomb(), "Положение.docx", "zip-бомб", 10**6),
    (files.png(), "Положение.pdf", "не PDF", 10**6),
    (files.pdf() + b"\0" * 3000, "Положение.pdf", "больше допустимых", 2000),
])
def test_bad_files_are_refused_and_nothing_is_stored(app, world, login_as, data, name, why, limit):
    app.config["DOCUMENT_MAX_BYTES"] = limit
    try:
        response = _upload(login_as(world.curator), "regulation", data, name)
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = 8 * 1024 * 1024
    assert response.status_code == 422
    assert why in response.get_data(as_text=True)
    assert _versions() == [] and _stored_files(app) == []
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.target_type == "document")) == 0


def test_number_and_date_are_required(world, login_as):
    response = _upload(login_as(world.curator), "regulation", files.pdf(), "a.pdf", number=" ", signed_on="")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Укажите номер документа." in text and "Укажите дату документа" in text and _versions() == []


def test_only_the_curator_uploads(world, login_as):
    for user in (world.khv_official, world.operator, world.van_curator):
        assert _upload(login_as(user), "regulation", files.pdf(), "a.pdf").status_code in (403, 404)
    assert _versions() == []


def test_download_is_scoped_and_names_the_file_per_rfc_6266(world, login_as):
    assert _upload(login_as(world.curator), "curator_order", files.pdf(), "Приказ о кураторе.pdf").status_code == 302
    url = f"{S}/curator_order/v1"
    for user in (world.curator, world.khv_official, world.operator, world.admin):
        response = login_as(user).get(url)
        assert response.status_code == 200 and response.data == files.pdf(), user.email
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%D0%9F%D1%80%D0%B8%D0%BA%D0%B0%D0%B7" in disposition
        assert 'filename="' in disposition  # the ASCII fallback for old clients
    for user in (world.van_official, world.van_curator, world.other_operator, world.college_curator):
        response = login_as(user).get(url)
        assert response.status_code in (403, 404) and response.data != files.pdf(), user.email
    assert login_as(world.curator).get(f"{S}/curator_order/v2").status_code == 404


def test_roadmap_goes_to_the_municipality_which_returns_with_a_comment_then_approves(world, login_as):
    curator, official = login_as(world.curator), login_as(world.khv_official)
    _upload(curator, "roadmap", files.pdf(), "Дорожная карта.pdf")
    (row,) = _versions()
    assert row.review_status is ReviewStatus.submitted
    assert curator.post(f"{S}/roadmap/v1/approve").status_code == 403  # the curator does not approve itself
    assert login_as(world.van_official).post(f"{S}/roadmap/v1/approve").status_code == 403
    refused = official.post(f"{S}/roadmap/v1/return", data={"comment": "  "})
    assert refused.status_code == 422 and "без комментария возврат невозможен" in refused.get_data(as_text=True)
    assert official.post(f"{S}/roadmap/v1/return", data={"comment": "Нет сроков по этапу 2"}).status_code == 302
    db.session.expire_all()
    assert (_versions()[0].review_status, _versions()[0].review_comment) == (ReviewStatus.returned,
                                                                             "Нет сроков по этапу 2")
    assert "Нет сроков по этапу 2" in curator.get(S).get_data(as_text=True)
    assert official.post(f"{S}/roadmap/v1/approve").status_code == 409  # decided already
    _upload(curator, "roadmap", files.pdf(), "Дорожная карта, ред. 2.pdf")
    assert official.post(f"{S}/roadmap/v2/approve").status_code == 302
    db.session.expire_all()
    assert [v.review_status for v in _versions()] == [ReviewStatus.returned, ReviewStatus.approved]
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("roadmap.%"))
                               .order_by(AuditEntry.id)).all()
    official_id = world.khv_official.id
    assert [(a.action, a.actor_id, a.comment) for a in audit] == [
        ("roadmap.returned", official_id, "Нет сроков по этапу 2"), ("roadmap.approved", official_id, None)]


def test_a_region_subordinate_organizations_roadmap_goes_to_the_region(world, login_as):
    college = "/records/27-R-VMK/documents"
    _upload(login_as(world.college_curator), "roadmap", files.pdf(), "Карта.pdf", org=college)
    assert login_as(world.van_official).post(f"{college}/roadmap/v1/approve").status_code == 403
    assert login_as(world.operator).post(f"{college}/roadmap/v1/approve").status_code == 302


def test_summaries_show_which_organizations_lack_which_document(world, login_as):
    curator = login_as(world.curator)
    for kind in ("introduction_act", "regulation", "roadmap", "curator_order", "pairs_order"):
        _upload(curator, kind, files.pdf(), f"{kind}.pdf")
    official = login_as(world.khv_official)
    page = official.get("/documents/27-KHV").get_data(as_text=True)
    assert "Организаций без полного комплекта документов: <strong>1</strong> из 2" in page  # the school has all
    home = official.get("/").get_data(as_text=True)
    assert "Без полного комплекта документов: <strong>1</strong>" in home
    review = official.get(f"/campaigns/27/{YEAR}/review").get_data(as_text=True)
    assert "все есть" in review and "нет 5 из 5" in review  # the school has all five, the DOD centre none
    region = login_as(world.operator).get("/documents/27").get_data(as_text=True)
    assert "Ванинский колледж" in region and "Школа п. Ванино" in region and "Школа Биробиджана" not in region
    assert login_as(world.van_official).get("/documents/27-KHV").status_code == 403
    assert login_as(world.khv_official).get("/documents/27").status_code == 403
    assert 'class="pagination"' not in region  # a page of SUMMARY_PER_PAGE organizations


def test_a_large_summary_pages_its_organizations_and_counts_all_of_them(world, login_as, monkeypatch):
    from registry.documents import views as document_views

    monkeypatch.setattr(document_views, "SUMMARY_PER_PAGE", 1)
    curator = login_as(world.curator)
    for kind in ("introduction_act", "regulation", "roadmap", "curator_order", "pairs_order"):
        _upload(curator, kind, files.pdf(), f"{kind}.pdf")
    official = login_as(world.khv_official)
    first = official.get("/documents/27-KHV").get_data(as_text=True)
    second = official.get("/documents/27-KHV?page=2").get_data(as_text=True)
    for page in (first, second):
        assert "Организаций без полного комплекта документов: <strong>1</strong> из 2" in page
    assert "Страница 1 из 2" in first and "Центр «Косатка»" in first and "Школа № 1" not in first
    assert "Страница 2 из 2" in second and "Центр «Косатка»" not in second
    assert login_as(world.curator).get("/documents/27-KHV").status_code == 403


def test_a_version_whose_file_is_gone_answers_404_not_an_error(app, world, login_as):
    curator = login_as(world.curator)
    _upload(curator, "regulation", files.pdf(), "a.pdf")
    for path in _stored_files(app):
        path.unlink()
    response = curator.get(f"{S}/regulation/v1")
    assert response.status_code == 404 and "не найден в хранилище" in response.get_data(as_text=True)
