"""A person of the region, identified by СНИЛС: one record per region, whatever organizations they serve in.

Mentor and mentee records stay per organization (their category, forms, pairs); a record with a СНИЛС points
to its person, so the same person in several organizations is counted once ("distinct persons"). A record
without СНИЛС has no person and stays what it was: one person per record (PRODUCT.md §9).
"""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import TimestampMixin
from registry.extensions import db


class Person(TimestampMixin, db.Model):
    __tablename__ = "people"
    __table_args__ = (sa.UniqueConstraint("region_id", "snils"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"))
    #: 11 digits, checksum-validated (registry.mentoring.text.snils_error); never public, masked outside the
    #: organizations whose records point here.
    snils: Mapped[str] = mapped_column(sa.String(11))

    def __repr__(self) -> str:
        return f"<Person {self.id}>"
