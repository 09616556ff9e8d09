"""Bulk-load tools for the synthetic datasets on PostgreSQL: COPY from Python rows, keys dropped around a big load,
ANALYZE, and a step timer. Everything runs on the session's connection, inside its transaction."""
import csv
import io
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from registry.extensions import db

#: Rows per COPY: bounds the CSV kept in memory.
CHUNK = 200_000
_last = [time.perf_counter()]
#: (step, seconds) of the steps said so far.
STEPS: list[tuple[str, float]] = []


def say(message: str) -> None:
    """Print a step done, with the seconds since the previous step (kept in STEPS)."""
    now = time.perf_counter()
    seconds, _last[0] = now - _last[0], now
    STEPS.append((message, round(seconds, 1)))
    print(f"  {time.strftime('%H:%M:%S')} {seconds:7.1f} s  {message}", flush=True)


def copy(table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """COPY `rows` (tuples in `columns` order; None is NULL, so no empty strings) into `table`; return the count."""
    cursor = db.session.connection().connection.cursor()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
    count = 0
    for chunk in _chunks(rows):
        buffer = io.StringIO()
        csv.writer(buffer).writerows(chunk)
        buffer.seek(0)
        cursor.copy_expert(sql, buffer)
        count += len(chunk)
    cursor.close()
    return count


def _chunks(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def keys_dropped(*tables: str):
    """Drop the secondary indexes, unique and foreign keys of `tables` (not their primary keys: other tables refer to
    them), and make them again at the end: one sorted build and one join instead of a check per row.

    They are made again in the order the migrations make them: the unique keys (made with their table), then the
    indexes, then the foreign keys. Of two indexes it costs alike (a narrow (organization_id) and the unique
    (organization_id, code)), PostgreSQL reads the one made later, so the benchmark must make them in that order to
    read what a migrated database reads."""
    conn = db.session.connection()
    names = {"tables": list(tables)}
    constraints = conn.execute(sa.text(
        "SELECT contype, conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid::regclass::text IN :tables AND contype IN ('u', 'f') ORDER BY conname")
        .bindparams(sa.bindparam("tables", expanding=True)), names).all()
    indexes = conn.execute(sa.text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN :tables"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)")
        .bindparams(sa.bindparam("tables", expanding=True)), names).all()
    for _, table, name, _ in constraints:
        conn.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        conn.execute(sa.text(f'DROP INDEX "{name}"'))
    yield

    def add(kind: str) -> None:
        for _, table, name, definition in (c for c in constraints if c.contype == kind):
            conn.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))

    add("u")
    for _, definition in indexes:
        conn.execute(sa.text(definition))
    add("f")


def analyze(*tables: str) -> None:
    """Planner statistics after a bulk load, or the next INSERT … SELECT is planned from empty-table estimates."""
    db.session.execute(sa.text(f"ANALYZE {', '.join(tables)}"))
