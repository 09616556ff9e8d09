"""Electing the one acting scheduler: a lease row renewed by the leader, on every engine.

Every check is one short transaction (a conditional UPDATE, or the first INSERT), so it works through PgBouncer's
transaction pooling, where a session advisory lock would stay on a pooled server connection after its leader died
(no takeover) or be found "held" by another client given the same server connection (two leaders). A standby
takes over once the lease has expired; the leader renews it on every heartbeat and between jobs of a run, and a
leader that finds its lease taken stops before the next job (`run_due`'s `still_leading`).
"""
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from scheduler.ledger import SchedulerLease

logger = logging.getLogger(__name__)

LEASE_NAME = "deadlines-scheduler"


class Leadership:
    """Try to become (or stay) the leader with `acquire(now)`; give it up with `release(now)`."""

    def __init__(self, engine: Engine, lease_seconds: float, holder: str | None = None):
        self.engine = engine
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.is_leader = False

    def acquire(self, now: datetime) -> bool:
        """Become or stay the leader (renewing the lease until now + lease); False while another process leads."""
        try:
            self.is_leader = self._lease(now)
        except (OperationalError, DBAPIError) as error:  # database gone: step down, retry on the next heartbeat
            logger.warning("scheduler leadership check failed: %s", error)
            self.is_leader = False
        return self.is_leader

    def _lease(self, now: datetime) -> bool:
        table = SchedulerLease.__table__
        values = {"holder": self.holder, "expires_at": now + self.lease}
        try:
            with self.engine.begin() as conn:
                # one statement decides: concurrent standbys queue on the row lock and re-check the condition
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
        if self.is_leader:
            table = SchedulerLease.__table__
            try:
                with self.engine.begin() as conn:
                    conn.execute(table.update().where(table.c.name == LEASE_NAME, table.c.holder == self.holder)
                                 .values(expires_at=now))
            except (OperationalError, DBAPIError) as error:  # the lease then simply expires
                logger.warning("scheduler lease not released: %s", error)
        self.is_leader = False
