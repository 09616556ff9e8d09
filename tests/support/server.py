"""A real gunicorn serving the app on loopback against the test database, with its output readable line by line."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONF = Path(__file__).with_name("gunicorn_conf.py")
LINE = re.compile(r"^\[(\d+)\] (.*)$")
#: The per-address limits of TestConfig: the tests' servers all serve one address, 127.0.0.1.
ROOMY_LIMITS = dict.fromkeys(("PUBLIC_API_LIMIT", "PUBLIC_PAGES_LIMIT", "OPEN_DATA_LIMIT", "TOKEN_LIMIT_PER_ADDRESS"),
                             "100000 per minute")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """`gunicorn -w N wsgi:app` on a free loopback port; stop() ends it (the tests call it in a finally)."""

    def __init__(self, database_url: str, workers: int = 2, env: dict[str, str] | None = None):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key", **ROOMY_LIMITS,
               **(env or {})}
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "gunicorn", "-c", str(CONF), "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            start_new_session=True)
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.wait_for(lambda: len(self.ready_workers()) >= workers, f"{workers} workers ready", timeout=60)

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def said(self, since: int = 0) -> list[tuple[int, str]]:
        """(pid, text) of the workers' lines from index `since` on."""
        with self.changed:
            lines = self.lines[since:]
        return [(int(m.group(1)), m.group(2)) for m in map(LINE.match, lines) if m]

    def mark(self) -> int:
        with self.changed:
            return len(self.lines)

    def wait_for(self, condition, what: str, timeout: float = 30.0):
        """Wait (woken by each new output line) until condition() is truthy; fail with the output otherwise."""
        deadline = time.monotonic() + timeout
        with self.changed:
            # woken by output; also re-checked every 0.1 s for conditions outside it (a process gone, a lock)
            while not (result := condition()) and self.proc.poll() is None and time.monotonic() < deadline:
                self.changed.wait(0.1)
        if not result:
            pytest.fail(f"gunicorn: not reached in {timeout} s: {what}\n" + "\n".join(self.lines[-60:]))
        return result

    def ready_workers(self) -> list[int]:
        return [pid for pid, text in self.said() if text == "ready" and alive(pid)]

    def workers_at(self, pattern: str, since: int) -> set[int]:
        """Workers that printed a line matching `pattern` after mark `since`."""
        return {pid for pid, text in self.said(since) if re.search(pattern, text)}

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        """(status, JSON body) of one HTTP request; raises if the connection breaks (e.g. the worker died)."""
        status, _, data = self.exchange(method, path, body, token)
        return status, data

    def exchange(self, method: str, path: str, body: dict | None = None, token: str | None = None,
                 headers: dict[str, str] | None = None):
        """(status, response headers, JSON body) of one HTTP request sent with the extra `headers`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = ({"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
                   | (headers or {}))
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        return response.status, response.headers, json.loads(data) if data else None

    def token(self, email: str, password: str) -> str:
        status, body = self.request("POST", "/api/v1/auth/token", {"email": email, "password": password})
        assert status == 200, body
        return body["token"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.reader.join(timeout=10)
        self.proc.stdout.close()


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class Call(threading.Thread):
    """One request sent from a thread, so the test can hold the database while it is in flight."""

    def __init__(self, server: Gunicorn, *args, **kwargs):
        super().__init__(daemon=True)
        self.server, self.args, self.kwargs = server, args, kwargs
        self.result = self.error = None

    def run(self) -> None:
        try:
            self.result = self.server.request(*self.args, **self.kwargs)
        except Exception as error:  # noqa: BLE001 - reported to the test
            self.error = error

    def outcome(self, timeout: float = 60.0):
        self.join(timeout)
        assert not self.is_alive(), f"request still running after {timeout} s"
        return self.result if self.error is None else self.error
