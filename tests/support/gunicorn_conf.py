"""gunicorn settings for tests: each worker says when it is ready and prints every SQL statement before running it.

The lines ("[pid] ready", "[pid] sql UPDATE …", "[pid] sql COMMIT") let a test wait until a worker has reached
a known point of a request, instead of sleeping.
"""
import os
import sys

import sqlalchemy as sa

timeout = 60
graceful_timeout = 5
loglevel = "warning"


def _say(text: str) -> None:
    # one write() per line: the workers share the pipe, and writes below PIPE_BUF do not interleave
    os.write(sys.stderr.fileno(), f"[{os.getpid()}] {text}\n".encode())


def _statement(conn, cursor, statement, parameters, context, executemany) -> None:
    _say("sql " + " ".join(statement.split())[:2000])  # under PIPE_BUF


def _commit(conn) -> None:
    _say("sql COMMIT")


# registered in the master, before the workers fork and create their engines
sa.event.listen(sa.engine.Engine, "before_cursor_execute", _statement)
sa.event.listen(sa.engine.Engine, "commit", _commit)


def post_worker_init(worker) -> None:
    _say("ready")
