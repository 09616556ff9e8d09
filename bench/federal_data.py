"""The federal dataset of bench/federal_pages.py: the scope matrix's world grown to federal scale with bulk SQL.

First the rich world of tests/test_scope_matrix.py (region 27 with its municipalities 27-KHV and 27-VAN, a school,
users of every role, a record of every kind, so every route has a valid path); then, at `scale` 1:

- region 27 becomes the largest region (8 % of the organizations, 100 municipalities) and 27-KHV its largest
  municipality (1,000 organizations), in the running campaign, with submissions in every state (a busy review queue);
- 87 more regions (89 with 27 and 79) of ≈ 1,045 organizations in ≈ 25 municipalities each, each with its own
  campaign, accepted submissions and frozen municipal reports (bench/federal_orgs.py): 100,000 organizations,
  2,300 municipalities;
- 1,000,000 people in region 27's registry (600,000 mentor and 400,000 mentee records; a third with a СНИЛС; half of
  the mentors published for the public search), 2,000 of each in the matrix school;
- a queued-and-stored form set for every municipal snapshot, and mentee surveys with answers in a third of region
  27's organizations.

Everything after the world is COPY (bench/bulk.py), INSERT … SELECT or multi-row INSERT, for all regions at once,
with the big tables' keys and indexes dropped during their load and made once after it, then ANALYZE. Each step
prints its seconds (`--load-only` of bench/federal_pages.py runs only this): ≈ 1 min at scale 1 on the 2-core
machine. Call inside an app context.
"""
import random
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from bench import federal_orgs
from bench.bulk import STEPS, keys_dropped, say
from bench.mentors import COMPETENCES, FIRST, PATRONYMICS, POSITIONS, _sql_array, surnames
from hierarchy.models import Municipality
from registry.extensions import db

FEDERAL = {"regions": 89, "organizations": 100_000, "municipalities": 2_300, "people": 1_000_000}
BUSY_SHARE = 0.08  # of the organizations, in region 27
BUSY_MUNICIPALITIES = 100
KHV_SHARE = 0.125  # of region 27's organizations, in 27-KHV
SCHOOL_RECORDS = 2_000  # mentors and as many mentees in the matrix school (fewer at small scales)


def grow(world, ids: dict, scale: float, regions: int) -> dict:
    """Grow the matrix world to the federal dataset (times `scale`); return the counts loaded. Commits."""
    started, now = time.perf_counter(), datetime.now(UTC)
    say("the matrix world")
    orgs = max(40, int(FEDERAL["organizations"] * scale))
    busy_orgs = int(orgs * BUSY_SHARE)
    busy = _busy_region(world, busy_orgs, max(4, int(BUSY_MUNICIPALITIES * scale)), now)
    others = [f"{n:02d}" for n in range(1, 100) if n not in (27, 79)][:max(0, regions - 2)]
    per_region = (orgs - busy_orgs) // max(1, len(others))
    municipalities = max(1, int((FEDERAL["municipalities"] - BUSY_MUNICIPALITIES) * scale / max(1, len(others))))
    plans = federal_orgs.regions(others, per_region, municipalities, world.campaign.year, now)
    say(f"{len(plans)} regions with a campaign and {municipalities} municipalities each")
    federal_orgs.organizations([busy, *plans], random.Random(27), now)
    _busy_states(world)
    federal_orgs.municipal_reports([plan.campaign_id for plan in plans], now)
    db.session.commit()
    people = max(1_000, int(FEDERAL["people"] * scale))
    _people(world, people)
    _form_sets(now)
    _surveys(world, now)
    db.session.commit()
    say("form sets and surveys")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    say("VACUUM ANALYZE")
    counts = {table: db.session.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names
              for table in ("regions", "municipalities", "organizations", "campaigns", "submissions", "mentors",
                            "mentees", "people", "form_sets", "stored_forms", "survey_answers")}
    counts["seconds"] = round(time.perf_counter() - started)
    counts["steps"] = dict(STEPS)
    return counts


def _busy_region(world, organizations: int, municipalities: int, now: datetime) -> federal_orgs.Plan:
    """More municipalities in region 27, and the plan of its organizations: 27-KHV gets KHV_SHARE of them."""
    new_ids = db.session.scalars(
        sa.insert(Municipality).returning(Municipality.id, sort_by_parameter_order=True),
        [{"code": f"27-M{i:04d}", "name": f"Муниципальный район № {i}", "region_id": world.region.id,
          "created_at": now} for i in range(1, municipalities + 1)]).all()
    # 27-KHV weighted so that it holds KHV_SHARE of the new organizations
    weight = max(1, round(KHV_SHARE * len(new_ids) / (1 - KHV_SHARE)))
    return federal_orgs.Plan(world.region.id, world.region.code, world.campaign.id,
                             list(new_ids) + [world.khv.id] * weight, range(organizations))


def _busy_states(world) -> None:
    """Region 27's submissions in every state: a quarter on review, some returned, some still drafts."""
    db.session.execute(sa.text(
        "UPDATE submissions SET status = CASE WHEN id % 20 < 5 THEN 'submitted' WHEN id % 20 < 7 THEN 'returned'"
        " WHEN id % 20 < 10 THEN 'draft' ELSE 'accepted' END,"
        " reviewed_at = CASE WHEN id % 20 < 5 OR id % 20 BETWEEN 7 AND 9 THEN NULL ELSE reviewed_at END,"
        " submitted_at = CASE WHEN id % 20 BETWEEN 7 AND 9 THEN NULL ELSE submitted_at END"
        " WHERE campaign_id = :c AND organization_id IN (SELECT id FROM organizations WHERE code LIKE '27-O%')"),
        {"c": world.campaign.id})
    say("region 27's submissions in every state")


_PEOPLE = "INSERT INTO people (region_id, snils, created_at) SELECT :r, lpad(g::text, 11, '0'), now() " \
          "FROM generate_series(1, :n) g"
# One record per g: a random name, an organization of region 27 (or the matrix school), a person for every third;
# half the mentors published, their public copy built as registry.mentoring.publication builds it (consented
# fields, lower-cased, ё→е).
_RECORDS = """
WITH orgs AS (SELECT array_agg(o.id ORDER BY o.id) AS ids FROM organizations o WHERE {orgs}),
src AS (
  SELECT g, orgs.ids[1 + (g * 7919) % array_length(orgs.ids, 1)] AS org, {category} AS category,
         ({s})[1 + floor(random() * 400)::int] || ' ' || ({f})[1 + floor(random() * 20)::int] || ' ' ||
         ({p})[1 + floor(random() * 10)::int] AS full_name, ({o})[1 + g % 8] AS position,
         ({c})[1 + g % 20] || ', ' || ({c})[1 + (g / 20) % 20] AS competences, g % 2 = 0 AS pub
  FROM orgs, generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) g
)
INSERT INTO {table} (organization_id, full_name, birth_date, category, person_id, {cols} created_at)
SELECT src.org, src.full_name, date '1970-01-01' + (g % 15000)::int, src.category,
       CASE WHEN g % 3 = 0 THEN :p0 + (g / 3) % :persons END, {vals} now()
FROM src JOIN organizations o ON o.id = src.org JOIN municipalities mu ON mu.id = o.location_municipality_id
"""
_MENTOR = {"table": "mentors",
           "cols": "position, forms, competences, achievements, is_public, public_fields, sort_name, public_forms,"
                   " public_category, public_organization_id, public_municipality_id, search_text,",
           "vals": "src.position, 1 << (g % 5)::int, src.competences, '', src.pub,"
                   " CASE WHEN src.pub THEN 'full_name,position,organization,category,forms,competences' ELSE '' END,"
                   " CASE WHEN src.pub THEN replace(lower(src.full_name), 'ё', 'е') ELSE '' END,"
                   " CASE WHEN src.pub THEN 1 << (g % 5)::int ELSE 0 END, CASE WHEN src.pub THEN src.category END,"
                   " CASE WHEN src.pub THEN o.id END, CASE WHEN src.pub THEN mu.id END,"
                   " CASE WHEN src.pub THEN replace(lower(src.full_name || ' ' || src.position || ' ' || o.name || ' '"
                   " || mu.name || ' ' || src.competences), 'ё', 'е') END,",
           "category": "CASE WHEN g % 10 < 7 THEN 'teacher' WHEN g % 10 < 9 THEN 'student' ELSE 'employer' END"}
_MENTEE = {"table": "mentees", "cols": "request, full_cycle_completed,", "vals": "'', g % 4 = 0,",
           "category": "CASE WHEN g % 10 < 8 THEN 'student' WHEN g % 10 < 9 THEN 'young_teacher' ELSE 'teacher' END"}


def _people(world, people: int) -> None:
    """`people` mentor and mentee records in region 27 (their keys and indexes dropped during the load, then made)."""
    conn = db.session.connection()
    persons = people // 3
    p0 = db.session.scalar(sa.text("SELECT coalesce(max(id), 0) FROM people"))
    conn.execute(sa.text(_PEOPLE.replace("lpad(g::text", "lpad((g + 50000000)::text")), {"r": world.region.id,
                                                                                          "n": persons})
    p0 = db.session.scalar(sa.text("SELECT min(id) FROM people WHERE id > :p"), {"p": p0})
    say(f"{persons} people")
    arrays = {"s": _sql_array(surnames()), "f": _sql_array(FIRST), "p": _sql_array(PATRONYMICS),
              "c": _sql_array(COMPETENCES), "o": _sql_array(POSITIONS)}
    school = min(SCHOOL_RECORDS, people // 50)
    mentors = int(people * 0.6)
    region_orgs = f"o.region_id = {int(world.region.id)}"
    school_org = f"o.id = {int(world.school.id)}"
    conn.execute(sa.text("SELECT setseed(0.18)"))
    with keys_dropped("mentors", "mentees"):
        for spec, first, last in ((_MENTOR, 1, mentors), (_MENTEE, mentors + 1, people)):
            params = {"p0": p0, "persons": persons}
            conn.execute(_records(spec, arrays, school_org), {**params, "a": first, "b": first + school - 1})
            for start in range(first + school, last + 1, 200_000):
                conn.execute(_records(spec, arrays, region_orgs),
                             {**params, "a": start, "b": min(last, start + 199_999)})
        say(f"{people} mentor and mentee records, half the mentors published")
        for table in ("mentors", "mentees"):  # one record per person and organization: drop the formula's clashes
            conn.execute(sa.text(f"UPDATE {table} t SET person_id = NULL FROM (SELECT id, row_number() OVER "  # noqa: S608
                                 f"(PARTITION BY person_id, organization_id ORDER BY id) AS n FROM {table} "
                                 f"WHERE person_id IS NOT NULL) d WHERE d.id = t.id AND d.n > 1"))
    db.session.commit()
    say("mentor and mentee keys and indexes made")


def _records(spec: dict, arrays: dict, orgs: str) -> sa.TextClause:
    return sa.text(_RECORDS.format(**spec, **arrays, orgs=orgs))


def _form_sets(now: datetime) -> None:
    """A stored form set (four formats) for every frozen municipal snapshot that has none yet."""
    from exports.definition_files import DEFAULT_FORM

    params = {"now": now, "form": DEFAULT_FORM}
    db.session.execute(sa.text(
        "INSERT INTO form_sets (campaign_id, snapshot_id, level, unit_code, version, frozen_at, form_code, total,"
        " created_at, completed_at) SELECT s.campaign_id, s.id, 'municipality', s.unit_code, 1, :now, :form, 4,"
        " :now, :now FROM snapshots s WHERE s.level = 'municipality' AND NOT EXISTS"
        " (SELECT 1 FROM form_sets f WHERE f.snapshot_id = s.id)"), params)
    db.session.execute(sa.text(
        "INSERT INTO stored_forms (set_id, unit_level, unit_code, unit_name, format, basis_snapshot_id, status, path,"
        " size, sha256, values_checksum, attempts, built_at)"
        " SELECT f.id, 'municipality', f.unit_code, m.name, x.fmt, f.snapshot_id, 'stored',"
        " 'bench/' || f.id || '.' || x.fmt, 20000, repeat('0', 64), repeat('0', 64), 1, :now"
        " FROM form_sets f JOIN municipalities m ON m.code = f.unit_code"
        " CROSS JOIN (VALUES ('pdf'), ('xlsx'), ('csv'), ('xml')) x(fmt)"
        " WHERE NOT EXISTS (SELECT 1 FROM stored_forms s WHERE s.set_id = f.id)"), params)


def _surveys(world, now: datetime) -> None:
    """Mentee surveys in a third of region 27's organizations: 30 links each, 20 answered."""
    params = {"c": world.campaign.id, "r": world.region.id, "now": now}
    db.session.execute(sa.text(
        "INSERT INTO surveys (campaign_id, organization_id, kind, questionnaire_version, opened_at)"
        " SELECT :c, o.id, 'mentee', 1, :now FROM organizations o WHERE o.region_id = :r AND o.id % 3 = 0"
        " AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.campaign_id = :c AND s.organization_id = o.id)"), params)
    db.session.execute(sa.text(
        "INSERT INTO survey_links (survey_id, token, used) SELECT s.id, 'bench-' || s.id || '-' || g, g <= 20"
        " FROM surveys s CROSS JOIN generate_series(1, 30) g WHERE s.campaign_id = :c AND s.opened_by_id IS NULL"),
        params)
    db.session.execute(sa.text(
        "INSERT INTO survey_answers (survey_id, score, answers) SELECT s.id, 5 + (g % 6),"
        " CAST('{\"q1\": 8, \"q2\": 7, \"q3\": 9, \"q4\": 8, \"q5\": \"weekly\", \"q6\": \"yes\"}' AS json)"
        " FROM surveys s CROSS JOIN generate_series(1, 20) g WHERE s.campaign_id = :c AND s.opened_by_id IS NULL"),
        params)
