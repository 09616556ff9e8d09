"""What the HTTP benchmarks share: a throwaway tuned PostgreSQL cluster, gunicorn on loopback, percentiles, CPU,
and the planning and execution times of a route's reads (EXPLAIN ANALYZE) and their server CPU as sent and as
prepared statements."""
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent

#: A server configured like a production host would be (the tables and their indexes fit in shared buffers;
#: no parallel workers for short queries), instead of the defaults of a development cluster.
TUNING = {"shared_buffers": "1GB", "effective_cache_size": "4GB", "max_parallel_workers_per_gather": "0",
          "random_page_cost": "1.1", "jit": "off"}


#: The drivers the servers of the HTTP benchmarks may use: psycopg2 (the registry's), or psycopg 3 (its automatic
#: server-side preparation, a measured alternative: `pip install -e '.[bench]'` installs it).
DRIVERS = ("psycopg2", "psycopg")


def with_driver(url: str, driver: str = "psycopg2") -> str:
    """A cluster's postgresql:// URL naming the driver the served app is to use (config.database_url keeps it)."""
    return url.replace("postgresql://", f"postgresql+{driver}://", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cluster_folder(prefix: str) -> Path:
    """A fresh folder for a throwaway cluster under the system's temporary folder.

    tempfile.mkdtemp makes its folder 0700 for whoever runs the bench (root, as scripts/pg-start needs), and the
    server runs as the `postgres` user, which must be able to walk into it: the parent is opened to traversal
    (0711: others may enter, not list) and the cluster itself is the `cluster` folder inside.
    """
    parent = Path(tempfile.mkdtemp(prefix=prefix))
    parent.chmod(0o711)
    return parent / "cluster"


def own_cluster(folder: Path, port: int | None = None) -> str:
    """Start a throwaway, tuned, migrated PostgreSQL cluster (scripts/pg-start, then TUNING); return its URL."""
    # output to a file, not a pipe: the server inherits the descriptors and would hold a pipe open forever
    with tempfile.TemporaryFile("w+") as out:
        # pg-start's stderr passes through: when it fails it says why
        started = subprocess.run(["bash", str(ROOT / "scripts/pg-start"), str(folder), str(port or free_port())],  # noqa: S603, S607
                                 stdout=out, check=False)
        if started.returncode != 0:
            raise SystemExit(f"scripts/pg-start could not start a cluster in {folder} (see above)")
        out.seek(0)
        url = out.read().strip()
    engine = sa.create_engine(with_driver(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name, value in TUNING.items():
            conn.execute(sa.text(f"ALTER SYSTEM SET {name} = '{value}'"))
    engine.dispose()
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / "pg_ctl"), "-D", str(folder), "-w",  # noqa: S603, S607
                    "-l", str(folder / "server.log"), "restart"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    migrate(url)
    return url


def migrate(url: str) -> None:
    """Bring the database at `url` to the latest migration (nothing to do when it is there already)."""
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"flask db upgrade failed on {url}:\n{done.stderr[-2000:]}")


def stop_cluster(folder: Path) -> None:
    """Stop the throwaway cluster and remove its folder."""
    subprocess.run(["bash", str(ROOT / "scripts/pg-stop"), str(folder)], check=False)  # noqa: S603, S607


def wait_for(url: str, timeout: float = 60) -> None:
    """Poll `url` until it answers 2xx (the server is up and its workers import the app)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 - loopback URL built by the caller
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url}")


@contextmanager
def gunicorn(app: str, database_url: str, *, ready: str, workers: int = 2, env: dict | None = None,
             log: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `app` (a gunicorn app spec) with sync workers on a loopback port until the block ends.

    Yields the base URL once `ready` (a path) answers, and the master process. The server's output goes to
    `log` (a file, never a pipe nobody reads: a full pipe would stall the workers)."""
    port = free_port()
    environ = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench", **(env or {})}
    command = [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", app]
    with open(log or os.devnull, "ab") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=out, stderr=out,  # noqa: S603 - fixed argv
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + ready)
        yield base, server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def percentiles(samples_ms: list[float], points: tuple[int, ...] = (50, 95, 99)) -> dict[str, float]:
    """Nearest-rank percentiles of latencies in ms, rounded to 0.1 ms."""
    ordered = sorted(samples_ms)
    if not ordered:
        return {f"p{p}": 0.0 for p in points}
    return {f"p{p}": round(ordered[min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))], 1)
            for p in points}


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        # own user + system time, plus that of children already reaped (ended backends, old workers)
        times[pid] = sum(int(f) for f in fields[11:15]) / tick
    total, stack = 0.0, [root_pid]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total


def machine_busy_seconds() -> float:
    """Busy CPU seconds of the whole machine so far (all cores; idle and iowait excluded)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def postmaster_pid(folder: Path) -> int:
    """The pid of a cluster's postmaster (first line of postmaster.pid)."""
    return int((folder / "postmaster.pid").read_text().split()[0])


def tune_database(url: str) -> dict[str, str]:
    """Give a benchmark database on a shared cluster the planner settings of TUNING (ALTER DATABASE: this database
    only, from its next connection); shared_buffers is the cluster's and stays as it is. Returns what was set."""
    settings = {name: value for name, value in TUNING.items() if name != "shared_buffers"}
    engine = sa.create_engine(with_driver(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        name = conn.execute(sa.text("SELECT current_database()")).scalar()
        for setting, value in settings.items():
            conn.execute(sa.text(f'ALTER DATABASE "{name}" SET {setting} = \'{value}\''))
    engine.dispose()
    return settings


def is_read(statement: str, many: bool) -> bool:
    """A statement whose plan EXPLAIN and PREPARE can take as it is: one SELECT (a search begins WITH its matches)."""
    return statement.lstrip().upper().startswith(("SELECT", "WITH")) and not many


def plans(engine: sa.Engine, reads: dict[tuple[str, str], dict], runs: int = 30) -> None:
    """Each distinct read of the routes, run `runs` times under EXPLAIN (ANALYZE, SUMMARY): median planning and
    execution ms. PostgreSQL plans a statement on every run (psycopg2 prepares nothing), so a short lookup's
    planning is often most of its server time."""
    print(f"\n--- PostgreSQL planning and execution, ms (median of {runs} EXPLAIN ANALYZE) ---")
    print(f"{'route':<26}{'plan':>7}{'exec':>7}  statement")
    explain = "EXPLAIN (ANALYZE, SUMMARY, TIMING OFF) "
    with engine.connect() as conn:  # SELECTs only (the callers keep no other statement); rolled back on leaving
        for (route, sql), params in reads.items():
            timings = []
            for _ in range(runs):
                text = "\n".join(conn.exec_driver_sql(explain + sql, params).scalars())
                timings.append([float(re.search(rf"{kind} Time: ([\d.]+)", text).group(1))
                                for kind in ("Planning", "Execution")])
            plan, run = (statistics.median(column) for column in zip(*timings, strict=True))
            print(f"{route:<26}{plan:>7.3f}{run:>7.3f}  {' '.join(sql.split())[:110]}")


def prepared_cost(engine: sa.Engine, reads: dict[tuple[str, str], dict], runs: int = 2000) -> None:
    """What server-side preparation would save PostgreSQL on each distinct read of the routes: the CPU time of the
    server process per execution, sent as the app sends it (psycopg2 binds the values into the text, so the server
    parses and plans it every time) and as a prepared statement (PREPARE once, then EXECUTE: the plan cache that
    psycopg 3's automatic preparation, or a pooler carrying prepared statements, would use). Read from the server
    process's /proc/PID/schedstat (ns), so the cluster must run on this machine."""
    print(f"\n--- PostgreSQL CPU per execution, ms ({runs} runs each): as sent today, prepared ---")
    print(f"{'route':<26}{'sent':>7}{'prep.':>7}  statement")
    # a connection of its own, autocommitting: a statement that cannot be prepared (a parameter whose type the
    # server cannot infer) is reported and skipped without aborting the others
    pooled = engine.raw_connection()
    conn = pooled.dbapi_connection
    conn.autocommit = True
    totals: dict[str, list[float]] = {}  # route → CPU ms of its distinct reads, sent and prepared
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            clock = Path(f"/proc/{cur.fetchone()[0]}/schedstat")
            for number, ((route, sql), params) in enumerate(reads.items()):
                body, names = numbered(sql)
                try:
                    cur.execute(f"PREPARE bench_{number} AS {body}")
                except Exception as error:  # noqa: BLE001 - reported, the next read goes on
                    print(f"{route:<26}{'—':>7}{'—':>7}  not preparable ({str(error).splitlines()[0]})")
                    continue
                execute = f"EXECUTE bench_{number}(" + ", ".join(f"%({name})s" for name in names) + ")"
                sent, prepared = (_server_ms(cur, clock, text, params, runs) for text in (sql, execute))
                route_totals = totals.setdefault(route, [0.0, 0.0])
                route_totals[0] += sent
                route_totals[1] += prepared
                print(f"{route:<26}{sent:>7.3f}{prepared:>7.3f}  {' '.join(sql.split())[:110]}")
    finally:
        pooled.invalidate()  # closed and out of the pool: it was switched to autocommit and holds the statements
    print("per route, its distinct reads once each (a search request runs one of its shapes):")
    for route, (sent, prepared) in totals.items():
        print(f"{route:<26}{sent:>7.3f}{prepared:>7.3f}  prepared = {prepared / sent:.2f} of sent")


def numbered(sql: str) -> tuple[str, list[str]]:
    """psycopg2's SQL as PREPARE takes it: each named placeholder becomes a numbered one (the same name, the same
    number) and an escaped %% a plain %; with the names in their numbers' order."""
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", sql)))
    body = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m.group(1)) + 1}", sql)
    return body.replace("%%", "%"), names


def _server_ms(cur, clock: Path, sql: str, params: dict, runs: int) -> float:
    """CPU ms of the server process per execution of `sql`, after a warm-up run."""
    cur.execute(sql, params)
    cur.fetchall()
    before = int(clock.read_text().split()[0])
    for _ in range(runs):
        cur.execute(sql, params)
        cur.fetchall()
    return (int(clock.read_text().split()[0]) - before) / runs / 1e6
