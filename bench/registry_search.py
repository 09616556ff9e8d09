"""Benchmark of the public mentor search and of the records import (issue 4; not a timed test).

    .venv/bin/python -m bench.registry_search search --database-url postgresql://…/db --mentors 1000000
    .venv/bin/python -m bench.registry_search sqlite --mentors 100000
    .venv/bin/python -m bench.registry_search import --rows 10000 20000 40000

`search` fills the database with synthetic published mentors (bulk INSERT … SELECT in the database),
prints the indexes the plans of four kinds of search read, times every search address in process (the mean, the
mean per kind of search, the slowest addresses), then starts gunicorn with two sync workers on loopback and drives
GET /api/v1/public/mentors with wrk (Debian `wrk`), then the same server's bare JSON route (/bench/ping) as the
ceiling; it prints throughput and the latency percentiles of both and their ratio. `sqlite` times the embedded
engine's search in process. `import` times a streamed XLSX import and reports the peak Python memory
(tracemalloc) per file size.
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/registry_search.py`
    sys.path.insert(0, str(ROOT))

from bench.harness import TUNING, gunicorn, own_cluster, stop_cluster, tune_database  # noqa: E402 - after the path fix above
from bench.mentors import (  # noqa: E402
    COMPETENCES,
    FILTERS,
    FIRST,
    PATRONYMICS,
    POSITIONS,
    QUERIES,
    fill_postgresql,
    search_paths,
    surnames,
)


def bench_app():
    """The real app plus a bare JSON route: the same server's ceiling for the ratio."""
    from flask import jsonify

    from registry import create_app

    app = create_app()

    @app.get("/bench/ping")
    def bench_ping():
        return jsonify({"ok": True})

    return app


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


#: Issue 18's goals for the public search over 1,000,000 mentors.
GOAL_RPS, GOAL_P99_MS = 300, 50


def explain_queries(app, url: str) -> None:
    """Which index each kind of search reads (EXPLAIN of the statements the route runs)."""
    from registry.public import queries

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    captured: list[tuple[str, object]] = []
    with app.app_context():
        from registry.extensions import db

        def record(_conn, _cursor, sql, params, _context, _many):
            captured.append((sql, params))

        sa.event.listen(db.engine, "before_cursor_execute", record)
        # a name as typed, a full name, a common word, and a name typed with a municipality chosen
        for q, place in (("ива", ""), ("кузнецова ол", ""), ("робототехника", ""), ("орлов", "B-M03")):
            captured.clear()
            queries.search_mentors(queries.MentorFilters(q=q, municipality=place), 1)
            sql, params = captured[0]
            with engine.connect() as conn:
                plan = [line for line, in conn.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)]
            used = sorted({word for line in plan for word in line.split() if word.startswith("ix_mentors")})
            timing = next(line.strip() for line in plan if line.startswith("Execution Time"))
            print(f"q={q!r}{f' municipality={place}' if place else ''}: indexes {', '.join(used)}; {timing}",
                  flush=True)
        sa.event.remove(db.engine, "before_cursor_execute", record)
    engine.dispose()


def time_addresses(app, repeats: int = 5, slowest: int = 10) -> None:
    """Every query × filter × page 1 and 2 of the benchmark's addresses through the Flask test client, in process
    (no HTTP, no concurrency): the median ms of each; their mean, the mean per kind of search (a name or a
    competence word, by filter) and the slowest addresses: which kinds of search cost most."""
    client = app.test_client()
    words = {word for competence in COMPETENCES for word in competence.split()}
    timed, kinds = [], defaultdict(list)
    for q in QUERIES:
        kind = "word" if q.split()[0] in words else "name"
        for extra in FILTERS:
            for page in (1, 2):
                path = f"/api/v1/public/mentors?q={urllib.parse.quote(q)}{extra}&page={page}"
                client.get(path)  # the statement of its shape compiled and the pages it reads cached
                runs = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    if client.get(path).status_code != 200:
                        raise SystemExit(f"{path}: not 200")
                    runs.append((time.perf_counter() - started) * 1000)
                timed.append((statistics.median(runs), f"q={q}{extra} page={page}"))
                kinds[(kind, extra.split("=")[0].lstrip("&") or "no filter")].append(timed[-1][0])
    timed.sort(reverse=True)
    print(f"in process, {len(timed)} addresses × {repeats}: mean of the medians "
          f"{statistics.mean(ms for ms, _ in timed):.2f} ms; by kind: "
          + ", ".join(f"{kind} + {place} {statistics.mean(ms):.1f}" for (kind, place), ms in sorted(kinds.items())),
          flush=True)
    for ms, what in timed[:slowest]:
        print(f"  {ms:7.2f} ms  {what}", flush=True)


def run_search(url: str, mentors: int, *, seconds: int, connections: list[int], skip_fill: bool) -> None:
    if not skip_fill:
        print(f"filling {mentors:,} mentors …", flush=True)
        print(f"  filled in {fill_postgresql(url, mentors):.0f} s", flush=True)
    from registry import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)  # in process: plans, then timings
    explain_queries(app, url)
    time_addresses(app)
    # the per-address limit stays on (its check is part of every public request) but far above one client's load
    with gunicorn("bench.registry_search:bench_app()", url, ready="/bench/ping",
                  env={"PUBLIC_API_LIMIT": "100000000 per minute"}) as (base, _):
        paths = search_paths()
        wrk(base, paths[:50], seconds=5, connections=2)  # warm the caches and both workers
        for c in connections:
            search = wrk(base, paths, seconds=seconds, connections=c)
            ping = wrk(base, ["/bench/ping"], seconds=seconds, connections=c)
            print(json.dumps({"mentors": mentors, "connections": c, "search": search, "ping": ping,
                              "ratio_rps": round(search["rps"] / ping["rps"], 3)}, ensure_ascii=False), flush=True)
            if search["non_2xx"] or ping["non_2xx"]:
                print(f"  WARNING: {search['non_2xx'] + ping['non_2xx']} answers were not 2xx", flush=True)
            print(f"  {c} connections: search {search['rps']:.0f} req/s = {search['rps'] / GOAL_RPS:.2f} × goal "
                  f"{GOAL_RPS}; p99 {search['p99_ms']:.1f} ms = {search['p99_ms'] / GOAL_P99_MS:.2f} × goal "
                  f"{GOAL_P99_MS} ms (≤ 1 meets it); bare route {ping['rps']:.0f} req/s", flush=True)


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
        pool, batch = surnames(), []
        for i in range(mentors):
            name = f"{rng.choice(pool)} {rng.choice(FIRST)} {rng.choice(PATRONYMICS)}"
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
        sheet.append([f"M{i:06d}", f"{rng.choice(surnames())} {rng.choice(FIRST)} {rng.choice(PATRONYMICS)}",
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
        tuned = TUNING if args.own_cluster else tune_database(url)
        print(f"database: {url} (tuned: {tuned})", flush=True)
        try:
            run_search(url, args.mentors, seconds=args.seconds, connections=args.connections,
                       skip_fill=args.skip_fill and not args.own_cluster)
        finally:
            if args.own_cluster:
                stop_cluster(args.own_cluster)
    elif args.command == "sqlite":
        run_sqlite(args.mentors, args.repeats)
    else:
        run_import(args.rows)


if __name__ == "__main__":
    main()
