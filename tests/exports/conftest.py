"""A world whose data went all the way up: accepted reports, a municipal snapshot and a regional one."""
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from monitoring import aggregation, reports, services
from monitoring.indicators import PERCENT_CODES
from monitoring.models import Snapshot, SnapshotValue
from registry.extensions import db
from tests.factories import VALID_VALUES


def scaled(k: int) -> dict:
    """VALID_VALUES with every count multiplied by k: still valid, and sums stay exact integers."""
    return {code: value if code in PERCENT_CODES else value * k for code, value in VALID_VALUES.items()}


def accept(world, org, curator, reviewer, values: dict) -> None:
    services.save_values(world.campaign, org, dict(values), version=None, actor=curator)
    services.submit(world.campaign, org, actor=curator)
    services.accept(world.campaign, org, actor=reviewer)


@dataclass
class Frozen:
    world: object
    municipal: Snapshot  # KHV
    regional: Snapshot


@pytest.fixture
def frozen(world):
    """KHV: school (×1) and ДО centre (×2) accepted, report accepted; VAN school only submitted (missing);
    the college (×3, reports to the region) accepted; the region consolidated."""
    accept(world, world.school, world.curator, world.khv_official, scaled(1))
    accept(world, world.dod, world.dod_curator, world.khv_official, scaled(2))
    services.save_values(world.campaign, world.van_school, dict(VALID_VALUES), version=None, actor=world.van_curator)
    services.submit(world.campaign, world.van_school, actor=world.van_curator)
    accept(world, world.college, world.college_curator, world.operator, scaled(3))
    report = reports.submit_report(world.campaign, world.khv, actor=world.khv_official)
    reports.accept_report(world.campaign, world.khv, actor=world.operator)
    regional = reports.consolidate(world.campaign, actor=world.operator)
    db.session.commit()
    return Frozen(world, report.snapshot, regional)


def snapshot_sum(snapshot: Snapshot, code: str, organization_id: int | None = None) -> float:
    """The frozen value straight from snapshot_values: what every format is compared with."""
    frozen = aggregation.with_parts([snapshot.id])  # a regional snapshot is made of municipal ones
    query = sa.select(sa.func.sum(SnapshotValue.value)).where(SnapshotValue.snapshot_id.in_(frozen),
                                                              SnapshotValue.code == code)
    if organization_id is not None:
        query = query.where(SnapshotValue.organization_id == organization_id)
    return db.session.scalar(query)
