"""Survey answers at scale (issue 15): respondents answering one-time links through gunicorn on PostgreSQL.

    .venv/bin/python -m bench.survey_answers --respondents 500 --floor-seconds 5     # smoke run
    .venv/bin/python -m bench.survey_answers                                        # the full run: 20,000
    .venv/bin/python -m bench.survey_answers --database-url URL --respondents 500   # an empty, migrated database

It starts a throwaway tuned cluster (bench/harness.py), fills region B (bench/mentors.py, no mentors), opens the
year's campaign and a mentee survey in as many schools as needed (100 links each), starts gunicorn (sync
workers; rate limiting off, as in bench/soak.py: every respondent comes from one loopback address) and lets
every respondent answer once with an asyncio client (aiohttp, ≤ 16 in flight), recording each latency. Then,
in the same run and on the same cluster, it measures the floor of the stack (bench/floor_app.py's
`POST /writes/5`, as bench/soak_floor.py does: an answer is about five statements). It prints answers/s, p50/p95/p99
and their ratio to the floor, checks that nothing was lost (answers in the database == the 201s, links spent ==
the 201s, no other status), and one JSON line; it exits 1 on any loss or unexpected answer.
"""
import argparse
import asyncio
import json
import logging
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import cluster_folder, gunicorn, own_cluster, percentiles, stop_cluster  # noqa: E402
from bench.mentors import fill_postgresql  # noqa: E402
from bench.soak import NO_RATE_LIMIT  # noqa: E402
from bench.soak_floor import hammer  # noqa: E402

LINKS_PER_SCHOOL = 100


def survey_app():
    """The real app with rate limiting off: all respondents come from one loopback address."""
    from registry import create_app

    return create_app(RATELIMIT_ENABLED=False)


def seed(url: str, respondents: int) -> list[str]:
    """Open region B's campaign and mentee surveys with `respondents` links in all; return the tokens."""
    fill_postgresql(url, 0, municipalities=20)
    logging.getLogger("registry.core.audit").setLevel(logging.WARNING)
    from hierarchy.models import Organization, Region
    from monitoring import campaigns
    from registry import create_app
    from registry.auth.models import Role, User
    from registry.extensions import db
    from surveys import services

    app = create_app(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench")
    tokens: list[str] = []
    with app.app_context():
        region = db.session.scalar(sa.select(Region).where(Region.code == "B"))
        operator = User(email="operator@survey.example", password_hash="-", role=Role.region_operator,
                        region_id=region.id)
        db.session.add(operator)
        now = datetime.now(UTC)
        campaign = campaigns.open_campaign(region, now.year, actor=operator, now=now)
        closes = now + timedelta(days=1)
        campaigns.update_campaign(campaign, actor=operator, deadlines={
            "organization": closes, "municipality": closes + timedelta(days=7), "region": closes + timedelta(days=14)})
        schools = db.session.scalars(sa.select(Organization).where(Organization.region_id == region.id)
                                     .order_by(Organization.id)).all()
        needed = -(-respondents // LINKS_PER_SCHOOL)
        if needed > len(schools):
            raise SystemExit(f"region B has {len(schools)} schools: at most {len(schools) * LINKS_PER_SCHOOL} links")
        for school in schools[:needed]:
            count = min(LINKS_PER_SCHOOL, respondents - len(tokens))
            tokens += services.open_survey(campaign, school, "mentee", count, actor=operator, now=now)[1]
        db.session.commit()
    return tokens


def _answer(rng: random.Random) -> dict:
    marks = {f"q{i}": rng.randint(1, 10) for i in range(1, 5)}
    return {**marks, "q5": rng.choice(["weekly", "monthly", "rarely"]), "q6": rng.choice(["yes", "no", "unsure"]),
            "q7": rng.choice(["", "Больше встреч", "Всё понравилось"])}


async def answer_all(base: str, tokens: list[str], concurrency: int, seed: int) -> tuple[dict[int, int], list[float]]:
    """Every token answered once; returns the count per status and each request's latency (ms)."""
    rng, queue = random.Random(seed), list(reversed(tokens))
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency + 2)) as session:
        async def worker() -> None:
            while queue:
                token = queue.pop()
                body = {"answers": _answer(rng)}
                started = time.perf_counter()
                async with session.post(f"{base}/api/v1/survey-links/{token}/answers", json=body) as resp:
                    await resp.read()
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses, latencies


def stored(url: str) -> tuple[int, int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.connect() as conn:
        answers = conn.scalar(sa.text("SELECT count(*) FROM survey_answers"))
        spent = conn.scalar(sa.text("SELECT count(*) FROM survey_links WHERE used"))
    engine.dispose()
    return answers, spent


def floor(url: str, folder: Path, args: argparse.Namespace) -> float:
    """requests/s of bench/floor_app.py's POST /writes/5 on the same cluster (bench/soak_floor.py's measure)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS floor_writes (id bigserial PRIMARY KEY, n int NOT NULL, "
                             "note text)"))
    engine.dispose()
    with gunicorn("bench.floor_app:app", url, ready="/bare", workers=args.workers,
                  log=folder.parent / f"{folder.name}-floor.log") as (base, _):
        started = time.perf_counter()
        done = asyncio.run(hammer(base, "POST", "/writes/5", args.floor_seconds, args.concurrency))
        return done / (time.perf_counter() - started)


def run(folder: Path, args: argparse.Namespace) -> int:
    url = args.database_url or own_cluster(folder, args.pg_port)
    started = time.perf_counter()
    tokens = seed(url, args.respondents)
    print(f"seeded {len(tokens):,} links in {time.perf_counter() - started:.0f} s", flush=True)
    log = folder.parent / f"{folder.name}-gunicorn.log"
    with gunicorn("bench.survey_answers:survey_app()", url, ready="/api/v1/openapi.json", workers=args.workers,
                  env=NO_RATE_LIMIT, log=log) as (base, _):
        started = time.perf_counter()
        statuses, latencies = asyncio.run(answer_all(base, tokens, args.concurrency, args.seed))
        wall = time.perf_counter() - started
    answers, spent = stored(url)
    floor_rps = floor(url, folder, args)
    created = statuses.get(201, 0)
    rate = created / wall
    result = {"respondents": len(tokens), "statuses": statuses, "seconds": round(wall, 1),
              "answers_per_s": round(rate, 1), "latency_ms": percentiles(latencies),
              "floor_rps": round(floor_rps, 1), "ratio_to_floor": round(rate / floor_rps, 2) if floor_rps else None,
              "stored": answers, "links_spent": spent}
    problems = []
    if created != len(tokens) or set(statuses) != {201}:
        problems.append(f"expected {len(tokens)} × 201, got {statuses}")
    if answers != created or spent != created:
        problems.append(f"lost or extra rows: {answers} answers and {spent} links spent for {created} × 201")
    print(f"{created:,} answers in {wall:.1f} s: {rate:.0f} answers/s, latency {percentiles(latencies)} ms; "
          f"floor (POST /writes/5) {floor_rps:.0f} requests/s → ratio {result['ratio_to_floor']}; "
          f"database: {answers:,} answers, {spent:,} links spent", flush=True)
    for problem in problems:
        print("PROBLEM:", problem, flush=True)
    print(json.dumps(result, ensure_ascii=False))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=20_000, help="links answered (default 20,000)")
    parser.add_argument("--floor-seconds", type=float, default=20, help="floor measurement (default 20 s)")
    parser.add_argument("--own-cluster", type=Path, metavar="DIR", help="folder for the throwaway cluster")
    parser.add_argument("--pg-port", type=int, help="port of the throwaway cluster (default: a free one)")
    parser.add_argument("--database-url", help="an empty, migrated PostgreSQL database instead of a throwaway cluster")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    parser.add_argument("--concurrency", type=int, default=16, help="most requests in flight (default 16)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    folder = args.own_cluster or cluster_folder("survey-pg-")
    print(f"{os.cpu_count()} cores; {args.workers} gunicorn sync workers; ≤ {args.concurrency} in flight", flush=True)
    try:
        return run(folder, args)
    finally:
        if not args.database_url:
            stop_cluster(folder)


if __name__ == "__main__":
    sys.exit(main())
