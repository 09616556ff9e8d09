"""Shared helpers of the survey tests: open a survey, answer it, the URLs."""
from tests.factories import YEAR

BASE = f"/api/v1/regions/27/campaigns/{YEAR}"
#: A valid mentee answer: scores 10, 10, 10, 10 → 100 %.
FULL = {"q1": 10, "q2": 10, "q3": 10, "q4": 10, "q5": "weekly", "q6": "yes", "q7": "Больше встреч"}


def answers(score: int) -> dict:
    """A valid answer whose four scored questions all get `score` (→ (score − 1) / 9 × 100 %)."""
    return {**FULL, "q1": score, "q2": score, "q3": score, "q4": score}


def open_survey(api, org_code: str, kind: str = "mentee", links: int = 3) -> dict:
    response = api.post(f"{BASE}/surveys", json={"organization": org_code, "kind": kind, "links": links})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def answer(client, url: str, body: dict):
    return client.post(f"/api/v1/survey-links/{token_of(url)}/answers", json={"answers": body})
