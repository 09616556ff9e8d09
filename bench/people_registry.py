"""Benchmark of the region registry of people (issue 14; not a timed test).

    .venv/bin/python -m bench.people_registry --database-url postgresql://…/db [--people 1000000] [--orgs 20000]

Fills a benchmark region «B» (bulk INSERT … SELECT in the database): `--orgs` organizations in 100
municipalities (200 each), `--people` mentor and mentee records (60 % mentors), a third of them with a СНИЛС
(persons of the region; some recorded by two organizations). Then, in process through the Flask test client:

- the scoped registry page of a municipal official with 200 organizations: 60 requests (mentors and mentees,
  pages 1–5, filters by form and category, a name search), p50/p95 of the whole request;
- the region operator's full mentors XLSX extract (the streamed download route: write-only openpyxl, rows fetched
  500 at a time), its time and how much the process's peak memory grew (constant memory: it does not grow with
  the rows), beside bare openpyxl writing the same cells from one plain SQL cursor, as a ratio.

Needs a fresh, migrated database (the filled region cannot be emptied again: the audit trail refers to its users);
`--skip-fill` measures it again. The database gets the planner settings of bench.harness.TUNING (ALTER DATABASE).
"""
import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import migrate, percentiles, tune_database  # noqa: E402
from bench.mentors import FIRST, PATRONYMICS, _sql_array, surnames  # noqa: E402

PASSWORD = "bench-password-1"
_PEOPLE = """
INSERT INTO people (region_id, snils, created_at)
SELECT :r, lpad(g::text, 11, '0'), now() FROM generate_series(1, :n) g
"""
# A record: a random name, organization, category and forms (of g / 7: the organizations of one municipality get
# records whose g are multiples of 100, and their categories and forms must vary too); every third has a person
# (СНИЛС), and the person of record g is also the person of record g + 1 when g % 30 == 0 (one person, two
# organizations).
_RECORDS = """
INSERT INTO {table} (organization_id, full_name, birth_date, category, person_id, {extra_cols} created_at)
SELECT :org0 + ((g * 7919) % :orgs)::int,
       ({s})[1 + floor(random() * 400)::int] || ' ' || ({f})[1 + floor(random() * 20)::int] || ' ' ||
       ({p})[1 + floor(random() * 10)::int],
       date '1970-01-01' + (g % 15000)::int,
       {category},
       CASE WHEN g % 3 = 0 THEN :p0 + (g / 3) % :persons WHEN g % 30 = 1 THEN :p0 + ((g - 1) / 3) % :persons END,
       {extra_vals} now()
FROM generate_series(CAST(:a AS bigint), CAST(:b AS bigint)) g
"""
MENTOR = {"table": "mentors", "extra_cols": "position, forms, competences, achievements, is_public, public_fields, "
          "sort_name, public_forms,",
          "extra_vals": "'учитель', 1 << (g / 7 % 5)::int, '', '', false, '', '', 0,",
          "category": "CASE WHEN g / 7 % 10 < 7 THEN 'teacher' WHEN g / 7 % 10 < 9 THEN 'student' ELSE 'employer' END"}
MENTEE = {"table": "mentees", "extra_cols": "request, full_cycle_completed,", "extra_vals": "'', g / 7 % 4 = 0,",
          "category": "CASE WHEN g / 7 % 10 < 8 THEN 'student' WHEN g / 7 % 10 < 9 THEN 'young_teacher' "
                      "ELSE 'teacher' END"}


def fill(url: str, people: int, orgs: int) -> float:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    started = time.perf_counter()
    with engine.begin() as conn:
        if conn.execute(sa.text("SELECT count(*) FROM regions WHERE code = 'B'")).scalar() or \
                conn.execute(sa.text("SELECT count(*) FROM mentors")).scalar():
            # users refer to the region, its units and mentors, and the append-only audit trail refers to users,
            # so a filled benchmark region cannot be emptied again: measure it (--skip-fill) or start afresh
            raise SystemExit("this database already holds records or the benchmark region: use --skip-fill, or a "
                             "fresh database (createdb …)")
        region = conn.execute(sa.text("INSERT INTO regions (code, name, timezone, created_at) VALUES "
                                      "('B', 'Бенчмарк-край', 'Asia/Vladivostok', now()) RETURNING id")).scalar()
        conn.execute(sa.text("INSERT INTO municipalities (code, name, region_id, created_at) SELECT "
                             "'B-M' || lpad(i::text, 3, '0'), 'Район № ' || i, :r, now() "
                             "FROM generate_series(1, 100) i"), {"r": region})
        conn.execute(sa.text(
            "INSERT INTO organizations (code, name, region_id, org_type, location_municipality_id, reports_to, "
            "created_at) SELECT 'B-O' || i, 'Школа № ' || i, :r, 'general', m.id, 'municipality', now() "
            "FROM generate_series(0, :n - 1) i JOIN municipalities m ON m.code = 'B-M' || lpad((1 + i % 100)::text, "
            "3, '0')"), {"r": region, "n": orgs})
        org0 = conn.execute(sa.text("SELECT min(id) FROM organizations WHERE code LIKE 'B-O%'")).scalar()
        persons = people // 3
        conn.execute(sa.text(_PEOPLE), {"r": region, "n": persons})
        p0 = conn.execute(sa.text("SELECT min(id) FROM people WHERE region_id = :r"), {"r": region}).scalar()
        conn.execute(sa.text("SELECT setseed(0.14)"))
        arrays = {"s": _sql_array(surnames()), "f": _sql_array(FIRST), "p": _sql_array(PATRONYMICS)}
        mentors = int(people * 0.6)
        for spec, first, last in ((MENTOR, 1, mentors), (MENTEE, mentors + 1, people)):
            for start in range(first, last + 1, 200_000):
                conn.execute(sa.text(_RECORDS.format(**spec, **arrays)).bindparams(
                    org0=org0, orgs=orgs, persons=persons, p0=p0, a=start, b=min(last, start + 199_999)))
        # one record per person and organization: drop the rare synthetic clashes the formula makes
        for table in ("mentors", "mentees"):
            conn.execute(sa.text(f"UPDATE {table} t SET person_id = NULL FROM (SELECT id, row_number() OVER "  # noqa: S608
                                 f"(PARTITION BY person_id, organization_id ORDER BY id) AS n FROM {table} "
                                 f"WHERE person_id IS NOT NULL) d WHERE d.id = t.id AND d.n > 1"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE people, mentors, mentees, organizations"))
    engine.dispose()
    return time.perf_counter() - started


def _login(app, email: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def measure(url: str, explain: bool = False, xlsx: bool = True) -> None:
    os.environ["DATABASE_URL"] = url
    from registry.app import create_app
    from registry.auth.services import create_user
    from registry.extensions import db

    app = create_app(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        from registry.auth.models import User

        for email, role, scope in (("official@bench.invalid", "municipal_official", "B-M001"),
                                   ("operator@bench.invalid", "region_operator", "B")):
            if not db.session.scalar(sa.select(User.id).where(User.email == email)):
                create_user(email=email, password=PASSWORD, role=role, scope=scope)
        db.session.commit()
        orgs = db.session.scalar(sa.text("SELECT count(*) FROM organizations o JOIN municipalities m ON "
                                         "m.id = o.location_municipality_id WHERE m.code = 'B-M001'"))
        counts = db.session.execute(sa.text("SELECT (SELECT count(*) FROM mentors), (SELECT count(*) FROM mentees), "
                                            "(SELECT count(*) FROM people)")).one()
        engine = db.engine
    print(f"records: {counts[0]} mentors, {counts[1]} mentees, {counts[2]} persons with СНИЛС; "
          f"the official's municipality has {orgs} organizations")
    official = _login(app, "official@bench.invalid")
    paths = []
    for kind in ("mentors", "mentees"):
        for page in range(1, 6):
            paths.append(f"/records/registry/B/{kind}?page={page}")
        paths += [f"/records/registry/B/{kind}?form=teacher_student", f"/records/registry/B/{kind}?category=student",
                  f"/records/registry/B/{kind}?q=Иванов", f"/records/registry/B/{kind}?sort=-name&page=2",
                  f"/records/registry/B/{kind}?organization=B-O100"]
    paths += [f"/records/registry/B/pairs?page={n}" for n in (1, 2)]
    for path in paths[:3]:  # warm the caches
        official.get(path)
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, sql, params, _context, _many):
        statements.append((sql, params))

    sa.event.listen(engine, "before_cursor_execute", record)
    samples, per_path = [], {}
    for path in paths * 2 + paths[:14]:
        statements.clear()
        started = time.perf_counter()
        response = official.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        per_path.setdefault(path, (samples[-1], list(statements)))
    sa.event.remove(engine, "before_cursor_execute", record)
    p = percentiles(samples)
    print(f"scoped registry page ({len(samples)} requests): p50 {p['p50']:.1f} ms, p95 {p['p95']:.1f} ms, "
          f"p99 {p['p99']:.1f} ms; p95 / goal 150 ms = {p['p95'] / 150:.2f}")
    counts = sorted({len(sql) for _, sql in per_path.values()})
    print(f"SQL statements per page request: {counts[0]}–{counts[-1]}")
    if explain:
        _explain(engine, per_path)

    if not xlsx:
        return
    operator = _login(app, "operator@bench.invalid")
    grown_before = _peak_rss_mb()
    started = time.perf_counter()
    response = operator.get("/records/registry/B/mentors.xlsx")
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    route_s = time.perf_counter() - started
    route_growth = _peak_rss_mb() - grown_before
    bare_s, bare_size = bare(app)
    print(f"regional mentors XLSX via the route: {route_s:.1f} s, {size / 1e6:.1f} MB, peak memory of the process grew "
          f"by {route_growth:.0f} MB; bare openpyxl writing the same cells: {bare_s:.1f} s, {bare_size / 1e6:.1f} MB; "
          f"route / bare = {route_s / bare_s:.2f}")


def _peak_rss_mb() -> float:
    """The process's peak resident memory so far (no tracing overhead: tracemalloc slows openpyxl several times)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _explain(engine, per_path: dict) -> None:
    """The three slowest page requests: each statement's plan root, run time and the nodes that take the time."""
    slowest = sorted(per_path.items(), key=lambda item: -item[1][0])[:3]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for path, (ms, statements) in slowest:
            print(f"-- {path}: {ms:.1f} ms, {len(statements)} statements")
            for sql, params in statements:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [line for line, in cursor.fetchall()]
                total = next(line for line in plan if line.startswith("Execution Time"))
                print(f"   {total:>28}  {' '.join(sql.split())[:150]}")
                for line in plan[:6]:
                    print(f"      {line[:160]}")
        raw.rollback()
    finally:
        raw.close()


def bare(app) -> tuple[float, int]:
    """The same cells, read by one plain SQL cursor and written by a write-only openpyxl workbook."""
    import openpyxl

    from registry.extensions import db
    from registry.mentoring.text import masked_snils
    from registry.mentoring.vocab import FORM_LABELS, MENTOR_CATEGORY_LABELS, forms_of

    with app.app_context():
        started = time.perf_counter()
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Наставники")
        sheet.append(["ФИО", "Организация", "Муниципалитет", "Категория", "Формы", "СНИЛС", "Состояние"])
        result = db.session.connection().execution_options(stream_results=True, yield_per=2000).execute(sa.text(
            "SELECT m.full_name, o.name, mu.name, m.category, m.forms, p.snils, m.left_on FROM mentors m "
            "JOIN organizations o ON o.id = m.organization_id JOIN municipalities mu ON mu.id = "
            "o.location_municipality_id LEFT JOIN people p ON p.id = m.person_id ORDER BY m.id"))
        for name, org, muni, category, forms, snils, left in result:
            sheet.append([name, org, muni, MENTOR_CATEGORY_LABELS[category],
                          "; ".join(FORM_LABELS[f] for f in forms_of(forms)), masked_snils(snils) if snils else "",
                          "выбыл" if left else "участвует"])
        with tempfile.TemporaryFile() as out:
            book.save(out)
            size = out.tell()
        bare_s = time.perf_counter() - started
    return bare_s, size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--skip-fill", action="store_true", help="measure the data already loaded")
    parser.add_argument("--no-xlsx", action="store_true", help="measure the registry page only")
    parser.add_argument("--explain", action="store_true",
                        help="EXPLAIN ANALYZE every statement of the slowest page requests")
    args = parser.parse_args(argv)
    print(f"database tuned like a production host: {tune_database(args.database_url)}", flush=True)
    if not args.skip_fill:
        migrate(args.database_url)  # a fresh, empty database is enough (`createdb …`)
        print(f"filled in {fill(args.database_url, args.people, args.orgs):.1f} s")
    measure(args.database_url, explain=args.explain, xlsx=not args.no_xlsx)


if __name__ == "__main__":
    main()
