"""Read helpers for the hierarchy."""
import sqlalchemy as sa

from hierarchy.models import Municipality, Organization, Region
from registry.core.errors import NotFound
from registry.extensions import db


def unit_by_code(code: str) -> Region | Municipality | Organization | None:
    """Find a unit of any level by its code (codes are unique across levels)."""
    for model in (Region, Municipality, Organization):
        unit = db.session.scalar(sa.select(model).where(model.code == code))
        if unit is not None:
            return unit
    return None


def organization_by_code(code: str) -> Organization:
    """The organization with this code, for a page or answer that names it in its path; NotFound when none."""
    org = db.session.scalar(sa.select(Organization).where(Organization.code == code))
    if org is None:
        raise NotFound(f"Организация с кодом «{code}» не найдена.")
    return org


def region_by_code(code: str) -> Region | None:
    return db.session.scalar(sa.select(Region).where(Region.code == code))


def user_timezone(user) -> str:
    """The zone a user reads times in: their region's; an administrator (no scope) reads the region's time too —
    the first region's, as one installation serves one region; UTC only before any region exists."""
    unit = getattr(user, "scope_unit", None)
    if unit is not None:
        return getattr(unit, "timezone", None) or unit.region.timezone
    zone = db.session.scalar(sa.select(Region.timezone).order_by(Region.id).limit(1))
    return zone or "UTC"


def unit_name(code: str) -> str:
    """A unit's name for a page that holds only its code (stored sets, snapshots); the code if it is gone."""
    for model in (Region, Municipality, Organization):
        name = db.session.scalar(sa.select(model.name).where(model.code == code))
        if name is not None:
            return name
    return code


def unit_names(codes) -> dict[str, str]:
    """code → unit_name(code) for many codes in one query (a list of stored sets names each row's unit): the name
    of the unit of any level, the code itself if it is gone."""
    codes = set(codes)
    if not codes:
        return {}
    levels = [sa.select(model.code, model.name, sa.literal(rank).label("rank")).where(model.code.in_(codes))
              for rank, model in enumerate((Region, Municipality, Organization))]
    found: dict[str, str] = {}
    for code, name, _rank in db.session.execute(sa.union_all(*levels).order_by("rank")):
        found.setdefault(code, name)  # as unit_name: a region's code before a municipality's, then an organization's
    return {code: found.get(code, code) for code in codes}
