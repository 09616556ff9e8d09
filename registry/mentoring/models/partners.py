"""Partner enterprises and organizations (by ИНН, one entry per region) and their agreements with schools."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Organization, Region
from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db
from registry.mentoring.vocab import AgreementKind, PartnerKind


class Partner(TimestampMixin, db.Model):
    """A legal entity, not a person: its registry entry is public (PRODUCT.md §2, §6)."""

    __tablename__ = "partners"
    __table_args__ = (sa.UniqueConstraint("region_id", "inn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    #: ИНН, 10 digits (legal entity) or 12 (individual entrepreneur), checksum-validated.
    inn: Mapped[str] = mapped_column(sa.String(12))
    name: Mapped[str] = mapped_column(sa.String(500))
    #: NULL: not known (a partner registered before kinds were asked); its page asks for it, and it is not
    #: counted in R9 until set (PRODUCT.md §8). Only `enterprise` counts in R9.
    kind: Mapped[PartnerKind | None] = mapped_column(str_enum(PartnerKind, "partner_kind"))

    region: Mapped[Region] = relationship()
    agreements: Mapped[list["PartnerAgreement"]] = relationship(back_populates="partner",
                                                                order_by="PartnerAgreement.id")


class PartnerAgreement(TimestampMixin, db.Model):
    """An agreement between a partner and an organization, with the number of mentors it provides."""

    __tablename__ = "partner_agreements"
    __table_args__ = (sa.CheckConstraint("mentors_provided >= 0", name="mentors_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(str_enum(AgreementKind, "agreement_kind"))
    number: Mapped[str] = mapped_column(sa.String(100), default="")
    signed_on: Mapped[date | None]
    valid_until: Mapped[date | None]
    #: Mentors this partner provides to the organization under the agreement (R9 counts partners with > 0).
    mentors_provided: Mapped[int] = mapped_column(default=0)

    partner: Mapped[Partner] = relationship(back_populates="agreements")
    organization: Mapped[Organization] = relationship()
