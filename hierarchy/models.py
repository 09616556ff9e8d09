"""The reporting hierarchy: regions, municipalities and organizations (PRODUCT.md §2)."""
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db


class OrgType(StrEnum):
    general = "general"  #: общеобразовательная (ОО)
    additional = "additional"  #: дополнительного образования детей (ДО; the seeds' «ДОО»)
    vocational = "vocational"  #: профессиональная (СПО)


ORG_TYPE_LABELS = {
    OrgType.general: "общеобразовательная (ОО)",
    OrgType.additional: "дополнительного образования (ДО)",
    OrgType.vocational: "профессиональная (СПО)",
}


class ReportsTo(StrEnum):
    municipality = "municipality"
    region = "region"  #: krai-subordinate organizations skip the municipal step (SEEDS_DIGEST §2.2)


class Level(StrEnum):
    """A level of the hierarchy; also the level of a deadline window."""

    organization = "organization"
    municipality = "municipality"
    region = "region"


class Region(TimestampMixin, db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Code of the subject of the Russian Federation, e.g. "27".
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    #: IANA time zone; every deadline of the region is local to it.
    timezone: Mapped[str] = mapped_column(sa.String(64))

    municipalities: Mapped[list["Municipality"]] = relationship(back_populates="region",
                                                                order_by="Municipality.name")
    level = Level.region

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Municipality(TimestampMixin, db.Model):
    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="municipalities")
    level = Level.municipality

    def __repr__(self) -> str:
        return f"<Municipality {self.code}>"


class Organization(TimestampMixin, db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(500))
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    org_type: Mapped[OrgType] = mapped_column(str_enum(OrgType, "org_type"))
    #: Where it physically is; independent of who reviews it.
    location_municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    #: Who reviews it: its location municipality, or the region directly.
    reports_to: Mapped[ReportsTo] = mapped_column(str_enum(ReportsTo, "reports_to"))

    region: Mapped[Region] = relationship()
    location: Mapped[Municipality] = relationship()
    level = Level.organization

    @property
    def reporting_municipality_id(self) -> int | None:
        return self.location_municipality_id if self.reports_to is ReportsTo.municipality else None

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"


Unit = Region | Municipality | Organization
