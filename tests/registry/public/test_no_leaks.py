"""The public side leaks nothing: a crawl of every public page, download and API answer of a seeded registry
finds no mentee (name, request, guardian) and no field a mentor did not consent to publish."""
import json
import re
from collections import deque
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor
from tests.registry.public import seed as seeding

HREF = re.compile(r'href="([^"#]+)"')
START = ["/registry/", "/registry/honorary", "/registry/practices", "/registry/partners", "/registry/data",
         "/api/v1/public/mentors", "/api/v1/public/practices", "/api/v1/public/partners"]


@pytest.fixture
def seeded(world):
    return seeding.build(world)


def _probes(seed) -> list[str]:
    """Requests a curious visitor could make beyond the links: searches for every secret, filters, every id."""
    ids = [m.id for m in db.session.query(Mentor.id)] + [m.id for m in db.session.query(Mentee.id)]
    probes = []
    for secret in seed.secrets:
        probes += [f"/registry/?q={secret}", f"/api/v1/public/mentors?q={secret}"]
    for mentor_id in set(ids) | {max(ids) + 1}:
        probes += [f"/registry/mentors/{mentor_id}", f"/api/v1/public/mentors/{mentor_id}"]
    for query in ("municipality=27-KHV", "municipality=27-VAN", "organization=27-KHV-S1", "organization=27-KHV-DOD",
                  "organization=27-R-VMK", "form=teacher_student", "category=teacher", "q=наставникова",
                  "q=тайнопись", "q=детенышев", "q=родителева", "q=запроснаставляемого"):
        probes += [f"/registry/?{query}", f"/api/v1/public/mentors?{query}"]
    probes += [f"/api/v1/public/mentors?page={n}" for n in range(1, 4)]
    return probes


def _crawl(client, seed) -> dict[str, str]:
    """Every public answer reachable from the start pages by links, plus the probes: url → body."""
    seen: dict[str, str] = {}
    queue = deque(START + _probes(seed))
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404, 422), (url, response.status_code)
        body = response.get_data(as_text=True)
        seen[url] = json.dumps(response.get_json(), ensure_ascii=False) if response.is_json else body
        if response.mimetype == "text/html":
            for href in HREF.findall(body):
                target = urljoin(url, href.replace("&amp;", "&"))
                path = urlsplit(target)
                if path.netloc or not path.path.startswith(("/registry", "/api/v1/public")):
                    continue  # the crawl stays on the public side (the login link and static files are not data)
                queue.append(path.path + (f"?{path.query}" if path.query else ""))
    return seen


def _without_echo(url: str, body: str) -> str:
    """The page minus the visitor's own query, which the search form shows back to them."""
    for value in parse_qs(urlsplit(url).query).get("q", []):
        body = body.replace(value, "")
    return body


def test_no_public_answer_holds_a_mentee_or_a_non_consented_field(seeded, client):
    answers = _crawl(client, seeded)
    assert any(u.startswith("/registry/data/mentors.csv") for u in answers)  # downloads were followed
    assert any(u.startswith("/registry/mentors/") for u in answers)
    leaks = {(url, secret) for url, body in answers.items() for secret in seeded.secrets
             if secret in _without_echo(url, body)}
    assert leaks == set()
    for secret in seeded.secrets:  # searching for a secret finds nobody
        assert json.loads(answers[f"/api/v1/public/mentors?q={secret}"])["items"] == [], secret
    everything = "\n".join(answers.values())
    missing = [value for value in seeded.expected if value not in everything]
    assert missing == []  # the crawl did reach every published value, so the absence above means something


#: The registry of people (PRODUCT.md §9): staff pages and API, never answered to an anonymous visitor.
ALL_KINDS, PEOPLE = ("mentors", "mentees", "pairs", "partners"), ("mentors", "mentees")
PRIVATE = [("/records/registry/27/{kind}", ALL_KINDS), ("/records/registry/27/{kind}.xlsx", ALL_KINDS),
           ("/records/registry/27/{kind}.csv", ALL_KINDS), ("/api/v1/regions/27/registry/{kind}", PEOPLE),
           ("/api/v1/organizations/27-KHV-S1/{kind}", ALL_KINDS),
           ("/api/v1/organizations/27-KHV-S1/{kind}/{id}", ALL_KINDS)]


def test_the_registry_of_people_is_never_public(seeded, client):
    ids = [m.id for m in db.session.query(Mentor.id)] + [m.id for m in db.session.query(Mentee.id)]
    for template, kinds in PRIVATE:
        for kind in kinds:
            for record_id in ids[:3]:
                url = template.format(kind=kind, id=record_id)
                response = client.get(url)
                assert response.status_code in (302, 401), (url, response.status_code)
                if response.status_code == 302:
                    assert "/auth/login" in response.headers["Location"], url
                body = response.get_data(as_text=True)
                assert [s for s in seeded.secrets if s in body] == [], url


def test_withdrawn_consent_disappears_from_every_download_at_once(seeded, client, world):
    from registry.mentoring.services import consents
    from registry.mentoring.vocab import ConsentKind
    person = seeded.mentors[0]
    assert person.full_name in client.get("/registry/data/mentors.json").get_data(as_text=True)
    consents.withdraw(consents.active(person, ConsentKind.processing), actor=world.curator)
    db.session.commit()
    for url in ("/registry/data/mentors.json", "/registry/data/mentors.csv", "/registry/", "/registry/honorary",
                "/api/v1/public/mentors", f"/api/v1/public/mentors/{person.id}"):
        assert person.full_name not in client.get(url).get_data(as_text=True), url
