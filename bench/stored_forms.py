"""Benchmark of the stored federal forms job (printed figures, not tests).

    .venv/bin/python -m bench.stored_forms                          # a throwaway SQLite database
    BENCH_DATABASE_URL=postgresql://…/empty_db .venv/bin/python -m bench.stored_forms
    .venv/bin/python -m bench.stored_forms --organizations 100      # smaller, quicker

It migrates an empty database, generates one region of N organizations (default 700) across 19 municipalities
with accepted, frozen municipal reports (bench/generate.py), consolidates the region, points EXPORTS_DIR at a
temporary directory and measures:

- `first_run`: scheduler.form_jobs.build_federal_forms — every set (19 municipal + 1 regional) in four formats,
  committed file by file: seconds, files, files per second, bytes on disk;
- `second_run`: the same job again (nothing to build: discovery and the size check of every stored file);
- `verify`: reading every stored file and comparing its SHA-256 with the recorded one;
- `zip`: one ZIP of the regional set built from the stored files (exports.stored_files.archive).
"""
import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # also runnable as `python bench/stored_forms.py`
    sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402 - after the path fix above
from exports import stored_files  # noqa: E402
from exports.models import FormSet, StoredForm  # noqa: E402
from hierarchy.models import Level  # noqa: E402
from monitoring import reports  # noqa: E402
from registry import create_app  # noqa: E402
from registry.config import BaseConfig  # noqa: E402
from registry.core import export_store  # noqa: E402
from registry.extensions import db  # noqa: E402
from scheduler.form_jobs import build_federal_forms  # noqa: E402


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(url: str, organizations: int, exports_dir: str) -> dict:
    config = type("BenchConfig", (BaseConfig,), {"SQLALCHEMY_DATABASE_URI": url, "EXPORTS_DIR": exports_dir})
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
        year = datetime.now(UTC).year + 1  # every window still open, so the region can consolidate
        generated = generate(prefix="B", organizations=organizations, municipalities=19, year=year)
        db.session.commit()
        reports.consolidate(generated.campaign, actor=None)
        db.session.commit()
        now = datetime.now(UTC)
        first_s, built = _timed(lambda: build_federal_forms(now))
        second_s, again = _timed(lambda: build_federal_forms(now))
        rows = db.session.scalars(sa.select(StoredForm)).all()
        on_disk = sum(p.stat().st_size for p in export_store.root().rglob("*") if p.is_file())
        verify_s, intact = _timed(lambda: sum(stored_files.read_stored(r, now) is not None for r in rows))
        regional = db.session.scalar(sa.select(FormSet).where(FormSet.level == Level.region))
        zip_s, path = _timed(lambda: stored_files.archive(regional, now))
        return {
            "database": db.engine.dialect.name, "organizations": organizations,
            "sets": db.session.scalar(sa.select(sa.func.count()).select_from(FormSet)),
            "first_run": {"seconds": round(first_s, 1), "files": built, "files_per_s": round(built / first_s, 1),
                          "megabytes": round(on_disk / 2**20, 1)},
            "second_run": {"seconds": round(second_s, 2), "files": again},
            "verify": {"seconds": round(verify_s, 2), "files_intact": intact, "files": len(rows)},
            "zip": {"seconds": round(zip_s, 2), "megabytes": round(path.stat().st_size / 2**20, 1),
                    "files": regional.total},
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="SQLAlchemy URL of an EMPTY database (default: a temporary SQLite file)")
    parser.add_argument("--organizations", type=int, default=700)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-stored-forms-")
    url = args.url or "sqlite:///" + os.path.join(workdir, "bench.sqlite3")
    print(json.dumps(run(url, args.organizations, os.path.join(workdir, "exports")), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
