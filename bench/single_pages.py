"""Time a few pages on a database already filled by `bench.federal_pages --load-only` (issue 18: before/after a fix).

    .venv/bin/python -m bench.single_pages --database-url postgresql://…/fedpages --repeat 20
    .venv/bin/python -m bench.single_pages --database-url … --page admin@example.ru /admin/users?unit_q=школа

Logs in as the scope-matrix world's users (tests/test_scope_matrix.py, password tests.factories.PASSWORD) and
requests each page --repeat times after a warm-up: p50/p95 of the whole request, the statements of the last one
(a `before_cursor_execute` listener) and the page's size. Without --page: the pages issue 18 found over 300 ms.
--explain: then each read of one more request of the page, run 7 times under EXPLAIN ANALYZE (median planning and
execution ms, bench.harness.plans) — the figures to compare when an index or a query of the page changes.
"""
import argparse
import cProfile
import gc
import pstats
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import is_read, percentiles, plans  # noqa: E402

PAGES = [("admin@example.ru", "/admin/users"), ("admin@example.ru", "/admin/users?unit_q=школа"),
         ("admin@example.ru", "/admin/users/7/edit"), ("operator@example.ru", "/campaigns/27/2027/members"),
         ("khv@example.ru", "/documents/27-KHV"), ("curator@example.ru", "/records/27-KHV-S1/pairs/1"),
         ("curator@example.ru", "/records/27-KHV-S1/pairs/new"),
         ("operator@example.ru", "/records/registry/27/pairs?form=student_pupil")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database filled by bench.federal_pages")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--page", nargs=2, action="append", metavar=("EMAIL", "PATH"), help="a page (repeatable)")
    parser.add_argument("--profile", action="store_true",
                        help="after each page: its slowest statements and the functions its last request spent on")
    parser.add_argument("--sort", default="tottime", help="--profile's order (tottime, cumulative, …)")
    parser.add_argument("--explain", action="store_true",
                        help="after each page: PostgreSQL planning and execution of each of its reads (median of 7)")
    args = parser.parse_args(argv)

    from registry import create_app
    from registry.config import BaseConfig
    from registry.extensions import db
    from tests.conftest import Browser, IsolatedClient
    from tests.factories import PASSWORD

    config = type("BenchConfig", (BaseConfig,), {"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench",
                                                 "EXPORTS_DIR": tempfile.mkdtemp(), "RATELIMIT_ENABLED": False})
    app = create_app(config)
    app.test_client_class = IsolatedClient
    gc.freeze()  # as wsgi.py does in a worker
    statements, timings = [0], []
    with app.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
        if args.profile:
            _time_statements(engine, timings)
    clients = {}
    print(f"{'page':<52}{'status':>7}{'p50 ms':>9}{'p95 ms':>9}{'stmts':>7}{'KB':>7}")
    for email, path in args.page or PAGES:
        if email not in clients:
            clients[email] = app.test_client()
            assert Browser(clients[email]).login(email).status_code == 302, email
            token = clients[email].post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
            clients[email].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.get_json()['token']}"
        client, samples = clients[email], []
        client.get(path).close()
        for _ in range(args.repeat):
            before, started = statements[0], time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            response.close()
            samples.append((time.perf_counter() - started) * 1000)
        p = percentiles(samples)
        print(f"{path:<52}{response.status_code:>7}{p['p50']:>9.1f}{p['p95']:>9.1f}{statements[0] - before:>7}"
              f"{len(body) / 1024:>7.0f}", flush=True)
        if args.profile:
            _profile(client, path, timings, args.sort)
        if args.explain:
            plans(engine, _reads(engine, client, path), runs=7)
    return 0


def _reads(engine, client, path: str) -> dict[tuple[str, str], dict]:
    """(path, SQL) → parameters of every SELECT one more request of the page runs."""
    reads = {}

    def keep(_conn, _cursor, sql, params, _context, many):
        if is_read(sql, many):
            reads.setdefault((path[:25], sql), params)

    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        client.get(path).close()
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    return reads


def _time_statements(engine, timings: list) -> None:
    """Append (ms, SQL) of every statement to `timings`."""
    def before(conn, _cursor, _sql, _params, _context, _many):
        conn.info.setdefault("started", []).append(time.perf_counter())

    def after(conn, _cursor, sql, _params, _context, _many):
        timings.append(((time.perf_counter() - conn.info["started"].pop()) * 1000, sql))

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)


def _profile(client, path: str, timings: list, sort: str) -> None:
    """One more request under cProfile: its ten slowest statements and the twenty costliest functions."""
    profiler, timings[:] = cProfile.Profile(), []
    profiler.runcall(lambda: client.get(path).close())
    for ms, sql in sorted(timings, key=lambda t: t[0], reverse=True)[:10]:
        print(f"    {ms:7.1f} ms  {' '.join(sql.split())[:160]}")
    print(f"    SQL in all: {sum(ms for ms, _ in timings):.1f} ms in {len(timings)} statements")
    pstats.Stats(profiler).sort_stats(sort).print_stats(20)


if __name__ == "__main__":
    sys.exit(main())
