"""Cost of one request of each hot soak route, in-process: SQL statements, CPU ms and wall ms per request.

    .venv/bin/python -m bench.request_cost --own-cluster DIR --pg-port P   # throwaway cluster seeded like the soak
    .venv/bin/python -m bench.request_cost --profile "PUT submission"      # also print that route's cProfile top
    .venv/bin/python -m bench.request_cost --profile all --sort tottime    # every route: profile and CPU per package
    .venv/bin/python -m bench.request_cost --sql "PUT submission"          # the route's statements ([compiled] marks)
    .venv/bin/python -m bench.request_cost --plans                         # PostgreSQL planning vs execution per read
    .venv/bin/python -m bench.request_cost --prepared                      # PostgreSQL CPU per read, sent vs prepared

Seeds region B as bench/soak.py does (fewer mentors), then drives the routes through the Flask test client with
bearer tokens: each curator saves, reads, submits; each official reads the queue and accepts; the public searches.
Statements are counted with an engine event listener, and those not taken from the compiled cache; CPU is this
process's time (Python and the driver), the figure the soak's gunicorn share stands for.
"""
import argparse
import cProfile
import pstats
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import CacheStats

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import cluster_folder, is_read, own_cluster, plans, prepared_cost, stop_cluster  # noqa: E402
from bench.mentors import search_paths  # noqa: E402
from bench.soak import PASSWORD, seed  # noqa: E402
from registry.demo.values import profile, values_for  # noqa: E402


class Meter:
    """Statements, CPU and wall time per route."""

    def __init__(self):
        self.statements = self.compiled = 0
        self.rows = defaultdict(lambda: {"count": 0, "statements": 0, "compiled": 0, "cpu": 0.0, "wall": 0.0})
        self.profiles: dict[str, cProfile.Profile] = {}
        self.sql: dict[str, list[str]] = {}  # routes whose statements are shown → those of their last request
        self.current: list[str] = []
        self.route = ""
        self.reads: dict[tuple[str, str], dict] = {}  # (route, SELECT) → its parameters of the first run, for --plans

    def count(self, _conn, _cursor, statement: str, parameters, context, many) -> None:
        self.statements += 1
        # a statement compiled afresh instead of taken from the engine's compiled cache (CPU spent on every request),
        # or one that has no cache key: driver SQL such as the SAVEPOINT of a first save
        fresh = context is not None and context.cache_hit in (CacheStats.CACHE_MISS, CacheStats.NO_CACHE_KEY)
        self.compiled += fresh
        self.current.append(("[compiled] " if fresh else "") + " ".join(statement.split())[:160])
        if is_read(statement, many) and self.route:  # the routes' reads, not the sign-ins between routes
            self.reads.setdefault((self.route, statement), parameters)

    def call(self, client, route: str, method: str, path: str, **kwargs):
        profiler = self.profiles.get(route) or self.profiles.get("all")
        self.current, self.route = [], route
        before, compiled = self.statements, self.compiled
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        resp = client.open(path, method=method, **kwargs)
        if profiler:
            profiler.disable()
        self.route = ""  # the sign-ins between routes are not theirs
        row = self.rows[route]
        row["cpu"] += time.process_time() - cpu
        row["wall"] += time.perf_counter() - wall
        row["statements"] += self.statements - before
        row["compiled"] += self.compiled - compiled
        row["count"] += 1
        if route in self.sql:
            self.sql[route] = self.current
        if resp.status_code != 200:
            raise SystemExit(f"{route}: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
        return resp.get_json()


def drive(app, year: int, schools: list[dict], officials: list[dict], meter: Meter, rounds: int) -> None:
    client, rng = app.test_client(), random.Random(5)
    base = f"/api/v1/regions/B/campaigns/{year}"

    def token(email: str) -> dict:
        resp = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {resp.get_json()['token']}"}

    official = officials[0]
    mine = [s for s in schools if s["municipality"] == official["municipality"]][:rounds]
    boss = token(official["email"])
    paths = search_paths()
    for school in mine:
        auth, url = token(school["email"]), f"{base}/submissions/{school['code']}"
        version = 0
        for _ in range(3):
            values = values_for(rng, profile(rng, school["org_type"]), participation=0.6)
            version = meter.call(client, "PUT submission", "PUT", url, json={"values": values, "version": version},
                                 headers=auth)["version"]
            meter.call(client, "GET submission", "GET", url, headers=auth)
        meter.call(client, "POST submit", "POST", f"{url}/submit", json={"version": version}, headers=auth)
        meter.call(client, "GET submissions (queue)", "GET", f"{base}/submissions?status=submitted", headers=boss)
        meter.call(client, "POST accept", "POST", f"{url}/accept", headers=boss)
        meter.call(client, "POST reopen", "POST", f"{url}/reopen", json={}, headers=boss)
        meter.call(client, "POST return", "POST", f"{url}/return", json={"comment": "Сверьте."}, headers=boss)
        for _ in range(3):
            meter.call(client, "GET public/mentors", "GET", rng.choice(paths))


def report(meter: Meter, sort: str) -> None:
    print(f"{'route':<26}{'requests':>9}{'statements':>11}{'compiled':>9}{'CPU ms':>9}{'wall ms':>9}")
    for route, row in sorted(meter.rows.items()):
        n = row["count"]
        print(f"{route:<26}{n:>9}{row['statements'] / n:>11.1f}{row['compiled'] / n:>9.2f}{1000 * row['cpu'] / n:>9.2f}"
              f"{1000 * row['wall'] / n:>9.2f}")
    for route, statements in meter.sql.items():
        print(f"\n--- statements of the last {route} ---")
        print("\n".join(statements))
    for route, profiler in meter.profiles.items():
        print(f"\n--- cProfile of {route} ({sort}) ---")
        pstats.Stats(profiler).sort_stats(sort).print_stats(45)
        if route == "all":
            by_package(pstats.Stats(profiler), sum(r["count"] for r in meter.rows.values()))


def by_package(stats: pstats.Stats, requests: int) -> None:
    """Own time (tottime) summed per library or project package, ms per request: where a request's CPU goes."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():
        path = Path(filename)
        if "site-packages" in path.parts:
            key = path.parts[path.parts.index("site-packages") + 1].removesuffix(".py")
        elif filename.startswith(str(ROOT)):
            key = "/".join(path.relative_to(ROOT).parts[:2])
        else:
            key = "builtins: " + function if filename == "~" else "stdlib: " + path.stem
        totals[key] += own
    print(f"\n--- own CPU per package, ms per request over {requests} requests (profiler on) ---")
    for key, seconds in sorted(totals.items(), key=lambda kv: -kv[1])[:30]:
        print(f"{1000 * seconds / requests:>8.2f}  {key}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--own-cluster", type=Path, metavar="DIR", help="folder for the throwaway cluster")
    parser.add_argument("--pg-port", type=int, help="port of the throwaway cluster (default: a free one)")
    parser.add_argument("--mentors", type=int, default=20_000, help="synthetic mentors for the search")
    parser.add_argument("--rounds", type=int, default=20, help="organizations driven through the cycle")
    parser.add_argument("--profile", action="append", default=[], metavar="ROUTE",
                        help="cProfile this route ('all': every route in one profile, with CPU per package)")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (cumulative, tottime, …)")
    parser.add_argument("--plans", action="store_true", help="PostgreSQL planning vs execution of every read")
    parser.add_argument("--prepared", action="store_true",
                        help="PostgreSQL CPU of every read as sent (planned each time) and as a prepared statement")
    parser.add_argument("--sql", action="append", default=[], metavar="ROUTE", help="show this route's statements")
    args = parser.parse_args(argv)
    folder = args.own_cluster or cluster_folder("cost-pg-")
    try:
        url = own_cluster(folder, args.pg_port)
        year, schools, officials = seed(url, args.mentors, 600)
        from registry import create_app
        from registry.extensions import db

        app = create_app(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False, SECRET_KEY="bench")
        meter = Meter()
        meter.profiles = {route: cProfile.Profile() for route in args.profile}
        meter.sql = {route: [] for route in args.sql}
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", meter.count)
        drive(app, year, schools, officials, meter, args.rounds)
        report(meter, args.sort)
        if args.plans:
            with app.app_context():
                plans(db.engine, meter.reads)
        if args.prepared:
            with app.app_context():
                prepared_cost(db.engine, meter.reads)
    finally:
        stop_cluster(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
