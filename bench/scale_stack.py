"""The scale-out topology on loopback (bench/scale_out.py): Redis, PgBouncer in transaction mode, gunicorn app
instances, nginx balancing them, `flask deadlines scheduler` processes. Each runs in its own process group (a kill
reaches its workers too), logs to a file in the run's folder, and is stopped by its own pid at the end."""
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from bench.harness import ROOT, free_port

NGINX_CONF = """user root;
worker_processes 1;
error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
  client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
  log_format upstreams '$msec $request_time "$request" $status "$upstream_addr" "$upstream_status"';
  access_log {dir}/access.log upstreams;
  upstream registry {{
{servers}
    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 10m;
    location / {{
      proxy_pass http://registry;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # a dead instance: idempotent requests go to the other one (POST only if it never reached the dead one)
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout 120s;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"""

PGBOUNCER_INI = """[databases]
registry = host=127.0.0.1 port={pg_port} dbname=registry user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
max_client_conn = 500
default_pool_size = {pool}
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {dir}/pgbouncer.log
user = postgres
"""


class Proc:
    """One started process (group); its output lines go to `log` and, stamped with time.time(), to `lines`."""

    def __init__(self, name: str, argv: list[str], folder: Path, env: dict | None = None, read: bool = False):
        self.name, self.log = name, folder / f"{name}.log"
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.seen: list[tuple[float, str]] = []
        out = subprocess.PIPE if read else self.log.open("w")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,  # noqa: S603
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        if read:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with self.log.open("w") as log:
            for line in self.proc.stdout:
                log.write(line)
                log.flush()
                self.lines.put((time.time(), line.rstrip("\n")))

    def kill(self) -> float:
        """SIGKILL the whole group (master and workers) at once; the instant it was sent."""
        at = time.time()
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        return at

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


class SmtpSink:
    """A local SMTP server (aiosmtpd, as the tests use) keeping every message the schedulers send."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command otherwise
        self.messages: list = []
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def stop(self) -> None:
        self._controller.stop()


def wait_port(port: int, proc: Proc, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.proc.poll() is not None:
            raise SystemExit(f"{proc.name} exited ({proc.proc.returncode}); see {proc.log}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"{proc.name} did not listen on {port} in {timeout} s; see {proc.log}")


def redis(folder: Path) -> tuple[Proc, str]:
    port = free_port()
    proc = Proc("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no", "--dir", str(folder)], folder)
    wait_port(port, proc)
    return proc, f"redis://127.0.0.1:{port}/0"


def pgbouncer(folder: Path, pg_port: int, pool: int) -> tuple[Proc, str]:
    """PgBouncer in transaction mode in front of the cluster; it drops root for `postgres` after start."""
    home = folder / "pgbouncer"
    home.mkdir()
    shutil.chown(home, "postgres", "postgres")  # PgBouncer drops root for postgres and logs here
    port = free_port()
    ini = home / "pgbouncer.ini"
    ini.write_text(PGBOUNCER_INI.format(pg_port=pg_port, port=port, pool=pool, dir=home))
    proc = Proc("pgbouncer", ["pgbouncer", str(ini)], folder)
    wait_port(port, proc)
    return proc, f"postgresql://postgres@127.0.0.1:{port}/registry"


def gunicorn(name: str, folder: Path, env: dict, workers: int) -> tuple[Proc, int]:
    port = free_port()
    proc = Proc(name, [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                       "--timeout", "120", "--graceful-timeout", "5", "wsgi:app"], folder, env)
    wait_port(port, proc)
    return proc, port


def nginx(folder: Path, upstream_ports: list[int]) -> tuple[Proc, int]:
    home = folder / "nginx"
    home.mkdir()
    port = free_port()
    servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;" for p in upstream_ports)
    (home / "nginx.conf").write_text(NGINX_CONF.format(dir=home, port=port, servers=servers))
    proc = Proc("nginx", ["nginx", "-p", str(home), "-c", str(home / "nginx.conf"), "-g", "daemon off;"], folder)
    wait_port(port, proc)
    return proc, port


def scheduler(name: str, folder: Path, env: dict) -> Proc:
    return Proc(name, [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "deadlines", "scheduler"], folder, env,
                read=True)
