"""The ceiling of the soak's stack on this machine: how many requests/s a bare Flask app reaches on it.

    .venv/bin/python -m bench.soak_floor                          # 20 s per route, throwaway cluster
    .venv/bin/python -m bench.soak_floor --own-cluster DIR --pg-port P --seconds 30

Same machine, same gunicorn (2 sync workers), same tuned PostgreSQL cluster and region B organizations, same
asyncio client (aiohttp, ≤ 16 requests in flight) as bench/soak.py, but the app is bench/floor_app.py: routes
that do nothing except 0, 1, 5 or 10 SQL statements (reads: indexed lookups; writes: a lookup then inserts,
committed). The soak's mix averages about 5 statements a request (bench/request_cost.py), so the 5-statement rows
bound what the registry itself could reach here. Prints per route: requests/s and its ratio to the soak's target
(500/s), the CPU per request of client, gunicorn and PostgreSQL, and the share of the machine other processes
took meanwhile (run it on an idle machine); then one JSON line.
"""
import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path

import aiohttp
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    DRIVERS,
    cluster_folder,
    gunicorn,
    machine_busy_seconds,
    own_cluster,
    postmaster_pid,
    stop_cluster,
    tree_cpu_seconds,
    with_driver,
)
from bench.mentors import fill_postgresql  # noqa: E402

TARGET = 500  # requests/s the soak asks for (issue 7)
ROUTES = (("GET", "/bare"), ("GET", "/reads/1"), ("GET", "/reads/5"), ("POST", "/writes/5"),
          ("GET", "/reads/10"), ("POST", "/writes/10"))


async def hammer(base: str, method: str, path: str, seconds: float, concurrency: int) -> int:
    """Send `path` back to back from `concurrency` tasks for `seconds`; return how many were answered 200."""
    done = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency + 2)) as session:
        end = time.perf_counter() + seconds

        async def loop() -> None:
            nonlocal done
            while time.perf_counter() < end:
                async with session.request(method, base + path) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise SystemExit(f"{method} {path}: {resp.status}")
                done += 1

        await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done


def _cpu(server_pid: int, pg_pid: int) -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"client": own.ru_utime + own.ru_stime, "gunicorn": tree_cpu_seconds(server_pid),
            "postgresql": tree_cpu_seconds(pg_pid), "machine": machine_busy_seconds()}


def run(folder: Path, args: argparse.Namespace) -> list[dict]:
    url = own_cluster(folder, args.pg_port)
    fill_postgresql(url, 0, municipalities=20)
    engine = sa.create_engine(with_driver(url))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE floor_writes (id bigserial PRIMARY KEY, n int NOT NULL, note text)"))
    engine.dispose()
    rows = []
    with gunicorn("bench.floor_app:app", with_driver(url, args.driver), ready="/bare", workers=args.workers,
                  log=folder.parent / f"{folder.name}-gunicorn.log") as (base, server):
        pg = postmaster_pid(folder)
        for method, path in ROUTES:
            before, started = _cpu(server.pid, pg), time.perf_counter()
            answered = asyncio.run(hammer(base, method, path, args.seconds, args.concurrency))
            wall, after = time.perf_counter() - started, _cpu(server.pid, pg)
            used = {k: after[k] - before[k] for k in after}
            per_request = {k: round(1000 * used[k] / answered, 2) for k in ("client", "gunicorn", "postgresql")}
            # busy CPU of processes outside this run, % of all cores: above a few %, the figures are not the floor
            ours = used["client"] + used["gunicorn"] + used["postgresql"]
            others = 100 * (used["machine"] - ours) / (wall * os.cpu_count())
            rate = answered / wall
            rows.append({"route": f"{method} {path}", "rps": round(rate), "ratio": round(rate / TARGET, 2),
                         "cpu_ms": per_request, "ours_ms": round(sum(per_request.values()), 2),
                         "others_percent": round(others, 1)})
            print(f"{method + ' ' + path:<18}{rate:>8.0f}{rate / TARGET:>9.2f}"
                  + "".join(f"{v:>11.2f}" for v in per_request.values())
                  + f"{sum(per_request.values()):>11.2f}{others:>9.0f}%", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="load per route (default 20)")
    parser.add_argument("--own-cluster", type=Path, metavar="DIR", help="folder for the throwaway cluster")
    parser.add_argument("--pg-port", type=int, help="port of the throwaway cluster (default: a free one)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--driver", choices=DRIVERS, default="psycopg2", help="the app's PostgreSQL driver")
    parser.add_argument("--concurrency", type=int, default=16, help="most requests in flight (default 16)")
    args = parser.parse_args(argv)
    folder = args.own_cluster or cluster_folder("floor-pg-")
    print(f"{os.cpu_count()} cores; {args.workers} gunicorn sync workers; ≤ {args.concurrency} in flight; "
          f"{args.seconds:g} s per route; ratio = requests/s ÷ {TARGET}; CPU ms per request; "
          "others = CPU of other processes, % of the machine (should be ≈ 0)")
    columns = ("client", "gunicorn", "postgresql", "all three")
    print(f"{'route':<18}{'req/s':>8}{'ratio':>9}" + "".join(f"{c:>11}" for c in columns) + f"{'others':>10}")
    try:
        rows = run(folder, args)
    finally:
        stop_cluster(folder)
    print(json.dumps({"target_rps": TARGET, "routes": rows}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
