"""The one source of the current time, so services and tests agree on 'now'."""
from datetime import UTC, datetime


def now_utc() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)
