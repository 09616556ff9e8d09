"""The hot routes run as many SQL statements for a bigger world as for a small one: none runs a statement per row
it shows (N+1). bench/federal_pages.py measures every GET route at federal scale; this pins the hot ones.

One world (the scope matrix's, with a record of every kind) gets SMALL rows of each kind the hot routes list — regions
with campaigns, organizations with submissions on review or accepted, mentors and mentees with persons and public
copies, surveys, extensions, stored form sets each naming its own unit — and is counted; then it grows to BIG rows
of each and is counted again: the counts must be equal (both sizes hold every kind of row, so a branch taken only
when a kind exists is taken in both).
"""
import random
from datetime import date, timedelta

import sqlalchemy as sa

from bench.generate import _batch, generate
from deadlines.models import Extension
from exports.models import FormSet, StoredForm, StoredFormStatus
from hierarchy.models import Level, Organization
from registry.core.clock import now_utc
from registry.extensions import db
from registry.mentoring.models import Mentee, Mentor, Person
from surveys.models import Survey, SurveyAnswer, SurveyLink
from tests import factories
from tests.conftest import Browser
from tests.test_scope_matrix import _rich_world

C = "/campaigns/27/{year}"
A = "/api/v1/regions/27/campaigns/{year}"
#: (path, role) of the hot routes: dashboards, review queue, unit lists, registry lists, public search, API lists,
#: stored forms, aggregates and municipal reports (R9 and F2 read the records of every accepted organization).
HOT = [
    ("/", "admin"), ("/", "operator"), ("/", "khv_official"), ("/", "curator"), ("/calendar", "admin"),
    (C + "/", "operator"), (C + "/review", "operator"), (C + "/review", "khv_official"), (C + "/members", "operator"),
    (A + "/submissions", "operator"), (A + "/submissions", "khv_official"), (A + "/members", "operator"),
    (A + "/extensions", "operator"), (A + "/surveys", "operator"), (A + "/surveys", "khv_official"),
    ("/records/", "operator"), ("/records/", "khv_official"), ("/hierarchy/units", "admin"),
    ("/records/27-KHV-S1/mentors", "curator"), ("/records/27-KHV-S1/mentees", "curator"),
    ("/api/v1/organizations/27-KHV-S1/mentors", "curator"), ("/api/v1/organizations/27-KHV-S1/mentees", "curator"),
    ("/records/registry/27/mentors", "operator"), ("/records/registry/27/mentees", "khv_official"),
    ("/records/registry/27/mentors?q=%D0%90%D0%BD%D0%BD%D0%B0", "operator"),  # ?q=Анна
    ("/records/registry/27/mentees?q=%D0%BF%D0%B5%D1%82%D1%8F", "khv_official"),  # ?q=петя
    ("/api/v1/regions/27/registry/mentors", "operator"), ("/api/v1/regions/27/registry/mentees", "khv_official"),
    ("/registry/", "anon"), ("/registry/?q=%D0%B2%D0%B0%D1%81", "anon"),
    ("/api/v1/public/mentors", "anon"), ("/api/v1/public/mentors?q=%D0%B2%D0%B0%D1%81", "anon"),
    (C + "/federal-forms", "operator"), (C + "/federal-forms", "khv_official"), (C + "/form-sets", "operator"),
    (A + "/aggregates/27-KHV", "operator"), (A + "/aggregates/27-KHV", "khv_official"),
    (A + "/aggregates/27", "operator"),
    (C + "/municipalities/27-KHV/report", "operator"), (C + "/municipalities/27-KHV/report", "khv_official"),
]
SMALL, BIG = 10, 40  # rows of each kind in the small and the bigger world


def _clients(app, world) -> dict:
    clients = {}
    for role in {role for _, role in HOT}:
        web, headers = app.test_client(), {}
        if role != "anon":
            user = getattr(world, role)
            assert Browser(web).login(user.email).status_code == 302
            token = web.post("/api/v1/auth/token", json={"email": user.email, "password": factories.PASSWORD})
            headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        clients[role] = (web, headers)
    return clients


def _counts(clients, year: int) -> dict[str, int]:
    statements = []
    listener = lambda *_args: statements.append(1)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    counts = {}
    try:
        for template, role in HOT:
            path = template.format(year=year)
            web, headers = clients[role]
            web.get(path, headers=headers)  # warm: first-request work (caches, sessions) is not the route's
            statements.clear()
            response = web.get(path, headers=headers)
            assert response.status_code == 200, (path, role, response.status_code)
            counts[f"{role} {path}"] = len(statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return counts


def _grow(world, first: int, count: int) -> None:
    """Rows `first` to `first + count` of each kind the hot routes list (and a region per 10 rows)."""
    now = now_utc()
    for n in range(first // 10, (first + count) // 10):  # regions with a campaign, organizations, municipal reports
        generate(prefix=f"9{n}", organizations=4, municipalities=2, year=world.campaign.year, seed=n)
    _batch(random.Random(first), world.region, world.campaign, [world.khv.id], range(first, first + count), now)
    codes = [f"27-O{n:06d}" for n in range(first, first + count)]
    new_orgs = db.session.scalars(sa.select(Organization).where(Organization.code.in_(codes))).all()
    db.session.execute(sa.text("UPDATE submissions SET status = 'submitted', reviewed_at = NULL WHERE organization_id"
                               " IN (SELECT id FROM organizations WHERE code LIKE '27-O%')"))
    # every other one accepted: the aggregates and reports read the records of accepted organizations (R9, F2)
    db.session.execute(sa.text("UPDATE submissions SET status = 'accepted', reviewed_at = submitted_at WHERE"
                               " organization_id IN (SELECT id FROM organizations WHERE code LIKE '27-O%' AND"
                               " id % 2 = 0)"))
    for i, org in enumerate(new_orgs):
        survey = Survey(campaign_id=world.campaign.id, organization_id=org.id, kind="mentee", questionnaire_version=1,
                        opened_at=now)
        db.session.add(survey)
        db.session.flush()
        db.session.add_all([SurveyLink(survey_id=survey.id, token=f"grown-{org.id}-{k}", used=k < 5) for k in range(6)])
        db.session.add_all([SurveyAnswer(survey_id=survey.id, score=8, answers={"q1": 8}) for _ in range(5)])
        if i % 3 == 0:
            db.session.add(Extension(campaign_id=world.campaign.id, level=Level.organization, unit_id=org.id,
                                     until=now + timedelta(days=3), reason="болезнь", granted_by_id=world.admin.id))
        _stored_set(world, org, now)
    school = world.school
    for i in range(first, first + count):
        person = Person(region_id=world.region.id, snils=f"{90000000000 + i:011d}")
        db.session.add(person)
        db.session.flush()
        # every other one without СНИЛС, with a birth date: the lists look for its possible duplicates
        person_id, born = (person.id, None) if i % 2 == 0 else (None, date(1990, 1, 1 + i % 28))
        name = f"Васильева Анна {i}"
        db.session.add(Mentor(organization_id=school.id, full_name=name, category="teacher", position="учитель",
                              forms=1, competences="", achievements="", is_public=True, public_fields="full_name",
                              sort_name=name.lower(), search_text=name.lower(), public_organization_id=school.id,
                              public_municipality_id=world.khv.id, public_category="teacher", public_forms=1,
                              person_id=person_id, birth_date=born))
        db.session.add(Mentee(organization_id=school.id, full_name=f"Васильев Петя {i}", category="student",
                              request="", full_cycle_completed=False, person_id=person_id, birth_date=born))
    db.session.commit()


def _stored_set(world, org: Organization, now) -> None:
    """A built set of the organization's form (one stored file): «Федеральные формы» names the set's unit."""
    snapshot_id = db.session.scalar(sa.select(FormSet.snapshot_id).where(FormSet.campaign_id == world.campaign.id))
    form_set = FormSet(campaign_id=world.campaign.id, snapshot_id=snapshot_id, level=Level.organization,
                       unit_code=org.code, version=1, frozen_at=now, form_code=f"grown-{org.id}", total=1,
                       completed_at=now)
    db.session.add(form_set)
    db.session.flush()
    db.session.add(StoredForm(set_id=form_set.id, unit_level=Level.organization, unit_code=org.code,
                              unit_name=org.name, format="xlsx", basis_snapshot_id=snapshot_id,
                              status=StoredFormStatus.stored, built_at=now, attempts=1))


def test_hot_routes_run_as_many_statements_for_a_bigger_world(app):
    world, ids = _rich_world()
    _grow(world, 0, SMALL)
    clients = _clients(app, world)
    small = _counts(clients, ids["year"])
    _grow(world, SMALL, BIG - SMALL)
    big = _counts(clients, ids["year"])
    assert {route: (small[route], n) for route, n in big.items() if n != small[route]} == {}
