"""Read helpers for the hierarchy."""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region
from registry.extensions import db


def unit_by_code(code: str) -> Region | Municipality | Organization | None:
    """Find a unit of any level by its code (codes are unique across levels)."""
    for model in (Region, Municipality, Organization):
        unit = db.session.scalar(sa.select(model).where(model.code == code))
        if unit is not None:
            return unit
    return None


def region_by_code(code: str) -> Region | None:
    return db.session.scalar(sa.select(Region).where(Region.code == code))
