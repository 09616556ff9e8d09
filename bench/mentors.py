"""Synthetic published mentors for the HTTP benchmarks: one region `B` with its municipalities, 600 schools and
N mentors filled in the database with bulk INSERT … SELECT, and public search URLs over them."""
import random
import time
import urllib.parse

import sqlalchemy as sa

SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
            "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв"]
SUFFIXES = ["", "ский", "ин", "ых", "енко", "ович", "ец", "ов", "ёв", "ушкин"]
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Ирина", "Наталья", "Татьяна", "Светлана", "Юлия", "Екатерина",
         "Дмитрий", "Алексей", "Сергей", "Андрей", "Павел", "Игорь", "Михаил", "Николай", "Владимир", "Артём"]
PATRONYMICS = ["Александровна", "Сергеевна", "Ивановна", "Петровна", "Андреевна", "Александрович", "Сергеевич",
               "Иванович", "Петрович", "Андреевич"]
COMPETENCES = ["робототехника", "проектная деятельность", "олимпиадная математика", "физика", "химия",
               "программирование", "волонтёрство", "журналистика", "сварочное производство", "экология",
               "история края", "английский язык", "биология", "шахматы", "туризм", "дизайн", "электротехника",
               "агрономия", "медиация", "финансовая грамотность"]
POSITIONS = ["учитель", "мастер производственного обучения", "педагог дополнительного образования",
             "инженер", "студент", "тьютор", "педагог-психолог", "методист"]
QUERIES = ["иванова", "смирновский анна", "кузнецова ольга", "соколенко", "орлов", "романова мария",
           "робототехника", "сварочное", "шахматы иванов", "медиация", "петровых", "зайцева",
           "киселев", "воробьёва", "гусева екатерина", "агрономия", "фролов павел", "дмитриева",
           # names as people type them (prefixes of the published name, surname first)
           "ива", "смирн", "кузнецова ол", "соко", "гусе", "фролов п", "алекс", "ю"]
FILTERS = ["", "&municipality=B-M03", "&form=teacher_student", "&category=teacher", "&municipality=B-M11"]
#: The indexes of mentors the fill drops and makes again after its rows (one sorted build, not a million inserts).
SEARCH_INDEXES = ["ix_mentors_search", "ix_mentors_name_prefix", "ix_mentors_name_trigrams"]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def surnames() -> list[str]:
    return [s + x for s in SURNAMES for x in SUFFIXES]  # 400 surnames


def fill_postgresql(url: str, mentors: int, *, public_share: float = 0.8, municipalities: int = 19) -> float:
    """Replace the bench region's data with `mentors` synthetic mentors; return seconds taken."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    started = time.perf_counter()
    with engine.begin() as conn:
        foreign = conn.execute(sa.text("SELECT count(*) FROM mentors m JOIN organizations o "
                                       "ON o.id = m.organization_id WHERE o.code NOT LIKE 'B-%'")).scalar()
        if foreign:
            raise SystemExit("this database holds real mentoring records: use a separate benchmark database")
        # mentors and partners are deleted, not truncated: users refer to them (a mentor's account, a reviewer), so
        # TRUNCATE … CASCADE would reach users and the append-only audit trail, which refuses it
        conn.execute(sa.text("UPDATE users SET mentor_id = NULL WHERE mentor_id IS NOT NULL"))
        conn.execute(sa.text("TRUNCATE mentor_awards, consents, pair_mentors, pair_mentees, mentoring_pairs, "
                             "mentor_quarterly_reports, mentor_year_evaluations, partner_agreements, practices "
                             "RESTART IDENTITY CASCADE"))
        conn.execute(sa.text("DELETE FROM mentors"))
        conn.execute(sa.text("DELETE FROM partners"))
        conn.execute(sa.text("DELETE FROM organizations WHERE code LIKE 'B-%'"))
        conn.execute(sa.text("DELETE FROM municipalities WHERE code LIKE 'B-%'"))
        conn.execute(sa.text("DELETE FROM regions WHERE code = 'B'"))
        region = conn.execute(sa.text("INSERT INTO regions (code, name, timezone, created_at) VALUES "
                                      "('B', 'Бенчмарк-край', 'Asia/Vladivostok', now()) RETURNING id")).scalar()
        conn.execute(sa.text(
            "INSERT INTO municipalities (code, name, region_id, created_at) SELECT 'B-M' || lpad(i::text, 2, '0'), "
            "'Муниципальный район № ' || i, :r, now() FROM generate_series(1, :n) i"),
            {"r": region, "n": municipalities})
        conn.execute(sa.text(
            "INSERT INTO organizations (code, name, region_id, org_type, location_municipality_id, reports_to, "
            "created_at) SELECT 'B-O' || i, 'Школа № ' || i, :r, 'general', "
            "(SELECT id FROM municipalities WHERE code = 'B-M' || lpad((1 + i % :n)::text, 2, '0')), "
            "'municipality', now() FROM generate_series(1, 600) i"), {"r": region, "n": municipalities})
        # the search indexes are rebuilt once, after the rows, from their own definitions
        rebuilt = conn.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN :names")
                               .bindparams(sa.bindparam("names", expanding=True)), {"names": SEARCH_INDEXES}).all()
        for name, _ in rebuilt:
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
        first_org = conn.execute(sa.text("SELECT min(id) FROM organizations WHERE code LIKE 'B-O%'")).scalar()
        arrays = {"s": _sql_array(surnames()), "f": _sql_array(FIRST), "p": _sql_array(PATRONYMICS),
                  "c": _sql_array(COMPETENCES), "o": _sql_array(POSITIONS)}
        conn.execute(sa.text("SELECT setseed(0.42)"))  # the same synthetic data on every run
        chunk = 200_000
        for start in range(1, mentors + 1, chunk):
            stop = min(mentors, start + chunk - 1)
            conn.execute(sa.text(_INSERT.format(**arrays)), {"a": start, "b": stop, "share": public_share,
                                                             "org0": first_org})
        for _, definition in rebuilt:
            conn.execute(sa.text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE mentors"))
    engine.dispose()
    return time.perf_counter() - started


# One row per g: a random name from the pools, organization and two competences; the search text is built the way
# registry.mentoring.publication builds it (consented fields, lower-cased, ё→е).
_INSERT = """
WITH raw AS (
  SELECT g, ({s})[1 + floor(random() * 400)::int] AS sur, ({f})[1 + floor(random() * 20)::int] AS first,
         ({p})[1 + floor(random() * 10)::int] AS pat, ({c})[1 + floor(random() * 20)::int] AS c1,
         ({c})[1 + floor(random() * 20)::int] AS c2, ({o})[1 + floor(random() * 8)::int] AS pos,
         :org0 + floor(random() * 600)::int AS org, random() < :share AS pub,
         CASE WHEN g % 10 < 7 THEN 'teacher' WHEN g % 10 < 9 THEN 'student' ELSE 'employer' END AS category
  FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) g
), src AS (
  SELECT raw.*, sur || ' ' || first || ' ' || pat AS fio
  FROM raw
)
INSERT INTO mentors (organization_id, code, full_name, category, position, forms, competences, achievements,
                     is_public, public_fields, search_text, sort_name, public_organization_id,
                     public_municipality_id, public_category, public_forms, created_at)
SELECT src.org, 'B' || g, fio, category, pos, 1 << (g % 5)::int, c1 || ', ' || c2, '', pub,
       CASE WHEN pub THEN 'full_name,position,organization,category,forms,competences' ELSE '' END,
       CASE WHEN pub THEN replace(lower(fio || ' ' || pos || ' ' || o.name || ' ' || m.name || ' ' || c1 || ' '
                                        || c2), 'ё', 'е') END,
       CASE WHEN pub THEN replace(lower(fio), 'ё', 'е') ELSE '' END,
       CASE WHEN pub THEN o.id END, CASE WHEN pub THEN m.id END, CASE WHEN pub THEN category END,
       CASE WHEN pub THEN 1 << (g % 5)::int ELSE 0 END, now()
FROM src JOIN organizations o ON o.id = src.org JOIN municipalities m ON m.id = o.location_municipality_id
"""


def search_paths(count: int = 200, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for _ in range(count):
        q = urllib.parse.quote(rng.choice(QUERIES))
        paths.append(f"/api/v1/public/mentors?q={q}{rng.choice(FILTERS)}&page={rng.choice([1, 1, 1, 2])}")
    return paths

