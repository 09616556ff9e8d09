"""Electing the one acting scheduler: a PostgreSQL session advisory lock, or a lease row on SQLite.

A second scheduler started by mistake stays in standby and takes over only when the leader is gone: the
advisory lock dies with the leader's connection; the lease expires unless the leader renews it.
"""
import contextlib
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from scheduler.ledger import SchedulerLease

logger = logging.getLogger(__name__)

LEASE_NAME = "deadlines-scheduler"
#: Key of the PostgreSQL advisory lock (any constant bigint the application does not use elsewhere).
ADVISORY_KEY = 0x4D52_4453_4348  # "MRDSCH"


class Leadership:
    """Try to become (or stay) the leader with `acquire(now)`; give it up with `release(now)`."""

    def __init__(self, engine: Engine, lease_seconds: float, holder: str | None = None,
                 advisory: bool | None = None):
        self.engine = engine
        #: PostgreSQL uses the advisory lock unless told otherwise (tests exercise the lease on both engines).
        self.uses_advisory_lock = engine.dialect.name == "postgresql" if advisory is None else advisory
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_leader = False
        self._conn: Connection | None = None
        # the lock lives in a connection of its own that is really closed on release (a pooled one would keep it)
        self._lock_engine = sa.create_engine(engine.url, poolclass=NullPool) if self.uses_advisory_lock else None

    def acquire(self, now: datetime) -> bool:
        """Become or stay the leader; False while another process leads."""
        try:
            self.is_leader = self._advisory() if self.uses_advisory_lock else self._lease(now)
        except (OperationalError, DBAPIError) as error:  # database gone: step down, retry on the next heartbeat
            logger.warning("scheduler leadership check failed: %s", error)
            self._drop_connection()
            self.is_leader = False
        return self.is_leader

    def _advisory(self) -> bool:
        if self._conn is not None:
            self._conn.execute(sa.text("SELECT 1"))  # still connected → the session lock is still ours
            return True
        conn = self._lock_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        if conn.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))).scalar():
            self._conn = conn
            return True
        conn.close()
        return False

    def _lease(self, now: datetime) -> bool:
        table = SchedulerLease.__table__
        values = {"holder": self.holder, "expires_at": now + self.lease}
        try:
            with self.engine.begin() as conn:
                taken = conn.execute(table.update().where(
                    table.c.name == LEASE_NAME, sa.or_(table.c.holder == self.holder, table.c.expires_at <= now),
                ).values(**values)).rowcount
                if taken:
                    return True
                if conn.execute(sa.select(table.c.name).where(table.c.name == LEASE_NAME)).first() is not None:
                    return False
                conn.execute(table.insert().values(name=LEASE_NAME, **values))
                return True
        except IntegrityError:  # another process inserted the lease first
            return False

    def release(self, now: datetime) -> None:
        """Give up leadership at once, so a successor need not wait for the lease to expire."""
        if self.uses_advisory_lock:
            self._drop_connection()  # closing the session releases its advisory lock
        elif self.is_leader:
            table = SchedulerLease.__table__
            with self.engine.begin() as conn:
                conn.execute(table.update().where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
                             .values(expires_at=now))
        self.is_leader = False

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(DBAPIError):
                self._conn.close()
            self._conn = None

    def dispose(self) -> None:
        if self._lock_engine is not None:
            self._lock_engine.dispose()
