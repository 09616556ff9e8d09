"""The one wording of a report's timeliness and of a report nobody has started, for pages, exports and e-mails.

On time means first sent no later than the moment the unit's window closed, extensions included
(deadlines.unit_deadline.is_on_time).
"""
ON_TIME = "в срок"
LATE = "с опозданием"
NOT_SENT = "не отправлен"
#: A report nobody has saved yet; once saved it is a «черновик» (SUBMISSION_STATUS_LABELS).
NOT_STARTED = "не начат"
#: A reporting level in words.
LEVEL_NAMES = {"organization": "организация", "municipality": "муниципалитет", "region": "регион"}


def verdict(on_time: bool | None) -> str:
    return NOT_SENT if on_time is None else ON_TIME if on_time else LATE
