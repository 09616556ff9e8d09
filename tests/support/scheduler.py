"""Real `flask deadlines scheduler` processes against the test database, their output read line by line."""
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Process:
    """A `flask deadlines scheduler` child whose output lines are read by a thread (no blocking reads)."""

    def __init__(self, name: str, env: dict):
        self.name = name
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "deadlines", "scheduler"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def drain(self) -> None:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return

    def said(self, marker: str) -> list[str]:
        self.drain()
        return [line for line in self.seen if line.startswith(marker)]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.reader.join(timeout=10)  # EOF once the child is gone
        self.proc.stdout.close()
        self.drain()


def wait_until(condition, processes, timeout: float = 45.0) -> None:
    """Poll the children's output until `condition()` holds; fail with their output after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or any(p.proc.poll() is not None for p in processes if p.proc):
            output = "\n".join(f"{p.name}: {line}" for p in processes for line in p.seen)
            pytest.fail(f"scheduler processes did not get there in {timeout} s:\n{output}")
        time.sleep(0.05)
