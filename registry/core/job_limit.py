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


class TooManyJobs(DomainError):
    status = 429
    code = "too_many_jobs"


def limit() -> int:
    return int(current_app.config["MAX_ACTIVE_JOBS_PER_USER"])


def limit_note() -> str:
    """The sentence upload pages show."""
    return (f"Одновременно у одного пользователя может выполняться не более {limit()} заданий загрузки файлов и "
            "сборки архивов.")


def check_room(user_id: int | None, now: datetime) -> None:
    """Refuse (TooManyJobs) a new job for a user who already has the maximum number of live ones."""
    if user_id is None:  # the scheduler's own work
        return
    from exports.models import ExportJob  # the job kinds live above the core
    from registry.imports.models import ImportJob

    active = 0
    for model in (ImportJob, ExportJob):
        jobs = db.session.scalars(sa.select(model).where(model.requested_by_id == user_id,
                                                         model.status.in_(ACTIVE)))
        active += sum(1 for job in jobs if job.is_active(now))
    if active >= limit():
        raise TooManyJobs(f"У вас уже выполняется заданий загрузки и выгрузки: {active}, а одновременно можно не более "
                          f"{limit()}. Дождитесь окончания одного из них и повторите.")
