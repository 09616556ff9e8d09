"""The test's own database connection holding a lock, so server workers stop at a known point; injected faults."""
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool


class Hold:
    """Run `statements` on a separate connection and keep its transaction open until release()."""

    def __init__(self, url: str, *statements: str):
        self.engine = sa.create_engine(url, poolclass=NullPool)
        self.conn = self.engine.connect()
        for statement in statements:
            self.conn.exec_driver_sql(statement)

    def release(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.engine.dispose()
            self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def hold_writes(url: str, table: str) -> Hold:
    """Reads go on; writes wait: to `table` on PostgreSQL (and its FOR UPDATE), to any table on SQLite."""
    if url.startswith("sqlite"):
        return Hold(url, "BEGIN IMMEDIATE")  # the database's one write lock
    return Hold(url, f"LOCK TABLE {table} IN EXCLUSIVE MODE")  # conflicts with ROW SHARE and ROW EXCLUSIVE


def hold_commits(url: str) -> Hold:
    """SQLite: an open read transaction; writers may write, but their COMMIT waits for the exclusive lock."""
    return Hold(url, "BEGIN", "SELECT count(*) FROM submissions")


def wait_lock_waiters(engine: sa.Engine, count: int, query_prefix: str, timeout: float = 30.0) -> None:
    """PostgreSQL: wait until `count` backends of this database wait on a lock running a query with that prefix."""
    sql = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND wait_event_type = 'Lock' AND query LIKE :prefix")
    _poll(engine, sql, {"prefix": query_prefix + "%"}, lambda n: n == count, timeout, f"{count} lock waiters")


def wait_backends_settled(engine: sa.Engine, timeout: float = 30.0) -> None:
    """PostgreSQL: wait until no other backend of this database is inside a transaction or a query."""
    sql = sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'")
    _poll(engine, sql, {}, lambda n: n == 0, timeout, "other backends idle")


def _poll(engine, sql, params, done, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            value = conn.execute(sql, params).scalar()
        if done(value):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"not reached in {timeout} s: {what} (last value {value})")
        time.sleep(0.05)


@contextmanager
def audit_writes_refused(engine: sa.Engine):
    """Make the database refuse every INSERT into audit_entries (a test-only trigger), dropped afterwards."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
                                 "BEGIN RAISE EXCEPTION 'audit write refused (test)'; END $$")
            conn.exec_driver_sql("CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entries "
                                 "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()")
        else:
            conn.exec_driver_sql("CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_entries "
                                 "BEGIN SELECT RAISE(ABORT, 'audit write refused (test)'); END")
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER test_refuse_audit" + (" ON audit_entries" if
                                 conn.dialect.name == "postgresql" else ""))
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("DROP FUNCTION test_refuse_audit()")
