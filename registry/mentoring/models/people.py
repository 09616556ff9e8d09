"""People in the records: mentors and mentees of one organization, their consents and awards."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hierarchy.models import Organization
from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db
from registry.mentoring.vocab import (
    AwardTitle,
    ConsentKind,
    GivenBy,
    MenteeCategory,
    MentorCategory,
)

#: Text search configuration of the stored tsvector (PostgreSQL); SQLite gets an FTS5 table in the migration instead.
SEARCH_CONFIG = "russian"
#: PostgreSQL computes the vector itself, once per write: a search never runs to_tsvector row by row.
#: The words and the selective public filters; category and forms stay out (a key held by most rows makes the
#: index intersect huge posting lists, while checking the row itself is cheap).
SEARCH_INDEX_COLUMNS = ("search_vector", "public_municipality_id", "public_organization_id")
SEARCH_VECTOR_SQL = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, coalesce(search_text, ''))"


def age_on(birth_date: date | None, day: date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: date | None, is_student: bool, today: date) -> bool:
    """Under 18; a student without a birth date counts as a minor (the safe side for consent, 152-ФЗ art. 9)."""
    age = age_on(birth_date, today)
    return is_student if age is None else age < 18


#: What the registry page filters and counts by, carried in its index (PostgreSQL INCLUDE) so no row is read for it.
REGISTRY_INCLUDE = {"mentors": ["person_id", "category", "forms", "left_on"],
                    "mentees": ["person_id", "category", "full_cycle_completed", "left_on"]}


def registry_indexes(table: str) -> tuple[sa.Index, ...]:
    """The registry's indexes on mentors and mentees (issue 14, 1,000,000 records):
    - a scope's records (organization ids) in name order, with the person and the filtered columns: the page
      filters, sorts, counts and counts distinct persons from the index alone, then reads only the rows it shows;
    - every record in name order with its organization, region and person (issue 18): a scope of thousands of
      organizations (a region) reads its first page by walking names and keeping its own records, where the index
      above would merge thousands of per-organization runs (600,000 records: 230 ms → 1 ms); a name search counts
      its records and people from it without reading the table (600,000 records: 525 ms → 262 ms);
    - name and birth date, birth date first (the "possible duplicate" hint looks both up; an index led by the name
      alone would tempt the planner to walk every name in order for a page sorted by name);
    - a region's records by person (issue 18): region staff's registry counts its records and different people from
      this index alone (600,000 records: 95 ms joined to the region's organizations → 47 ms)."""
    return (sa.Index(f"ix_{table}_registry_order", "organization_id", "full_name", "id",
                     postgresql_include=REGISTRY_INCLUDE[table]),
            sa.Index(f"ix_{table}_name_order", "full_name", "id",
                     postgresql_include=["organization_id", "region_id", "person_id"]),
            sa.Index(f"ix_{table}_birth_name", "birth_date", "full_name"),
            sa.Index(f"ix_{table}_region_person", "region_id", "person_id",
                     postgresql_include=[c for c in REGISTRY_INCLUDE[table] if c != "person_id"]))


class Mentor(TimestampMixin, db.Model):
    __tablename__ = "mentors"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "code"),
        # one record per person and organization (the person may have records in other organizations)
        sa.UniqueConstraint("person_id", "organization_id"),
        # the public listing: only published rows, in name order, paged
        sa.Index("ix_mentors_public_order", "is_public", "sort_name", "id"),
        *registry_indexes("mentors"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Its own index although (organization_id, code) is unique: the narrow one answers «does the organization keep
    #: records?» for a region's 4,000 organizations in half the time (tests/test_indexes.py KEPT).
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: The organization's region, kept by the database (migration 5e7b2a9c1d84: triggers on a new record, a record
    #: moved to another organization and an organization moved to another region). Read by queries, never set here.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    #: The organization's own identifier of the person (табельный номер, код); imports match on it.
    code: Mapped[str | None] = mapped_column(sa.String(64))
    #: The region's person (by СНИЛС); NULL when no СНИЛС was given: then this record is its own person.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    full_name: Mapped[str] = mapped_column(sa.String(300))
    #: For the 15–19-year-old student mentors of R8; never published.
    birth_date: Mapped[date | None]
    category: Mapped[MentorCategory] = mapped_column(str_enum(MentorCategory, "mentor_category"))
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    #: The partner enterprise that provides this mentor (employer and social-partner mentors).
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    #: Forms the mentor works in, as a bit mask of vocab.FORM_BITS.
    forms: Mapped[int] = mapped_column(default=0)
    competences: Mapped[str] = mapped_column(sa.Text, default="")
    achievements: Mapped[str] = mapped_column(sa.Text, default="")
    #: Set when the mentor left the organization's programme; such a record is never published.
    left_on: Mapped[date | None]

    # The public projection, rewritten in the same transaction as any change to the mentor or a consent
    # (registry.mentoring.publication): the public side reads only these columns, so a withdrawal is
    # effective for the very next request.
    #: True only while processing and publication consents are both active.
    is_public: Mapped[bool] = mapped_column(default=False)
    #: Comma-separated consented field names (vocab.PUBLIC_FIELDS); empty when not public.
    public_fields: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Normalised (lower-case, ё→е) text of the consented fields only: a search never matches a hidden field.
    search_text: Mapped[str | None] = mapped_column(sa.Text)
    #: PostgreSQL: to_tsvector('russian', search_text), generated and GIN-indexed. SQLite: an unused NULL
    #: column (its FTS5 table `mentor_search` indexes search_text). Deferred: never loaded with the row.
    search_vector: Mapped[str | None] = mapped_column(
        postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"), sa.Computed(SEARCH_VECTOR_SQL, persisted=True),
        deferred=True)
    #: Normalised name when the name is public, else a key that sorts last.
    sort_name: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Filters, set only when the matching field is consented (else NULL / 0, so filtering reveals nothing).
    public_organization_id: Mapped[int | None] = mapped_column(index=True)
    public_municipality_id: Mapped[int | None] = mapped_column(index=True)
    public_category: Mapped[str | None] = mapped_column(sa.String(32))
    public_forms: Mapped[int] = mapped_column(default=0)

    organization: Mapped[Organization] = relationship()
    person = relationship("Person")
    partner = relationship("Partner")
    awards: Mapped[list["Award"]] = relationship(back_populates="mentor", order_by="Award.year.desc(), Award.id",
                                                 cascade="all, delete-orphan")

    def is_minor(self, today: date) -> bool:
        return is_minor(self.birth_date, self.category is MentorCategory.student, today)

    def __repr__(self) -> str:
        return f"<Mentor {self.id}>"


# One GIN index for the words *and* the place filters (btree_gin makes integers GIN keys): a common word in
# one municipality is intersected inside the index, not as two large bitmaps.
sa.Index("ix_mentors_search", *(Mentor.__table__.c[name] for name in SEARCH_INDEX_COLUMNS),
         postgresql_using="gin").ddl_if(dialect="postgresql")
# Names as people type them (public search: `sort_name LIKE 'ива%'`): pattern ops range-scan a prefix whatever the
# database's collation; only published rows (the search repeats `is_public`). The place filters ride along, so a name
# typed with a municipality or an organization chosen is filtered inside the index, not by a second bitmap.
sa.Index("ix_mentors_name_prefix", *(Mentor.__table__.c[name] for name in ("sort_name", "public_municipality_id",
                                                                           "public_organization_id")),
         postgresql_ops={"sort_name": "varchar_pattern_ops"},
         postgresql_where=Mentor.__table__.c.is_public).ddl_if(dialect="postgresql")


class Mentee(TimestampMixin, db.Model):
    __tablename__ = "mentees"
    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),
                      sa.UniqueConstraint("person_id", "organization_id"),
                      *registry_indexes("mentees"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Its own index although (organization_id, code) is unique: the narrow one answers «does the organization keep
    #: records?» for a region's 4,000 organizations in half the time (tests/test_indexes.py KEPT).
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: The organization's region, kept by the database (migration 5e7b2a9c1d84: triggers on a new record, a record
    #: moved to another organization and an organization moved to another region). Read by queries, never set here.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"))
    code: Mapped[str | None] = mapped_column(sa.String(64))
    #: The region's person (by СНИЛС); NULL when no СНИЛС was given.
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    full_name: Mapped[str] = mapped_column(sa.String(300))
    birth_date: Mapped[date | None]
    category: Mapped[MenteeCategory] = mapped_column(str_enum(MenteeCategory, "mentee_category"))
    #: The mentee's request (запрос), in the curator's words.
    request: Mapped[str] = mapped_column(sa.Text, default="")
    #: The mandatory mark «полный цикл программы пройден» (003 §5.2.1), with the day it was set.
    full_cycle_completed: Mapped[bool] = mapped_column(default=False)
    full_cycle_on: Mapped[date | None]
    left_on: Mapped[date | None]

    organization: Mapped[Organization] = relationship()
    person = relationship("Person")

    def is_minor(self, today: date) -> bool:
        return is_minor(self.birth_date, self.category is MenteeCategory.student, today)

    def __repr__(self) -> str:
        return f"<Mentee {self.id}>"


# The registry's name search (`full_name LIKE '%кузнецова%'`, access/visible.py) on PostgreSQL: trigrams (pg_trgm,
# case-folded) find a surname's few records without testing every name of a region; a name most records contain
# is still read from ix_*_name_order, as the planner estimates.
sa.Index("ix_mentors_name_trigrams", Mentor.__table__.c.full_name, postgresql_using="gin",
         postgresql_ops={"full_name": "gin_trgm_ops"}).ddl_if(dialect="postgresql")
sa.Index("ix_mentees_name_trigrams", Mentee.__table__.c.full_name, postgresql_using="gin",
         postgresql_ops={"full_name": "gin_trgm_ops"}).ddl_if(dialect="postgresql")


class Consent(TimestampMixin, db.Model):
    """A consent as recorded from the signed document; withdrawn, never deleted."""

    __tablename__ = "consents"
    __table_args__ = (
        sa.CheckConstraint("(mentor_id IS NULL) <> (mentee_id IS NULL)", name="one_subject"),
        sa.CheckConstraint("kind = 'processing' OR mentee_id IS NULL", name="mentees_never_published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mentees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(str_enum(ConsentKind, "consent_kind"))
    given_by: Mapped[GivenBy] = mapped_column(str_enum(GivenBy, "consent_given_by"))
    #: The legal guardian who signed for a minor.
    guardian_name: Mapped[str] = mapped_column(sa.String(300), default="")
    signed_on: Mapped[date]
    #: Where the paper is kept or its number.
    document: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Publication only: comma-separated names of the fields that may be public.
    fields: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def field_list(self) -> list[str]:
        return [f for f in self.fields.split(",") if f]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Award(TimestampMixin, db.Model):
    __tablename__ = "mentor_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    title: Mapped[AwardTitle] = mapped_column(str_enum(AwardTitle, "award_title"))
    #: The award's name when `title` is "other".
    other_title: Mapped[str] = mapped_column(sa.String(300), default="")
    year: Mapped[int]

    mentor: Mapped[Mentor] = relationship(back_populates="awards")
