"""Scale-out check (issue 18 part 3), run by scripts/scale-out-check; by hand, not in CI.

    scripts/scale-out-check                    # 60 s of load, kills at 15 s (app instance) and 20 s (scheduler)
    scripts/scale-out-check --seconds 90 --concurrency 12 --keep

Topology on loopback: a throwaway PostgreSQL cluster (scripts/pg-start) ← PgBouncer (transaction mode) ← two
gunicorn instances (the app's wsgi:app) behind nginx, Redis for the login throttle, two `flask deadlines scheduler`
processes, one shared EXPORTS_DIR and a local SMTP server. The Khabarovsk demo is loaded (directly, as the owner
would), then the current campaign's calendar is moved so its municipal and regional deadlines fall during the run.
Through nginx a pool of threads reads the API as the region's operator, a curator and the public and signs in
(POST, not idempotent). During the run one app instance and the leading scheduler get SIGKILL. Afterwards it checks
that only requests in flight on the killed instance failed (a POST it had accepted, an answer it had begun to send),
that the standby scheduler led within its lease, and that every scheduled side effect happened once; it prints the
figures and exits 1 on any violation.
"""
import argparse
import http.client
import json
import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import scale_stack as stack  # noqa: E402
from bench.harness import cluster_folder, free_port, stop_cluster  # noqa: E402
from bench.scale_verify import Calendar, set_calendar, verify  # noqa: E402

PASSWORD = "demo-2026!"  # noqa: S105 - the demo's published password (registry/demo/accounts.py)


class Client:
    """Threads sending a mix of requests through nginx; every answer recorded with its times and upstream."""

    def __init__(self, port: int, tokens: dict[str, str], year: int):
        self.port, self.tokens, self.year = port, tokens, year
        self.results: list[tuple[float, float, str, str, int, str]] = []  # start, end, method, path, status, upstream
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def mix(self) -> list[tuple[str, str, str | None, dict | None]]:
        y, op, cur = self.year, self.tokens["operator"], self.tokens["ksh1"]
        return [("GET", f"/api/v1/regions/27/campaigns/{y}", op, None),
                ("GET", f"/api/v1/regions/27/campaigns/{y}/submissions", op, None),
                ("GET", f"/api/v1/regions/27/campaigns/{y}/snapshots", op, None),
                ("GET", f"/api/v1/regions/27/campaigns/{y}/form-sets", op, None),
                ("GET", "/api/v1/organizations/27-KHV-KSH1/mentors", cur, None),
                ("GET", "/api/v1/public/mentors?q=%D0%98", None, None),
                ("GET", "/registry/", None, None),
                ("POST", "/api/v1/auth/token", None, {"email": "vmk@example.org", "password": PASSWORD})]

    def worker(self, seed: int) -> None:
        rng, mix = random.Random(seed), self.mix()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while not self.stop.is_set():
            method, path, token, body = rng.choice(mix)
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if body is not None:
                headers["Content-Type"] = "application/json"
            start, answer = time.time(), None
            try:
                conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
                answer = conn.getresponse()
                answer.read()
                status, upstream = answer.status, answer.getheader("X-Upstream", "")
                if answer.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                # an answer cut short after its headers still names the instance that was sending it
                sender = answer.getheader("X-Upstream", "") if answer is not None else ""
                status, upstream = 0, f"{sender} ({type(error).__name__})".lstrip()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self._lock:
                self.results.append((start, time.time(), method, path, status, upstream))
        conn.close()


def token(port: int, email: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("POST", "/api/v1/auth/token", body=json.dumps({"email": email, "password": PASSWORD}),
                 headers={"Content-Type": "application/json"})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 200:
        raise SystemExit(f"POST /api/v1/auth/token for {email}: {answer.status} {body[:300]!r}")
    return json.loads(body)["token"]


def shared_throttle(ports: list[int]) -> list[int]:
    """Wrong passwords for one account sent in turn straight to each instance: the statuses (429 from the 6th on
    when the counters are shared in Redis: LOGIN_LIMIT_PER_ACCOUNT is 5 per minute)."""
    statuses = []
    for i in range(7):
        conn = http.client.HTTPConnection("127.0.0.1", ports[i % 2], timeout=120)
        conn.request("POST", "/api/v1/auth/token", body=json.dumps({"email": "van@example.org", "password": "x"}),
                     headers={"Content-Type": "application/json", "X-Forwarded-For": f"10.0.0.{i + 1}"})
        statuses.append(conn.getresponse().status)
        conn.close()
    return statuses


def leader_lines(procs: list[stack.Proc]) -> list[tuple[float, str, str]]:
    """(time, scheduler, line) of everything the schedulers printed so far, in time order."""
    seen = []
    for proc in procs:
        while not proc.lines.empty():
            at, line = proc.lines.get_nowait()
            proc.seen.append((at, line))
        seen.extend((at, proc.name, line) for at, line in proc.seen)
    return sorted(seen)


def run(args: argparse.Namespace, folder: Path, procs: list[stack.Proc]) -> int:
    base_env = {"PYTHONUNBUFFERED": "1", "SECRET_KEY": "scale-out-check-secret", "REGISTRY_ENV": "production"}
    pg_port = args.pg_port or free_port()
    started = subprocess.run(["bash", str(ROOT / "scripts/pg-start"), str(folder / "cluster"), str(pg_port)],  # noqa: S603, S607
                             capture_output=True, text=True, check=False)
    if started.returncode != 0:
        raise SystemExit(f"scripts/pg-start failed:\n{started.stderr}")
    direct = started.stdout.strip()
    print(f"PostgreSQL {direct}; migrations and the demo (flask db upgrade, flask seed-demo)…", flush=True)
    owner = {**base_env, "DATABASE_URL": direct}
    for command in (["db", "upgrade"], ["seed-demo"]):
        done = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *command], cwd=ROOT,  # noqa: S603
                              env={**stack.os.environ, **owner}, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    # the test calendar: the deadlines fall during the load, which starts once everything is up (args.setup s)
    start_at = time.time() + args.setup
    calendar = Calendar(municipal=datetime.fromtimestamp(start_at + args.seconds * 0.5, UTC),
                        regional=datetime.fromtimestamp(start_at + args.seconds * 0.7, UTC))
    expected = set_calendar(direct, calendar)
    redis, redis_url = stack.redis(folder)
    bouncer, bouncer_url = stack.pgbouncer(folder, pg_port, args.pool)
    procs += [redis, bouncer]
    exports = folder / "exports"
    smtp = stack.SmtpSink()
    env = {**base_env, "DATABASE_URL": bouncer_url, "RATELIMIT_STORAGE_URL": redis_url, "EXPORTS_DIR": str(exports),
           "TRUST_PROXY": "1", "TOKEN_LIMIT_PER_ADDRESS": "100000 per minute", "PUBLIC_API_LIMIT": "100000 per minute",
           "PUBLIC_PAGES_LIMIT": "100000 per minute", "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp.port), "SMTP_TLS": "", "SMTP_USER": "",
           "SCHEDULER_HEARTBEAT_SECONDS": "1", "SCHEDULER_INTERVAL_SECONDS": "2",
           "SCHEDULER_LEASE_SECONDS": str(args.lease)}
    apps = [stack.gunicorn(name, folder, env, args.workers) for name in ("app-a", "app-b")]
    procs += [proc for proc, _ in apps]
    balancer, port = stack.nginx(folder, [p for _, p in apps])
    procs.append(balancer)
    schedulers = [stack.scheduler(name, folder, env) for name in ("scheduler-1", "scheduler-2")]
    procs += schedulers
    throttle = shared_throttle([p for _, p in apps])
    tokens = {key: token(port, f"{key}@example.org") for key in ("operator", "ksh1")}
    if time.time() > start_at:
        print(f"запуск занял на {time.time() - start_at:.0f} с больше --setup: сроки наступят раньше", flush=True)
    time.sleep(max(0.0, start_at - time.time()))
    t0 = time.time()
    print(f"нагрузка {args.seconds:g} с через nginx :{port}; срок муниципалитетов через {args.seconds * 0.5:g} с, "
          f"региона — через {args.seconds * 0.7:g} с", flush=True)
    client = Client(port, tokens, expected["year"])
    threads = [threading.Thread(target=client.worker, args=(i,), daemon=True) for i in range(args.concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(args.kill_app_at)
    app_killed = apps[0][0].kill()
    time.sleep(max(0.0, args.kill_scheduler_at - args.kill_app_at))
    lines = leader_lines(schedulers)
    leaders = [name for _, name, line in lines if line.startswith("[ведущий]")]
    first = next(p for p in schedulers if p.name == (leaders[-1] if leaders else schedulers[0].name))
    scheduler_killed = first.kill()
    time.sleep(max(0.0, t0 + args.seconds - time.time()))
    client.stop.set()
    for thread in threads:
        thread.join(timeout=90)
    load_end = time.time()
    problems, figures = verify(direct, exports, smtp, expected, calendar, settle=args.settle)
    figures["ведущий до отказа"] = first.name
    summary(client, apps, app_killed, schedulers, first, scheduler_killed, args, throttle, problems, figures,
            load_end - t0)
    smtp.stop()
    return 1 if problems else 0


def in_flight_on(killed: str, killed_at: float, failed: list[tuple]) -> list[tuple]:
    """The failed requests (start, end, method, path, status, upstream) the killed instance was handling when it died:
    a POST it had accepted, or any answer it had begun to send. nginx retries a request on the other instance only
    while nothing of the answer has reached the client, so these are the failures a client may see."""
    return [r for r in failed
            if killed in r[5].replace(",", " ").split() and r[0] <= killed_at + 0.5 and r[1] >= killed_at]


def summary(client, apps, app_killed, schedulers, first, scheduler_killed, args, throttle, problems, figures,
            seconds) -> None:
    killed = f"127.0.0.1:{apps[0][1]}"
    results = client.results
    failed = [r for r in results if not 200 <= r[4] < 400]
    allowed = in_flight_on(killed, app_killed, failed)
    for start, end, method, path, status, upstream in failed:
        if (start, end, method, path, status, upstream) not in allowed:
            problems.append(f"запрос не удался: {method} {path} → {status} через {upstream or '—'} "
                            f"({start - app_killed:+.2f} с от отказа экземпляра)")
    retried = sum(1 for r in results if "," in r[5] and 200 <= r[4] < 400)
    after = [r for r in results if r[0] > app_killed + 1]
    lines = leader_lines(schedulers)
    takeover = next((at for at, name, line in lines if name != first.name and line.startswith("[ведущий]")
                     and at > scheduler_killed), None)
    if takeover is None:
        problems.append("резервный планировщик не стал ведущим")
    elif takeover - scheduler_killed > args.lease + 2:
        problems.append(f"резервный планировщик стал ведущим через {takeover - scheduler_killed:.1f} с "
                        f"(аренда {args.lease} с)")
    if throttle[:5] != [401] * 5 or set(throttle[5:]) != {429}:
        problems.append(f"общий счётчик входов (Redis) не сработал: {throttle}")
    codes = Counter(r[4] for r in results)
    print("\n=== Масштабирование: nginx → 2 × gunicorn → PgBouncer (transaction) → PostgreSQL; Redis; 2 планировщика")
    print(f"нагрузка: {len(results)} запросов за {seconds:.1f} с ({len(results) / seconds:.0f} в с), "
          f"{args.concurrency} потоков; ответы: {dict(sorted(codes.items()))}")
    print(f"экземпляр app-a ({killed}) убит SIGKILL на {app_killed - results[0][0]:.1f} с; "
          f"не удалось: {len(failed)} (из них допустимых — в обработке на убитом: {len(allowed)}); "
          f"повторено nginx на другом экземпляре: {retried}; после отказа: {len(after)} запросов, "
          f"{sum(1 for r in after if r[4] >= 500 or r[4] == 0)} ошибок")
    t0 = results[0][0]
    before = [r for r in results if r[0] < app_killed]
    rate_before = len(before) / max(app_killed - t0, 1e-9)
    rate_after = len(after) / max(results[-1][1] - app_killed - 1, 1e-9)
    print(f"пропускная способность: два экземпляра {rate_before:.1f} в с, один (после отказа) {rate_after:.1f} в с — "
          f"{rate_after / rate_before:.2f} от двух")
    wait = (f"{takeover - scheduler_killed:.1f} с ({(takeover - scheduler_killed) / args.lease:.2f} аренды)"
            if takeover else "—")
    print(f"планировщик {first.name} (ведущий) убит SIGKILL; резервный стал ведущим через {wait} "
          f"(аренда {args.lease:g} с, проверка раз в 1 с)")
    print(f"вход с неверным паролем поочерёдно на оба экземпляра: {throttle} (5 в минуту на учётную запись, Redis)")
    print("маршрут: запросов, p50/p95 мс")
    for (method, path), times in sorted(by_route(results).items()):
        print(f"  {method} {path}: {len(times)}, {percentile(times, 50):.0f}/{percentile(times, 95):.0f}")
    for key, value in figures.items():
        print(f"{key}: {value}")
    print("нарушений нет" if not problems else "НАРУШЕНИЯ:\n  " + "\n  ".join(problems[:40]))
    took = round(takeover - scheduler_killed, 2) if takeover else None
    print(json.dumps({"requests": len(results), "failed": len(failed), "allowed_failures": len(allowed),
                      "retried": retried, "takeover_seconds": took, "violations": len(problems)}, ensure_ascii=False))


def by_route(results) -> dict[tuple[str, str], list[float]]:
    routes: dict[tuple[str, str], list[float]] = {}
    for start, end, method, path, _status, _upstream in results:
        routes.setdefault((method, path), []).append((end - start) * 1000)
    return routes


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (s)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--pool", type=int, default=10, help="PgBouncer server connections (default_pool_size)")
    parser.add_argument("--lease", type=float, default=8, help="SCHEDULER_LEASE_SECONDS")
    parser.add_argument("--kill-app-at", type=float, default=15, help="SIGKILL app instance A at this second")
    parser.add_argument("--kill-scheduler-at", type=float, default=20, help="SIGKILL the leading scheduler then")
    parser.add_argument("--setup", type=float, default=60, help="seconds allowed to start the processes")
    parser.add_argument("--settle", type=float, default=300, help="max seconds to wait for the scheduler afterwards")
    parser.add_argument("--pg-port", type=int, help="port of the throwaway cluster (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs, configs)")
    args = parser.parse_args(argv)
    folder = cluster_folder("scale-out-").parent
    procs: list[stack.Proc] = []
    print(f"Папка прогона (журналы, настройки): {folder}", flush=True)
    try:
        return run(args, folder, procs)
    finally:
        for proc in reversed(procs):
            proc.stop()
        stop_cluster(folder / "cluster")
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
