"""Benchmark of the public mentor search and of the records import (issue 4; not a timed test).

    .venv/bin/python -m bench.registry_search search --database-url postgresql://…/db --mentors 1000000
    .venv/bin/python -m bench.registry_search sqlite --mentors 100000
    .venv/bin/python -m bench.registry_search import --rows 10000 20000 40000

`search` fills the database with synthetic published mentors (bulk INSERT … SELECT in the database),
starts gunicorn with two sync workers on loopback and drives GET /api/v1/public/mentors with wrk (Debian
`wrk`), then the same server's bare JSON route (/bench/ping) as the ceiling; it prints throughput and
the latency percentiles of both and their ratio. `sqlite` times the embedded engine's search in process.
`import` times a streamed XLSX import and reports the peak Python memory (tracemalloc) per file size.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
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
           "киселев", "воробьёва", "гусева екатерина", "агрономия", "фролов павел", "дмитриева"]
FILTERS = ["", "&municipality=B-M03", "&form=teacher_student", "&category=teacher", "&municipality=B-M11"]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _surnames() -> list[str]:
    return [s + x for s in SURNAMES for x in SUFFIXES]  # 400 surnames


def fill_postgresql(url: str, mentors: int, *, public_share: float = 0.8) -> float:
    """Replace the bench region's data with `mentors` synthetic mentors; return seconds taken."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    started = time.perf_counter()
    with engine.begin() as conn:
        foreign = conn.execute(sa.text("SELECT count(*) FROM mentors m JOIN organizations o "
                                       "ON o.id = m.organization_id WHERE o.code NOT LIKE 'B-%'")).scalar()
        if foreign:
            raise SystemExit("this database holds real mentoring records: use a separate benchmark database")
        conn.execute(sa.text("TRUNCATE mentor_awards, consents, pair_mentors, pair_mentees, mentoring_pairs, mentors, "
                             "partner_agreements, partners, practices RESTART IDENTITY CASCADE"))
        conn.execute(sa.text("DELETE FROM organizations WHERE code LIKE 'B-%'"))
        conn.execute(sa.text("DELETE FROM municipalities WHERE code LIKE 'B-%'"))
        conn.execute(sa.text("DELETE FROM regions WHERE code = 'B'"))
        region = conn.execute(sa.text("INSERT INTO regions (code, name, timezone, created_at) VALUES "
                                      "('B', 'Бенчмарк-край', 'Asia/Vladivostok', now()) RETURNING id")).scalar()
        conn.execute(sa.text(
            "INSERT INTO municipalities (code, name, region_id, created_at) SELECT 'B-M' || lpad(i::text, 2, '0'), "
            "'Муниципальный район № ' || i, :r, now() FROM generate_series(1, 19) i"), {"r": region})
        conn.execute(sa.text(
            "INSERT INTO organizations (code, name, region_id, org_type, location_municipality_id, reports_to, "
            "created_at) SELECT 'B-O' || i, 'Школа № ' || i, :r, 'general', "
            "(SELECT id FROM municipalities WHERE code = 'B-M' || lpad((1 + i % 19)::text, 2, '0')), "
            "'municipality', now() FROM generate_series(1, 600) i"), {"r": region})
        conn.execute(sa.text("DROP INDEX IF EXISTS ix_mentors_search"))  # rebuilt once, after the rows
        first_org = conn.execute(sa.text("SELECT min(id) FROM organizations WHERE code LIKE 'B-O%'")).scalar()
        arrays = {"s": _sql_array(_surnames()), "f": _sql_array(FIRST), "p": _sql_array(PATRONYMICS),
                  "c": _sql_array(COMPETENCES), "o": _sql_array(POSITIONS)}
        conn.execute(sa.text("SELECT setseed(0.42)"))  # the same synthetic data on every run
        chunk = 200_000
        for start in range(1, mentors + 1, chunk):
            stop = min(mentors, start + chunk - 1)
            conn.execute(sa.text(_INSERT.format(**arrays)), {"a": start, "b": stop, "share": public_share,
                                                             "org0": first_org})
        conn.execute(sa.text("CREATE INDEX ix_mentors_search ON mentors USING gin (search_vector, "
                             "public_municipality_id, public_organization_id)"))
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


def bench_app():
    """The real app plus a bare JSON route: the same server's ceiling for the ratio."""
    from flask import jsonify

    from registry import create_app

    app = create_app()

    @app.get("/bench/ping")
    def bench_ping():
        return jsonify({"ok": True})

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback URL built here
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}")


_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def wrk(base: str, paths: list[str], *, seconds: int, connections: int, threads: int = 1) -> dict:
    """Run wrk against the paths (round robin); return requests/s and latency percentiles (ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % ",".join(json.dumps(p) for p in paths))
    command = [shutil.which("wrk") or "/usr/bin/wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--latency", "-s", script.name, base]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - fixed argv
    os.unlink(script.name)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for pct in ("50", "75", "90", "99"):
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(\w+)", out, re.M).groups()
        result[f"p{pct}_ms"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(errors.group(1)) if errors else 0
    return result


def search_paths(count: int = 200, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    paths = []
    for _ in range(count):
        q = urllib.request.quote(rng.choice(QUERIES))
        paths.append(f"/api/v1/public/mentors?q={q}{rng.choice(FILTERS)}&page={rng.choice([1, 1, 1, 2])}")
    return paths


#: A server configured like a production host would be (the table and its indexes fit in shared buffers;
#: no parallel workers for short queries), instead of the defaults of a development cluster.
TUNING = {"shared_buffers": "1GB", "effective_cache_size": "4GB", "max_parallel_workers_per_gather": "0",
          "random_page_cost": "1.1", "jit": "off"}


def own_cluster(folder: Path) -> str:
    """Start a throwaway, tuned PostgreSQL cluster (scripts/pg-start, then the TUNING settings); return its URL."""
    port = _free_port()
    # output to a file, not a pipe: the server inherits the descriptors and would hold a pipe open forever
    with tempfile.TemporaryFile("w+") as out:
        subprocess.run(["bash", str(ROOT / "scripts/pg-start"), str(folder), str(port)],  # noqa: S603, S607
                       stdout=out, stderr=subprocess.DEVNULL, check=True)
        out.seek(0)
        url = out.read().strip()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name, value in TUNING.items():
            conn.execute(sa.text(f"ALTER SYSTEM SET {name} = '{value}'"))
    engine.dispose()
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / "pg_ctl"), "-D", str(folder), "-w",  # noqa: S603, S607
                    "-l", str(folder / "server.log"), "restart"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,  # noqa: S603
                   capture_output=True, check=True)
    return url


def run_search(url: str, mentors: int, *, seconds: int, connections: list[int], skip_fill: bool) -> None:
    if not skip_fill:
        print(f"filling {mentors:,} mentors …", flush=True)
        print(f"  filled in {fill_postgresql(url, mentors):.0f} s", flush=True)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    command = [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
               "bench.registry_search:bench_app()"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603 - fixed argv
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/bench/ping")
        paths = search_paths()
        wrk(base, paths[:50], seconds=5, connections=2)  # warm the caches and both workers
        for c in connections:
            search = wrk(base, paths, seconds=seconds, connections=c)
            ping = wrk(base, ["/bench/ping"], seconds=seconds, connections=c)
            print(json.dumps({"mentors": mentors, "connections": c, "search": search, "ping": ping,
                              "ratio_rps": round(search["rps"] / ping["rps"], 3)}, ensure_ascii=False), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _sqlite_app(path: Path):
    """An app on a fresh SQLite file, migrated like production."""
    import flask_migrate

    from registry import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SECRET_KEY="bench")
    with app.app_context():
        flask_migrate.upgrade()
    return app


def run_sqlite(mentors: int, repeats: int) -> None:
    """Time queries.search_mentors in process on the embedded engine (FTS5) over `mentors` published rows."""
    from registry.extensions import db
    from registry.mentoring.models import Mentor
    from registry.mentoring.text import normalize
    from registry.public import queries

    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-"))
    app = _sqlite_app(folder / "bench.sqlite3")
    rng = random.Random(3)
    with app.app_context():
        started = time.perf_counter()
        region = db.session.execute(sa.text(
            "INSERT INTO regions (code, name, timezone, created_at) VALUES "
            "('B', 'Бенчмарк', 'Asia/Vladivostok', '2026-01-01') RETURNING id")).scalar()
        mun = db.session.execute(sa.text("INSERT INTO municipalities (code, name, region_id, created_at) VALUES "
                                         "('B-M03', 'Район', :r, '2026-01-01') RETURNING id"), {"r": region}).scalar()
        org = db.session.execute(sa.text("INSERT INTO organizations (code, name, region_id, org_type, "
                                         "location_municipality_id, reports_to, created_at) VALUES ('B-O1', 'Школа', "
                                         ":r, 'general', :m, 'municipality', '2026-01-01') RETURNING id"),
                                 {"r": region, "m": mun}).scalar()
        surnames, batch = _surnames(), []
        for i in range(mentors):
            name = f"{rng.choice(surnames)} {rng.choice(FIRST)} {rng.choice(PATRONYMICS)}"
            comp = f"{rng.choice(COMPETENCES)}, {rng.choice(COMPETENCES)}"
            batch.append({"organization_id": org, "code": f"B{i}", "full_name": name, "category": "teacher",
                          "position": "учитель", "forms": 2, "competences": comp, "achievements": "",
                          "is_public": True, "public_fields": "full_name,forms,competences,organization",
                          "search_text": normalize(f"{name} учитель школа район {comp}"), "sort_name": normalize(name),
                          "public_organization_id": org, "public_municipality_id": mun, "public_category": "teacher",
                          "public_forms": 2, "created_at": datetime(2026, 1, 1, tzinfo=UTC)})
            if len(batch) == 10_000:
                db.session.execute(sa.insert(Mentor.__table__), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(Mentor.__table__), batch)
        db.session.commit()
        print(f"filled {mentors:,} mentors into SQLite in {time.perf_counter() - started:.0f} s", flush=True)
        timings = {}
        for q in QUERIES:
            for extra in ("", "B-M03"):
                filters = queries.MentorFilters(q=q, municipality=extra)
                samples = []
                for _ in range(repeats):
                    t = time.perf_counter()
                    result = queries.search_mentors(filters, 1)
                    samples.append((time.perf_counter() - t) * 1000)
                timings[f"{q}|{extra}"] = (statistics.median(samples), max(samples), result["total"])
        worst = max(v[0] for v in timings.values())
        every = sorted(s for v in timings.values() for s in [v[0]])
        print(json.dumps({"engine": "sqlite", "mentors": mentors, "queries": len(timings),
                          "median_of_medians_ms": round(statistics.median(every), 2),
                          "worst_median_ms": round(worst, 2),
                          "slowest": sorted(((k, round(v[0], 2), v[2]) for k, v in timings.items()),
                                            key=lambda x: -x[1])[:5]}, ensure_ascii=False), flush=True)
    shutil.rmtree(folder, ignore_errors=True)


def _workbook(path: Path, rows: int) -> None:
    """A mentors XLSX of `rows` rows, written in openpyxl's streaming mode."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Наставники")
    sheet.append(["code", "full_name", "category", "position", "forms", "competences", "consent_date"])
    rng = random.Random(5)
    for i in range(rows):
        sheet.append([f"M{i:06d}", f"{rng.choice(_surnames())} {rng.choice(FIRST)} {rng.choice(PATRONYMICS)}",
                      "teacher", rng.choice(POSITIONS), "teacher_student, student_student",
                      f"{rng.choice(COMPETENCES)}, {rng.choice(COMPETENCES)}", "01.09.2024"])
    book.save(path)


def run_import(sizes: list[int]) -> None:
    """Time the streamed import of XLSX files of several sizes and their peak Python memory."""
    import sqlalchemy as sa_

    from registry.extensions import db
    from registry.mentoring.models import Mentor
    from registry.mentoring.services import imports

    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    app = _sqlite_app(folder / "bench.sqlite3")
    with app.app_context():
        from tests import factories

        world = factories.build_world()
        for rows in sizes:
            path = folder / f"mentors-{rows}.xlsx"
            _workbook(path, rows)
            for traced in (False, True):
                db.session.execute(sa_.delete(Mentor.__table__))
                db.session.commit()
                if traced:
                    tracemalloc.start()
                started = time.perf_counter()
                result = imports.apply(world.school, "mentors", path, path.name, actor=None)
                db.session.commit()
                seconds = time.perf_counter() - started
                peak = tracemalloc.get_traced_memory()[1] if traced else None
                if traced:
                    tracemalloc.stop()
                    print(json.dumps({"rows": rows, "file_kb": path.stat().st_size // 1024,
                                      "peak_python_mb": round(peak / 2**20, 1)}), flush=True)
                else:
                    print(json.dumps({"rows": rows, "imported": result.rows, "seconds": round(seconds, 2)}),
                          flush=True)
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    search = sub.add_parser("search", help="PostgreSQL + gunicorn (2 workers) + wrk")
    where = search.add_mutually_exclusive_group(required=True)
    where.add_argument("--database-url", help="an existing (benchmark-only) database, migrated")
    where.add_argument("--own-cluster", type=Path, metavar="DIR",
                       help="start a tuned throwaway cluster in DIR (removed afterwards)")
    search.add_argument("--mentors", type=int, default=1_000_000)
    search.add_argument("--seconds", type=int, default=20)
    search.add_argument("--connections", type=int, nargs="+", default=[2, 4, 8])
    search.add_argument("--skip-fill", action="store_true", help="reuse the data of a previous run")
    lite = sub.add_parser("sqlite", help="the embedded engine, in process")
    lite.add_argument("--mentors", type=int, default=100_000)
    lite.add_argument("--repeats", type=int, default=20)
    imp = sub.add_parser("import", help="XLSX import time and memory")
    imp.add_argument("--rows", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    args = parser.parse_args(argv)
    if args.command == "search":
        url = args.database_url or own_cluster(args.own_cluster)
        print(f"database: {url}" + (f" (tuned: {TUNING})" if args.own_cluster else " (as configured)"), flush=True)
        try:
            run_search(url, args.mentors, seconds=args.seconds, connections=args.connections,
                       skip_fill=args.skip_fill and not args.own_cluster)
        finally:
            if args.own_cluster:
                subprocess.run(["bash", str(ROOT / "scripts/pg-stop"), str(args.own_cluster)],  # noqa: S603, S607
                               check=False)
    elif args.command == "sqlite":
        run_sqlite(args.mentors, args.repeats)
    else:
        run_import(args.rows)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
