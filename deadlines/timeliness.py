"""Timeliness of one unit against its deadline: on time, late (under an extension), overdue or still pending."""
from datetime import datetime
from enum import StrEnum


class Timeliness(StrEnum):
    on_time = "on_time"  #: submitted no later than the deadline
    late = "late"  #: submitted after the deadline, while an extension kept its window open
    overdue = "overdue"  #: not submitted and its window has closed
    pending = "pending"  #: not submitted, window still open (before the deadline or extended)


TIMELINESS_LABELS = {
    Timeliness.on_time: "выполнено в срок",
    Timeliness.late: "выполнено с опозданием (по продлению)",
    Timeliness.overdue: "просрочено",
    Timeliness.pending: "ожидается",
}


def timeliness(deadline: datetime, submitted_at: datetime | None, *, window_open: bool) -> Timeliness:
    """Classify a unit; `submitted_at` is None while it has not submitted."""
    if submitted_at is not None:
        return Timeliness.on_time if submitted_at <= deadline else Timeliness.late
    return Timeliness.pending if window_open else Timeliness.overdue
