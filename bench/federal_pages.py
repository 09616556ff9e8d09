"""Every GET route of the web UI and the API at federal scale (issue 18 part 1; a benchmark, not a timed test).

    .venv/bin/python -m bench.federal_pages --database-url postgresql://…/empty_db             # the federal run
    .venv/bin/python -m bench.federal_pages --database-url postgresql://…/empty_db --scale 0.01 --regions 6
    .venv/bin/python -m bench.federal_pages --own-cluster /tmp/fed-pg                           # throwaway cluster
    .venv/bin/python -m bench.federal_pages --database-url postgresql://…/empty_db --load-only  # the data, timed

It migrates an EMPTY PostgreSQL database, builds the scope matrix's world (tests/test_scope_matrix.py: region 27,
users of every role, a record of every kind) and requests every GET route once as each role allowed to see it,
counting SQL statements (a `before_cursor_execute` listener). Then it grows the data to the federal dataset
(bench/federal_data.py; region 27 the largest region, 27-KHV the largest municipality, the matrix's paths naming
them) and requests every route again, `--repeat` times per role, through the Flask test client in this process:
p50/p95 of the whole request (routing, SQL, templates) and the statement count.

The route list is the app's url_map: a GET route without a scope-matrix row is listed as not measured (and the
scope-matrix test fails for it anyway). The region's registry page, whose matrix path is its pairs, is also
requested as people open it (VARIANTS: its mentors and mentees, whole and searched by name). File downloads
(XLSX, PDF, CSV, XML, ZIP, ICS) and static files are left out: their cost is the file's size, and bench/exports.py,
bench/stored_forms.py and bench/people_registry.py measure them. Flags: a page with p95 > 300 ms, an API answer
with p95 > 100 ms, and a route whose statement count grew with the data (N+1: it runs a statement per row shown).
"""
import argparse
import gc
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import cluster_folder, own_cluster, percentiles, stop_cluster  # noqa: E402

PAGE_GOAL_MS, API_GOAL_MS = 300, 100
#: A path that names a file (its extension, a format segment or argument, an archive) is a download.
DOWNLOAD = re.compile(r"(\.(xlsx|pdf|csv|xml|zip|ics)$|/(pdf|xlsx|csv|xml|zip|download)$|[?&]format=)")


#: Pages the route list reaches by one path each, also requested as people open them (as the route's roles): the
#: region's registry of mentors and mentees whole, and searched by a name most records contain and by a surname.
VARIANTS = ["/records/registry/27/mentors", "/records/registry/27/mentees", "/records/registry/27/mentors?q=Иван",
            "/records/registry/27/mentees?q=Петр", "/records/registry/27/mentors?q=Кузьминович Николай"]
VARIANT_OF = "people_registry.registry_list"


class Counter:
    """SQL statements run so far (an engine event listener)."""

    def __init__(self):
        self.statements = 0

    def __call__(self, *_args) -> None:
        self.statements += 1


def plan(app, ids: dict) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, str]]]:
    """(endpoint, path, roles) of every measured GET route, and (endpoint, why) of every route left out."""
    from tests.test_scope_matrix import MATRIX, _fill

    measured, left_out = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        row = MATRIX.get((rule.endpoint, "GET"))
        if rule.endpoint == "static":
            left_out.append((rule.endpoint, "static file (served by the web server in production)"))
        elif row is None:
            left_out.append((rule.endpoint, "no scope-matrix row: no path or roles known (add one)"))
        elif DOWNLOAD.search(_fill(row[0], ids)):
            left_out.append((rule.endpoint, "file download (measured by bench/exports.py, stored_forms.py, "
                                            "people_registry.py)"))
        else:
            measured.append((rule.endpoint, _fill(row[0], ids), sorted(row[2])))
    roles = sorted(MATRIX[VARIANT_OF, "GET"][2])
    measured += [(f"{VARIANT_OF} {path.rsplit('/', 1)[1]}", path, roles) for path in VARIANTS]
    return measured, left_out


def clients(app, world) -> dict:
    """role → (test client, headers) logged in (web session) or holding a bearer token (API)."""
    from tests import factories
    from tests.conftest import Browser
    from tests.test_scope_matrix import ROLES

    result = {}
    for role in ROLES:
        web, api = app.test_client(), app.test_client()
        headers = {}
        if role != "anon":
            email = getattr(world, role).email
            assert Browser(web).login(email).status_code == 302, role
            token = api.post("/api/v1/auth/token", json={"email": email, "password": factories.PASSWORD})
            headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        result[role] = (web, api, headers)
    return result


def request(logins: dict, role: str, path: str, counter: Counter) -> tuple[int, float, int]:
    """(status, ms, statements) of one GET."""
    web, api, headers = logins[role]
    before, started = counter.statements, time.perf_counter()
    response = api.get(path, headers=headers) if path.startswith("/api/") else web.get(path)
    response.get_data()
    response.close()
    return response.status_code, (time.perf_counter() - started) * 1000, counter.statements - before


def count_small(routes, logins, counter) -> dict:
    """Statements of each (route, role) in the small world (after one warm-up request)."""
    small = {}
    for endpoint, path, roles in routes:
        for role in roles:
            request(logins, role, path, counter)
            small[endpoint, role] = request(logins, role, path, counter)[2]
    return small


def measure(routes, logins, counter, repeat: int, small: dict) -> list[dict]:
    rows = []
    for endpoint, path, roles in routes:
        samples, statements, statuses, grew = [], {}, set(), []
        for role in roles:
            request(logins, role, path, counter)  # warm-up
            for _ in range(repeat):
                status, ms, count = request(logins, role, path, counter)
                samples.append(ms)
                statuses.add(status)
                statements[role] = count
            if statements[role] > small.get((endpoint, role), statements[role]):
                grew.append(f"{role} {small[endpoint, role]}→{statements[role]}")
        p = percentiles(samples)
        api = path.startswith("/api/")
        goal = API_GOAL_MS if api else PAGE_GOAL_MS
        rows.append({"endpoint": endpoint, "path": path, "roles": roles, "requests": len(samples), **p,
                     "statements": max(statements.values()), "small_statements": max(
                         small.get((endpoint, r), 0) for r in roles), "statuses": sorted(statuses),
                     "over_goal": p["p95"] > goal, "goal_ms": goal, "grows": grew})
    return rows


def report(rows: list[dict], left_out: list[tuple[str, str]]) -> None:
    print(f"\n{'route':<62}{'roles':>6}{'p50 ms':>9}{'p95 ms':>9}{'goal':>6}{'stmts':>7}{'small':>7}  flags")
    for row in sorted(rows, key=lambda r: -r["p95"]):
        flags = []
        if row["over_goal"]:
            flags.append("OVER GOAL")
        if row["grows"]:
            flags.append("N+1? " + ", ".join(row["grows"][:3]))
        if row["statuses"] != [200]:
            flags.append(f"status {row['statuses']}")
        print(f"{row['endpoint']:<62}{len(row['roles']):>6}{row['p50']:>9.1f}{row['p95']:>9.1f}{row['goal_ms']:>6}"
              f"{row['statements']:>7}{row['small_statements']:>7}  {'; '.join(flags)}")
    over = [r for r in rows if r["over_goal"]]
    grows = [r for r in rows if r["grows"]]
    print(f"\n{len(rows) - len(VARIANTS)} GET routes and {len(VARIANTS)} of their variants measured; "
          f"{len(over)} over goal (page p95 ≤ {PAGE_GOAL_MS} ms, API p95 ≤ {API_GOAL_MS} ms); "
          f"{len(grows)} whose statement count grew with the data")
    print("left out:")
    for endpoint, why in left_out:
        print(f"  {endpoint}: {why}")


def run(url: str, args: argparse.Namespace) -> list[dict]:
    import flask_migrate

    from bench.federal_data import grow
    from registry import create_app
    from registry.config import BaseConfig
    from registry.extensions import db
    from tests.conftest import IsolatedClient
    from tests.test_scope_matrix import _rich_world

    workdir = tempfile.mkdtemp(prefix="federal-pages-")
    config = type("BenchConfig", (BaseConfig,), {"SQLALCHEMY_DATABASE_URI": url, "EXPORTS_DIR": workdir,
                                                 "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    app = create_app(config)
    app.test_client_class = IsolatedClient  # each request in its own app context and session, as in production
    counter = Counter()
    with app.app_context():
        flask_migrate.upgrade()
        if db.session.scalar(sa.text("SELECT count(*) FROM regions")):
            raise SystemExit("the database is not empty: give an empty one (the benchmark fills it)")
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        world, ids = _rich_world()
        if args.load_only:
            counts = grow(world, ids, args.scale, args.regions)
            print("loaded:", json.dumps(counts), flush=True)
            return []
        logins = clients(app, world)
        routes, left_out = plan(app, ids)
        small = count_small(routes, logins, counter)
        print(f"small world: {len(routes)} GET routes counted; growing the data (scale {args.scale})", flush=True)
        counts = grow(world, ids, args.scale, args.regions)
        print("loaded:", json.dumps(counts), flush=True)
    # as wsgi.py does in a worker: what lives as long as the process is frozen out of the collector's sight
    gc.collect()
    gc.freeze()
    rows = measure(routes, logins, counter, args.repeat, small)
    report(rows, left_out)
    if args.json:
        Path(args.json).write_text(json.dumps({"counts": counts, "rows": rows, "left_out": left_out},
                                              ensure_ascii=False, indent=1))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database (migrated and filled here)")
    parser.add_argument("--own-cluster", type=Path, metavar="DIR", help="folder for a throwaway tuned cluster")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the federal dataset (default 1)")
    parser.add_argument("--regions", type=int, default=89, help="regions (default 89)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per route and role (default 5)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--load-only", action="store_true", help="only build the dataset (times each step)")
    args = parser.parse_args(argv)
    folder = None
    if args.database_url:
        url = args.database_url
    else:
        folder = args.own_cluster or cluster_folder("federal-pg-")
        url = own_cluster(folder)
    try:
        run(url, args)
    finally:
        if folder is not None:
            stop_cluster(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
