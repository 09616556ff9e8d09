"""`flask deadlines tick --at ISO-8601` and `flask deadlines scheduler`."""
import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from registry.core.clock import now_utc
from scheduler.jobs import JobsFailed, run_due
from scheduler.runner import run_forever

cli = AppGroup("deadlines", help="Календарь сроков: напоминания, эскалации, автоматические срезы.")


def _instant(value: str | None) -> datetime:
    if not value:
        return now_utc()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"не дата и время ISO-8601: {value}", param_hint="--at") from error
    if instant.tzinfo is None:
        raise click.BadParameter("укажите часовой пояс, например 2026-10-21T09:00+10:00", param_hint="--at")
    return instant


@cli.command("tick")
@click.option("--at", "at", metavar="ISO-8601", help="Момент, до которого выполнить задания (по умолчанию — сейчас).")
def tick(at: str | None) -> None:
    """Выполнить все задания, наступившие к моменту --at (повторный запуск ничего не дублирует)."""
    try:
        counts = run_due(_instant(at))
    except JobsFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(json.dumps(counts, ensure_ascii=False, sort_keys=True))


@cli.command("scheduler")
def scheduler() -> None:
    """Постоянный процесс планировщика (один на систему; второй ждёт в резерве)."""
    run_forever(current_app._get_current_object(), click.echo)
