"""How many import and export jobs one person may have queued or running at once (MAX_ACTIVE_JOBS_PER_USER).

Each job holds a thread of the web process and its file; without a bound one account could queue enough of
them to starve everyone else. A job whose process died (stale) no longer counts.
"""
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from registry.core.errors import DomainError
from registry.extensions import db

ACTIVE = ("queued", "running")
#: The job tables whose live rows count toward the limit. Each job kind registers its own table with
#: `@counts_toward_limit` (the kinds live above the core, which imports none of them).
JOB_MODELS: list[type] = []


class TooManyJobs(DomainError):
    status = 429
    code = "too_many_jobs"


def limit() -> int:
    return int(current_app.config["MAX_ACTIVE_JOBS_PER_USER"])


def limit_note() -> str:
    """The sentence upload pages show."""
    return (f"Одновременно у одного пользователя может выполняться не более {limit()} заданий загрузки файлов и "
            "сборки архивов.")


def counts_toward_limit(model: type) -> type:
    """Class decorator for a job model (requested_by_id, status, is_active(now)): its live rows count."""
    JOB_MODELS.append(model)
    return model


def check_room(user_id: int | None, now: datetime) -> None:
    """Refuse (TooManyJobs) a new job for a user who already has the maximum number of live ones."""
    if user_id is None:  # the scheduler's own work
        return
    active = 0
    for model in JOB_MODELS:
        jobs = db.session.scalars(sa.select(model).where(model.requested_by_id == user_id,
                                                         model.status.in_(ACTIVE)))
        active += sum(1 for job in jobs if job.is_active(now))
    if active >= limit():
        raise TooManyJobs(f"У вас уже выполняется заданий загрузки и выгрузки: {active}, а одновременно можно не более "
                          f"{limit()}. Дождитесь окончания одного из них и повторите.")
