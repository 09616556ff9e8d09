"""`flask seed-demo`: the Khabarovsk krai demo (hierarchy, accounts, last year's and this year's campaigns)."""
import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext

from deadlines.calendar import last_day_label
from hierarchy.queries import region_by_code
from registry.core.clock import now_utc
from registry.demo import accounts, cross_org, story, units
from registry.extensions import db

REGION_CODE = "27"


@click.command("seed-demo")
@with_appcontext
def cli() -> None:
    """Загрузить демонстрационные данные Хабаровского края (повторный запуск ничего не меняет)."""
    if region_by_code(REGION_CODE) is not None:
        click.echo(f"Регион {REGION_CODE} уже загружен: демо-данные не меняются.")
        accounts.print_accounts()
        return
    started = time.monotonic()
    audit_logger = logging.getLogger("registry.core.audit")
    level = audit_logger.level
    audit_logger.setLevel(logging.WARNING)  # hundreds of demo actions; the audit table still records each one
    try:
        now = now_utc()
        region = units.load()
        year = datetime.now(ZoneInfo(region.timezone)).year
        users = accounts.create_all()
        demo = story.Story(region, users, now, year)
        story.previous_year(demo, year - 1)
        current = story.current_year(demo, year, now)
        cross_org.load(year)
        db.session.commit()
    finally:
        audit_logger.setLevel(level)
    click.echo(f"Загружен {region.name}: {len(demo.municipalities)} муниципалитетов, {len(demo.organizations)} "
               f"организаций; кампания {year - 1} года сведена, кампания {year} года идёт (свод региона — "
               f"не позднее {last_day_label(current.region_deadline, region.timezone)}); "
               f"{time.monotonic() - started:.1f} с.")
    accounts.print_accounts()
