"""Deadline-hour soak (issue 7): gunicorn + PostgreSQL on loopback under curators, officials and the public at once.

    .venv/bin/python -m bench.soak --seconds 30                      # smoke run
    .venv/bin/python -m bench.soak --own-cluster DIR --pg-port P     # the full run: 300 s at 500 requests/s

It starts a throwaway tuned cluster (bench/harness.py), seeds one region `B` (20 municipalities, 600 schools,
published mentors, a curator per school, an official per municipality, the year's campaign with the
organization deadline an hour or more away), starts gunicorn (sync workers) with login rate limiting off
(RATELIMIT_ENABLED=False, config and environment), logs everyone in through POST /api/v1/auth/token and
drives the mix of bench/soak_load.py at a fixed request rate with an asyncio client (aiohttp). Every answer
is checked against the script's model as it comes (versions, statuses, values; the officials' review queues);
afterwards the database is compared with what the script had acknowledged: every submission's status,
version and values, the audit rows per action and the version rows. It prints a table per route (count, non-2xx,
p50/p95/p99 ms), the achieved rate against the target, where the CPU went, the load average, and one JSON
line; it exits 1 on any unexpected answer or mismatch.
"""
import argparse
import asyncio
import json
import logging
import os
import resource
import statistics
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/soak.py`
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    DRIVERS,
    cluster_folder,
    gunicorn,
    machine_busy_seconds,
    own_cluster,
    percentiles,
    postmaster_pid,
    stop_cluster,
    tree_cpu_seconds,
    with_driver,
)
from bench.mentors import fill_postgresql, search_paths  # noqa: E402
from bench.soak_floor import hammer  # noqa: E402
from bench.soak_load import ACTIONS, Load, Official, Org  # noqa: E402

PASSWORD = "soak-password-1"  # noqa: S105 - synthetic accounts of a throwaway cluster
NO_RATE_LIMIT = {"RATELIMIT_ENABLED": "false"}
#: The floor the soak is measured against (issue 18): the bare app's five indexed reads, about the statements an
#: average request of the mix makes, on the same gunicorn, cluster and client.
FLOOR_ROUTE = "GET /reads/5"


def soak_app():
    """The real app with request rate limiting off: 620 logins from one loopback address are the load itself."""
    from registry import create_app

    return create_app(RATELIMIT_ENABLED=False)


def seed(url: str, mentors: int, seconds: float) -> tuple[int, list[dict], list[dict]]:
    """Fill region B and open its campaign; return the year, the schools and the officials (with e-mails)."""
    fill_postgresql(url, mentors, municipalities=20)
    logging.getLogger("registry.core.audit").setLevel(logging.WARNING)  # a line per seeded action otherwise
    from hierarchy.models import Municipality, Organization, Region
    from monitoring import campaigns
    from registry import create_app
    from registry.auth.models import User
    from registry.auth.passwords import hash_password
    from registry.extensions import db

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench")
    with app.app_context():
        region = db.session.scalar(sa.select(Region).where(Region.code == "B"))
        secret = hash_password(PASSWORD)  # one hash for all: 621 Argon2 hashes would only slow the seeding
        located = (sa.select(Organization, Municipality)
                   .join(Municipality, Organization.location_municipality_id == Municipality.id)
                   .where(Organization.region_id == region.id).order_by(Organization.id))
        schools = [{"id": o.id, "code": o.code, "municipality": m.code, "org_type": o.org_type.value,
                    "email": f"curator.{o.code.lower()}@soak.example"} for o, m in db.session.execute(located)]
        officials = [{"id": m.id, "municipality": m.code, "email": f"official.{m.code.lower()}@soak.example"}
                     for m in db.session.scalars(sa.select(Municipality).where(Municipality.region_id == region.id))]
        db.session.execute(sa.insert(User), [
            {"email": "operator@soak.example", "password_hash": secret, "role": "region_operator",
             "region_id": region.id},
            *({"email": o["email"], "password_hash": secret, "role": "municipal_official",
               "municipality_id": o["id"]} for o in officials),
            *({"email": s["email"], "password_hash": secret, "role": "org_curator", "organization_id": s["id"]}
              for s in schools)])
        operator = db.session.scalar(sa.select(User).where(User.email == "operator@soak.example"))
        now = datetime.now(UTC)
        year = now.astimezone(ZoneInfo(region.timezone)).year
        campaign = campaigns.open_campaign(region, year, actor=operator, now=now)
        # the deadline hour: the organizations' window closes an hour (or the run plus a margin) from now
        closes = now + max(timedelta(hours=1), timedelta(seconds=seconds + 1800))
        campaigns.update_campaign(campaign, actor=operator, deadlines={
            "organization": closes, "municipality": closes + timedelta(days=7), "region": closes + timedelta(days=14)})
        db.session.commit()
        # statistics, as autovacuum gathers them within a minute of a bulk load: without them the first minute of
        # a run plans a submission's lookup by walking the campaign's members (0.4 ms a request instead of 0.05)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return year, schools, officials


async def log_in(base: str, emails: list[str], concurrency: int = 4) -> tuple[dict[str, str], list[float]]:
    """Tokens for every e-mail through the JSON API, and the latencies of those requests (ms)."""
    tokens, latencies, gate = {}, [], asyncio.Semaphore(concurrency)

    async def one(session: aiohttp.ClientSession, email: str) -> None:
        async with gate:
            started = time.perf_counter()
            async with session.post(base + "/api/v1/auth/token", json={"email": email, "password": PASSWORD}) as resp:
                if resp.status != 200:
                    raise SystemExit(f"login of {email} failed: {resp.status} {await resp.text()}")
                tokens[email] = (await resp.json())["token"]
            latencies.append((time.perf_counter() - started) * 1000)

    async with aiohttp.ClientSession() as session:
        await asyncio.gather(*(one(session, e) for e in emails))
    return tokens, latencies


def verify(url: str, year: int, orgs: list[Org], load: Load) -> list[str]:
    """Compare the database with the acknowledged writes; return what differs."""
    engine = sa.create_engine(with_driver(url))
    where = ("JOIN organizations o ON o.id = s.organization_id JOIN campaigns c ON c.id = s.campaign_id "
             "JOIN regions r ON r.id = c.region_id WHERE r.code = 'B' AND c.year = :y")
    with engine.connect() as conn:
        rows = {code: (status, version) for code, status, version in conn.execute(
            sa.text(f"SELECT o.code, s.status, s.version FROM submissions s {where}"), {"y": year})}  # noqa: S608
        values: dict[str, dict] = {}
        for org, code, value in conn.execute(sa.text(
                f"SELECT o.code, v.code, v.value FROM submission_values v JOIN submissions s "  # noqa: S608
                f"ON s.id = v.submission_id {where}"), {"y": year}):
            values.setdefault(org, {})[code] = value
        audit = dict(conn.execute(sa.text(
            "SELECT action, count(*) FROM audit_entries WHERE target_type = 'submission' AND target_key LIKE :k "
            "GROUP BY action"), {"k": f"{year}/B-%"}).all())
        versions = conn.execute(sa.text(f"SELECT count(*) FROM submission_versions sv JOIN submissions s "  # noqa: S608
                                        f"ON s.id = sv.submission_id {where}"), {"y": year}).scalar()
    engine.dispose()
    problems = []
    for org in orgs:
        stored = rows.get(org.code, ("draft", 0))
        if org.lost:
            problems.append(f"{org.code}: state unknown after an unanswered write; stored {stored}")
        elif stored != (org.status, org.version) or values.get(org.code, {}) != org.values:
            problems.append(f"{org.code}: stored {stored} {values.get(org.code)}, "
                            f"acknowledged {(org.status, org.version)} {org.values}")
    for action in ACTIONS.values():
        if audit.get(action, 0) != load.ledger.acked[action]:
            problems.append(f"audit {action}: {audit.get(action, 0)} rows, {load.ledger.acked[action]} acknowledged")
    if versions != sum(o.version for o in orgs):
        problems.append(f"submission_versions: {versions} rows, acknowledged versions sum to "
                        f"{sum(o.version for o in orgs)}")
    return problems


def _cpu(server_pid: int, pg_pid: int) -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"generator": own.ru_utime + own.ru_stime, "gunicorn": tree_cpu_seconds(server_pid),
            "postgresql": tree_cpu_seconds(pg_pid), "machine": machine_busy_seconds()}


def run(folder: Path, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    url = own_cluster(folder, args.pg_port)
    print(f"cluster {url} started and migrated in {time.perf_counter() - started:.0f} s", flush=True)
    started = time.perf_counter()
    year, schools, officials = seed(url, args.mentors, args.seconds * args.rounds)
    print(f"seeded region B: {len(schools)} schools, {len(officials)} officials, {args.mentors:,} mentors, "
          f"campaign {year} in {time.perf_counter() - started:.0f} s", flush=True)
    log = folder.parent / f"{folder.name}-gunicorn.log"
    # both servers stay up for the whole run (an idle sync worker takes no CPU): the soak and its floor alternate
    # back to back, round after round, so every ratio compares figures of the same minute of the same machine
    served = with_driver(url, args.driver)  # the registry and its floor on the same driver
    with gunicorn("bench.soak:soak_app()", served, ready="/api/v1/openapi.json", workers=args.workers,
                  env=NO_RATE_LIMIT, log=log) as (base, server), \
            gunicorn("bench.floor_app:app", served, ready="/bare", workers=args.workers,
                     log=folder.parent / f"{folder.name}-floor.log") as (floor_base, _):
        emails = [o["email"] for o in officials] + [s["email"] for s in schools]
        started = time.perf_counter()
        tokens, login_ms = asyncio.run(log_in(base, emails))
        print(f"logged in {len(tokens)} users in {time.perf_counter() - started:.0f} s: "
              f"POST /api/v1/auth/token {percentiles(login_ms)} ms", flush=True)
        orgs = [Org(s["code"], s["municipality"], tokens[s["email"]], s["org_type"]) for s in schools]
        staff = [Official(o["municipality"], tokens[o["email"]]) for o in officials]
        load = Load(base, f"/api/v1/regions/B/campaigns/{year}", orgs, staff, search_paths(), seed=args.seed)
        load_before = os.getloadavg()
        used, timing, rounds = defaultdict(float), {"elapsed_s": 0.0}, []
        for n in range(1, args.rounds + 1):
            answered = sum(len(ms) for ms in load.ledger.latencies.values())
            before = _cpu(server.pid, postmaster_pid(folder))
            soak_timing = asyncio.run(load.run(args.seconds, args.rate, args.concurrency))
            after = _cpu(server.pid, postmaster_pid(folder))
            for key in after:
                used[key] += after[key] - before[key]
            timing["elapsed_s"] += soak_timing["elapsed_s"]
            soak_rps = (sum(len(ms) for ms in load.ledger.latencies.values()) - answered) / soak_timing["elapsed_s"]
            rounds.append({"soak_rps": round(soak_rps, 1), **floor(floor_base, args), "loadavg": os.getloadavg()[0]})
            rounds[-1]["ratio"] = round(soak_rps / rounds[-1]["floor_rps"], 2)
            print(f"round {n}: soak {soak_rps:.0f} requests/s, floor ({FLOOR_ROUTE}) {rounds[-1]['floor_rps']:.0f} "
                  f"requests/s → ratio {rounds[-1]['ratio']:.2f}; load average {rounds[-1]['loadavg']:.2f}",
                  flush=True)
        load_after = os.getloadavg()
    timing["elapsed_s"] = round(timing["elapsed_s"], 1)
    print(f"server log: {log}", flush=True)
    problems = [json.dumps(m, ensure_ascii=False) for m in load.ledger.mismatches] + verify(url, year, orgs, load)
    return report(load, timing, args, dict.fromkeys(used, 0.0), dict(used), (load_before, load_after), problems,
                  rounds)


def floor(base: str, args: argparse.Namespace) -> dict:
    """requests/s of bench/floor_app.py's FLOOR_ROUTE (bench/soak_floor.py's measure) for --floor-seconds."""
    method, path = FLOOR_ROUTE.split()
    started = time.perf_counter()
    done = asyncio.run(hammer(base, method, path, args.floor_seconds, args.concurrency))
    return {"floor_rps": round(done / (time.perf_counter() - started), 1)}


def report(load: Load, timing: dict, args, before: dict, after: dict, loadavg: tuple, problems: list[str],
           rounds: list[dict]) -> int:
    """Print the table, the rate, the CPU split and one JSON line; return the exit status."""
    ledger, table = load.ledger, load.ledger.table()
    total = sum(r["count"] for r in table.values())
    rate = total / timing["elapsed_s"]
    print(f"\n{'route':<26}{'count':>8}{'409 exp.':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for route, row in table.items():
        print(f"{route:<26}{row['count']:>8}{row['expected']:>9}{row['errors']:>8}"
              f"{row['p50']:>9}{row['p95']:>9}{row['p99']:>9}")
    print(f"{'all':<26}{total:>8}{sum(r['expected'] for r in table.values()):>9}"
          f"{sum(r['errors'] for r in table.values()):>8}")
    print(f"\nrate: {rate:.0f} requests/s achieved of {args.rate:g} targeted (ratio {rate / args.rate:.2f}) over "
          f"{timing['elapsed_s']} s, ≤ {args.concurrency} in flight, {args.workers} gunicorn workers")
    wall, cores = timing["elapsed_s"], os.cpu_count()
    used = {k: after[k] - before[k] for k in after}
    shares = {k: round(100 * v / (wall * cores), 1) for k, v in used.items()}
    shares["other processes"] = round(shares["machine"] - shares["generator"] - shares["gunicorn"]
                                      - shares["postgresql"], 1)
    print(f"CPU, % of {cores} cores over the run: " + ", ".join(f"{k} {v}" for k, v in shares.items())
          + f"; generator = {100 * used['generator'] / wall:.0f}% of one core, "
          f"{1000 * used['generator'] / max(total, 1):.2f} ms per request")
    print(f"load average (1/5/15 min): before {' '.join(f'{x:.2f}' for x in loadavg[0])}, "
          f"after {' '.join(f'{x:.2f}' for x in loadavg[1])}")
    expected = {f"{r} {s}": n for (r, s), n in ledger.expected.items()}
    print(f"expected refusals: {expected}; "
          f"acknowledged writes: {dict(ledger.acked)}")
    unexpected = {f"{r} {s} {c}": n for (r, s, c), n in ledger.errors.items()}
    print(f"unexpected answers: {unexpected or 'none'}")
    print("data check: " + ("database equals the acknowledged writes" if not problems else
                            f"{len(problems)} differences, first: " + "; ".join(problems[:5])))
    ratios = [r["ratio"] for r in rounds]
    print(f"soak ÷ floor ({FLOOR_ROUTE}, measured right after each round): "
          + ", ".join(f"{r['soak_rps']:.0f}/{r['floor_rps']:.0f} = {r['ratio']:.2f}" for r in rounds)
          + f"; median {statistics.median(ratios):.2f} (goal ≥ 0.6)")
    print(json.dumps({"target_rps": args.rate, "achieved_rps": round(rate, 1), "ratio": round(rate / args.rate, 3),
                      "floor_route": FLOOR_ROUTE, "rounds": rounds, "ratio_to_floor": statistics.median(ratios),
                      "seconds": wall, "routes": table, "cpu_percent_of_machine": shares,
                      "loadavg": [[round(x, 2) for x in pair] for pair in loadavg],
                      "acked": dict(ledger.acked), "unexpected": unexpected, "differences": len(problems)},
                     ensure_ascii=False))
    return 1 if unexpected or problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=300, help="how long the load runs (default 300)")
    parser.add_argument("--rate", type=float, default=500, help="target requests/s in total (default 500)")
    parser.add_argument("--own-cluster", type=Path, metavar="DIR",
                        help="folder for the throwaway cluster (default: a new temporary folder); removed afterwards")
    parser.add_argument("--pg-port", type=int, help="port of the throwaway cluster (default: a free one)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--driver", choices=DRIVERS, default="psycopg2",
                        help="the servers' PostgreSQL driver (default psycopg2, the registry's)")
    parser.add_argument("--concurrency", type=int, default=16, help="most requests in flight (default 16)")
    parser.add_argument("--mentors", type=int, default=20_000, help="synthetic mentors for the search")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=1,
                        help="soak/floor pairs run back to back (default 1); each pair prints its ratio")
    parser.add_argument("--floor-seconds", type=float, default=15,
                        help=f"floor ({FLOOR_ROUTE} of bench/floor_app.py) after each round (default 15)")
    args = parser.parse_args(argv)
    folder = args.own_cluster or cluster_folder("soak-pg-")
    try:
        return run(folder, args)
    finally:
        stop_cluster(folder)


if __name__ == "__main__":
    sys.exit(main())
