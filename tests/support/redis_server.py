"""A throwaway redis-server on a free loopback port: no persistence, its own temporary directory."""
import shutil
import subprocess
import tempfile
import threading

import pytest
import redis

from tests.support.server import free_port

READY = "Ready to accept connections"


class RedisServer:
    """`redis-server` in the foreground; stop() ends it and removes its directory (the fixture calls it)."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is missing: install it (Debian: apt-get install redis-server; scripts/test "
                        "does it) — the shared login throttle is tested against a real Redis")
        self.dir = tempfile.mkdtemp(prefix="registry-redis-")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir, "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--logfile", "", "--loglevel", "notice"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        lines = []
        for line in self.proc.stdout:  # it says so once it listens; EOF means it exited
            lines.append(line)
            if READY in line:
                break
        else:
            self.proc.wait(timeout=10)
            self.proc.stdout.close()
            shutil.rmtree(self.dir, ignore_errors=True)
            pytest.fail("redis-server did not start:\n" + "".join(lines))
        # keep draining its output so the pipe never fills
        self.drain = threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True)
        self.drain.start()

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.drain.join(timeout=10)
        self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)
