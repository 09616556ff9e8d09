"""Timeliness of one unit against the instant its window closes (deadlines.unit_deadline.closes_at: the deadline or
the end of its extension): on time, late, overdue or still pending."""
from datetime import datetime
from enum import StrEnum

from deadlines.unit_deadline import is_on_time


class Timeliness(StrEnum):
    on_time = "on_time"  #: submitted no later than the unit's window closed
    late = "late"  #: submitted after its window closed (an extension revoked or a deadline moved earlier)
    overdue = "overdue"  #: not submitted and its window has closed
    pending = "pending"  #: not submitted, window still open (before the deadline or extended)


TIMELINESS_LABELS = {
    Timeliness.on_time: "выполнено в срок",
    Timeliness.late: "выполнено с опозданием",
    Timeliness.overdue: "просрочено",
    Timeliness.pending: "ожидается",
}


def timeliness(closes_at: datetime, submitted_at: datetime | None, *, window_open: bool) -> Timeliness:
    """Classify a unit; `submitted_at` is None while it has not submitted."""
    if submitted_at is not None:
        return Timeliness.on_time if is_on_time(submitted_at, closes_at) else Timeliness.late
    return Timeliness.pending if window_open else Timeliness.overdue
