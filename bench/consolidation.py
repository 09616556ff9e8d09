"""Benchmark of the regional aggregate and the regional consolidation on PostgreSQL (printed figures, not tests).

    .venv/bin/python -m bench.consolidation                 # starts its own throwaway cluster (scripts/pg-start)
    BENCH_DATABASE_URL=postgresql://…/empty_db .venv/bin/python -m bench.consolidation
    .venv/bin/python -m bench.consolidation --quick         # Khabarovsk scale only

It migrates an empty database, generates (a) the Khabarovsk scale (~600 organizations, 19 municipalities)
and (b) a federal synthetic scale (100,000 organizations, ~2,300 municipalities) in one region each, and
measures, as medians of several runs in the same process:

- `aggregate`: monitoring.queries.aggregate(campaign, region, now, None), the live regional dashboard;
- `consolidate`: monitoring.reports.consolidate(campaign, …), rolled back after each run so it repeats;
- `raw_group_by`: a hand-written SQL GROUP BY (sum by org_type, code over accepted submission values of
  campaign members); both ratios app/raw (and the targets) are against it;
- `raw_freeze`: hand-written SQL doing what the current consolidation design must do (copy the accepted
  municipal snapshots plus direct organizations into a new snapshot, then GROUP BY it), shown for reference:
  it tells the cost of the design (copying rows) apart from the cost of the code.

It prints one JSON document with times in ms, the ratios app/raw, the target checks and, for one run of each
app operation, the time of every SQL statement it issued (to see what dominates).
"""
import argparse
import json
import logging
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_migrate
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/consolidation.py`
    sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402 - after the path fix above
from bench.harness import cluster_folder, free_port, stop_cluster  # noqa: E402
from deadlines.models import Campaign  # noqa: E402
from monitoring import queries, reports  # noqa: E402
from registry import create_app  # noqa: E402
from registry.config import BaseConfig  # noqa: E402
from registry.extensions import db  # noqa: E402

SCALES = {
    "khabarovsk": {"organizations": 600, "municipalities": 19, "aggregate_runs": 21, "consolidate_runs": 11},
    "federal": {"organizations": 100_000, "municipalities": 2_300, "aggregate_runs": 7, "consolidate_runs": 3},
}
TARGETS = {"khabarovsk": {"max_ms": 50.0, "max_ratio": 3.0}, "federal": {"max_ms": None, "max_ratio": 2.0}}

RAW_GROUP_BY = sa.text("""
    SELECT cm.org_type, v.code, sum(v.value)
    FROM campaign_members cm
    JOIN submissions s ON s.campaign_id = cm.campaign_id AND s.organization_id = cm.organization_id
    JOIN submission_values v ON v.submission_id = s.id
    WHERE cm.campaign_id = :campaign AND s.status = 'accepted'
    GROUP BY cm.org_type, v.code
""")
RAW_SNAPSHOT = sa.text("""
    INSERT INTO snapshots (campaign_id, level, unit_code, version, created_at, summary)
    VALUES (:campaign, 'region', :code, 999, now(), '{}') RETURNING id
""")
RAW_COPY = sa.text("""
    INSERT INTO snapshot_values (snapshot_id, organization_id, code, org_type, reporting_municipality_id, value)
    SELECT :snapshot, sv.organization_id, sv.code, sv.org_type, sv.reporting_municipality_id, sv.value
    FROM snapshot_values sv JOIN municipal_reports r ON r.snapshot_id = sv.snapshot_id
    WHERE r.campaign_id = :campaign AND r.status = 'accepted'
    UNION ALL
    SELECT :snapshot, cm.organization_id, v.code, cm.org_type, NULL, v.value
    FROM campaign_members cm
    JOIN submissions s ON s.campaign_id = cm.campaign_id AND s.organization_id = cm.organization_id
    JOIN submission_values v ON v.submission_id = s.id
    WHERE cm.campaign_id = :campaign AND cm.reporting_municipality_id IS NULL AND s.status = 'accepted'
""")
RAW_SNAPSHOT_SUMS = sa.text(
    "SELECT org_type, code, sum(value) FROM snapshot_values WHERE snapshot_id = :snapshot GROUP BY org_type, code")


def _start_cluster() -> tuple[str, Callable[[], None]]:
    """A throwaway cluster through scripts/pg-start; returns its URL and a stop function."""
    directory = str(cluster_folder("registry-bench-pg."))
    # S603: our own scripts with arguments we made
    url = subprocess.run([str(ROOT / "scripts" / "pg-start"), directory, str(free_port())],  # noqa: S603
                         check=True, capture_output=True, text=True).stdout.strip()
    return url, lambda: stop_cluster(Path(directory))


def _timed(fn: Callable[[], object], after: Callable[[], None] | None = None) -> float:
    started = time.perf_counter()
    fn()
    elapsed = (time.perf_counter() - started) * 1000
    if after:
        after()
    return elapsed


def _median_pair(runs: int, app: Callable, raw: Callable, after: Callable[[], None], *,
                 warm_up: bool = True) -> tuple[float, float]:
    """Median ms of `app` and `raw`, interleaved so both see the same cache state; one warm-up run each."""
    if warm_up:
        _timed(app, after)
        _timed(raw, after)
    app_ms, raw_ms = [], []
    for _ in range(runs):
        app_ms.append(_timed(app, after))
        raw_ms.append(_timed(raw, after))
    return statistics.median(app_ms), statistics.median(raw_ms)


class StatementTimer:
    """Times every SQL statement issued while active (for the per-statement breakdown)."""

    def __init__(self, engine: sa.Engine):
        self.engine, self.rows, self._started = engine, [], []

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = (time.perf_counter() - self._started.pop()) * 1000
        self.rows.append({"ms": round(elapsed, 2), "sql": " ".join(statement.split())[:160]})

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        sa.event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)
        sa.event.remove(self.engine, "after_cursor_execute", self._after)


def measure(campaign_id: int, now: datetime, *, aggregate_runs: int, consolidate_runs: int) -> dict:
    """Time aggregate and consolidate against their raw SQL floors for one campaign."""
    def load() -> Campaign:
        campaign = db.session.get(Campaign, campaign_id)
        campaign.region.code  # noqa: B018 - load outside the timed call
        return campaign

    campaign = load()
    region = campaign.region

    def rollback() -> None:
        db.session.rollback()
        nonlocal campaign, region
        campaign = load()
        region = campaign.region

    def raw_freeze() -> None:
        snapshot = db.session.execute(RAW_SNAPSHOT, {"campaign": campaign_id, "code": region.code}).scalar_one()
        db.session.execute(RAW_COPY, {"snapshot": snapshot, "campaign": campaign_id})
        db.session.execute(RAW_SNAPSHOT_SUMS, {"snapshot": snapshot}).all()

    aggregate_ms, group_by_ms = _median_pair(
        aggregate_runs, lambda: queries.aggregate(campaign, region, now, None),
        lambda: db.session.execute(RAW_GROUP_BY, {"campaign": campaign_id}).all(), rollback)
    consolidate_ms, freeze_ms = _median_pair(
        consolidate_runs, lambda: reports.consolidate(campaign, actor=None, now=now), raw_freeze, rollback,
        warm_up=consolidate_runs > 3)  # at the federal scale a run takes tens of seconds: no warm-up there

    with StatementTimer(db.engine) as aggregate_statements:
        queries.aggregate(campaign, region, now, None)
    rollback()
    with StatementTimer(db.engine) as consolidate_statements:
        reports.consolidate(campaign, actor=None, now=now)
    rollback()
    return {
        "aggregate_ms": round(aggregate_ms, 2),
        "raw_group_by_ms": round(group_by_ms, 2),
        "aggregate_ratio": round(aggregate_ms / group_by_ms, 2),
        "consolidate_ms": round(consolidate_ms, 2),
        "consolidate_ratio": round(consolidate_ms / group_by_ms, 2),
        "raw_freeze_ms": round(freeze_ms, 2),
        "consolidate_vs_raw_freeze": round(consolidate_ms / freeze_ms, 2),
        "runs": {"aggregate": aggregate_runs, "consolidate": consolidate_runs},
        "statements": {"aggregate": aggregate_statements.rows, "consolidate": consolidate_statements.rows},
    }


def _checks(scale: str, result: dict) -> dict:
    target = TARGETS[scale]
    checks = {}
    for op in ("aggregate", "consolidate"):
        if target["max_ms"] is not None:
            checks[f"{op}_ms <= {target['max_ms']:g}"] = result[f"{op}_ms"] <= target["max_ms"]
        checks[f"{op}_ratio (vs raw GROUP BY) <= {target['max_ratio']:g}"] = (
            result[f"{op}_ratio"] <= target["max_ratio"])
    return checks


def run(url: str, scales: list[str]) -> dict:
    app = create_app(BaseConfig, SQLALCHEMY_DATABASE_URI=url)
    logging.getLogger("registry.core.audit").setLevel(logging.WARNING)  # one line per consolidation otherwise
    logging.getLogger("alembic").setLevel(logging.WARNING)
    out: dict = {}
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            raise SystemExit("The benchmark runs on PostgreSQL only.")
        if sa.inspect(db.engine).get_table_names():
            raise SystemExit("The benchmark needs an empty database (it runs the migrations itself).")
        flask_migrate.upgrade()
        out["postgresql"] = db.session.execute(sa.text("SHOW server_version")).scalar()
        year = datetime.now(ZoneInfo("Asia/Vladivostok")).year
        # late November: organization and municipal windows closed, the region's still open
        now = datetime(year, 11, 20, 3, tzinfo=UTC)
        campaigns = {}
        for scale in scales:
            sizes = SCALES[scale]
            made = generate(prefix="B27" if scale == "khabarovsk" else "BRF", organizations=sizes["organizations"],
                            municipalities=sizes["municipalities"], year=year, seed=len(campaigns) + 1)
            db.session.commit()
            analyze_started = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))  # as autovacuum would after a bulk load
            campaigns[scale] = made.campaign.id
            result = {"organizations": made.organizations, "municipalities": made.municipalities,
                      "value_rows": made.values, "generate_s": round(made.seconds, 1),
                      "analyze_s": round(time.perf_counter() - analyze_started, 1)}
            result |= measure(made.campaign.id, now, aggregate_runs=sizes["aggregate_runs"],
                              consolidate_runs=sizes["consolidate_runs"])
            result["targets"] = _checks(scale, result)
            out[scale] = result
        if "federal" in campaigns and "khabarovsk" in campaigns:
            # the Khabarovsk region again, now that the database also holds the federal data
            again = measure(campaigns["khabarovsk"], now, aggregate_runs=21, consolidate_runs=11)
            again.pop("statements")
            out["khabarovsk_in_federal_db"] = again | {"targets": _checks("khabarovsk", again)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="SQLAlchemy URL of an EMPTY PostgreSQL database (default: start a throwaway cluster)")
    parser.add_argument("--quick", action="store_true", help="Khabarovsk scale only")
    parser.add_argument("--brief", action="store_true", help="omit the per-statement breakdown")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the throwaway cluster is stopped below
    stop = None
    url = args.url
    if not url:
        url, stop = _start_cluster()
    started = time.perf_counter()
    try:
        result = run(url, ["khabarovsk"] if args.quick else ["khabarovsk", "federal"])
    finally:
        if stop:
            stop()
    result["total_s"] = round(time.perf_counter() - started, 1)
    if args.brief:
        for value in result.values():
            if isinstance(value, dict):
                value.pop("statements", None)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    failed = [f"{scale}: {name}" for scale, value in result.items() if isinstance(value, dict)
              for name, ok in value.get("targets", {}).items() if not ok]
    print("targets missed: " + "; ".join(failed) if failed else "all targets met", file=sys.stderr)


if __name__ == "__main__":
    main()
