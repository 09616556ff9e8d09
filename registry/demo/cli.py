"""`flask seed-demo`: the Khabarovsk krai demo (hierarchy, accounts, records of mentoring, last year's and this
year's campaigns)."""
import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext

from deadlines.models import Campaign
from deadlines.windows import last_day_label
from hierarchy.models import Region
from hierarchy.queries import region_by_code
from registry.core.clock import now_utc
from registry.demo import accounts, cross_org, seed_records, story, units
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
    # hundreds of demo actions; the audit table still records each one
    quiet = [logging.getLogger(name) for name in ("registry.core.audit", "registry.mentoring")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.WARNING)
    try:
        region, demo, current = load(now_utc())
        db.session.commit()
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    year, plans = demo.year, demo.plans.values()
    click.echo(f"Загружен {region.name}: {len(demo.municipalities)} муниципалитетов, {len(demo.organizations)} "
               f"организаций (в их учёте наставников: {sum(len(p.mentors) for p in plans)}, наставляемых: "
               f"{sum(len(p.mentees) for p in plans)}, пар и групп: {sum(len(p.pairs) for p in plans)}); "
               f"кампания {year - 1} года сведена, кампания {year} года идёт (свод региона — не позднее "
               f"{last_day_label(current.region_deadline, region.timezone)}); {time.monotonic() - started:.1f} с.")
    accounts.print_accounts()


def load(now: datetime) -> tuple[Region, story.Story, Campaign]:
    """The whole demo: hierarchy, accounts, records, last year's and this year's campaigns. Caller commits."""
    region = units.load()
    local = now.astimezone(ZoneInfo(region.timezone))
    demo = story.Story(region, accounts.create_all(), now, local.year)
    demo.plans = seed_records.seed(demo, local.date())  # before the campaigns: they submit the records' counts
    cross_org.load(local.year)
    story.previous_year(demo, local.year - 1)
    current = story.current_year(demo, local.year, now)
    return region, demo, current
