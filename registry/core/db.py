"""Declarative base with one constraint naming convention, and common column helpers."""
from datetime import UTC, datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm import registry as orm_registry

from registry.core.clock import now_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC timestamp on every engine (SQLite stores naive values)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store UTC-aware timestamps only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = orm_registry(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
                            type_annotation_map={datetime: UTCDateTime()})


class TimestampMixin:
    #: When the row was created (UTC, set in Python so tests can freeze time).
    created_at: Mapped[datetime] = mapped_column(default=now_utc)


def str_enum(enum_cls, name: str) -> sa.Enum:
    """Store a StrEnum as text with a CHECK constraint: no PostgreSQL ALTER TYPE pain."""
    return sa.Enum(enum_cls, name=name, native_enum=False, create_constraint=True, length=32,
                   values_callable=lambda e: [m.value for m in e])


def for_update(session, query: sa.Select) -> sa.Select:
    """`query` reading rows about to be changed, serialised with every other writer: SELECT … FOR UPDATE."""
    # PostgreSQL locks the rows; a concurrent writer waits, then reads the winner's row. SQLite ignores FOR UPDATE
    # and has one write lock per database: a write that changes nothing takes it first (waiting out the busy
    # timeout), so the read sees the latest committed rows and nobody changes them before this transaction ends.
    # populate_existing refreshes objects the session loaded earlier in the request (else a stale version passes).
    if session.get_bind().dialect.name == "sqlite":
        table = query.get_final_froms()[0]
        column = next(iter(table.primary_key.columns)).name
        session.execute(sa.text(f'UPDATE {table.name} SET "{column}" = "{column}" WHERE 0'))  # noqa: S608
    return _locking(query)


@lru_cache(maxsize=64)
def _locking(query: sa.Select) -> sa.Select:
    """`query` FOR UPDATE, refreshing loaded objects. Kept per query object: the hot paths pass statements built once,
    whose locking copy (and its cache key) is then built once too; a Select is immutable, so sharing it is safe."""
    return query.with_for_update().execution_options(populate_existing=True)
