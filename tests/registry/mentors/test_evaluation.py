"""The year-end evaluation against the §5.3 criteria: filled by the curator, shown on the mentor card, as PDF."""
import io

import sqlalchemy as sa
from pypdf import PdfReader

from registry.core.audit import AuditEntry
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentors.models import YearEvaluation
from registry.mentors.vocab import CRITERIA
from tests.registry.mentors import builders

SCORES = {f"score_{code}": str(score) for code, score in zip(CRITERIA, (3, 2, 1, 0), strict=True)}
PARTS = {"process": "Встречи раз в неделю", "progress": "Наставляемый выиграл олимпиаду",
         "mentor_work": "Наставник подготовил кейс", "conclusion": "Поощрить грамотой"}


def test_curator_fills_the_evaluation_and_it_shows_on_the_card_and_in_the_pdf(world, login_as):
    m = builders.build(world)
    year = now_utc().year
    url = f"/records/27-KHV-S1/mentors/{m.anna.id}/evaluations/{year}"
    curator = login_as(world.curator)
    bad = curator.post(url, data={**SCORES, "score_attendance": "7", **PARTS})
    assert bad.status_code == 422 and "Выберите оценку по критерию" in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(YearEvaluation)) == 0
    assert curator.post(url, data={**SCORES, **PARTS}).status_code == 302
    saved = db.session.scalar(sa.select(YearEvaluation))
    assert saved.scores == {"project_culture": 3, "attendance": 2, "projects": 1, "activity": 0}
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "mentor_evaluation.saved"))

    card = curator.get(f"/records/27-KHV-S1/mentors/{m.anna.id}").get_data(as_text=True)
    assert f"{year}: Повышение проектной культуры наставляемых — 3" in card
    for viewer in (curator, login_as(world.khv_official)):
        response = viewer.get(url + "/pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        for needle in ("Формализованный отчёт", f"за {year} год", "Аннова Анна Андреевна",
                       "Повышение проектной культуры", "3 — проявлено полностью", "0 — не проявлено",
                       "Наставляемый выиграл олимпиаду", "Поощрить грамотой"):
            assert needle in text, needle


def test_evaluation_is_the_curators_and_scoped(world, login_as):
    m = builders.build(world)
    url = f"/records/27-KHV-S1/mentors/{m.anna.id}/evaluations/{now_utc().year}"
    assert login_as(world.khv_official).post(url, data={**SCORES, **PARTS}).status_code == 403
    assert login_as(world.van_official).get(url).status_code == 403
    assert login_as(m.anna_user).get(url).status_code == 403
    assert login_as(world.curator).get(url + "/pdf").status_code == 404  # not filled yet
