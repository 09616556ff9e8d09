"""Users with one role scoped to one unit of the hierarchy, and their API tokens."""
import hashlib
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.clock import now_utc
from registry.core.db import TimestampMixin, str_enum
from registry.extensions import db

#: The longest e-mail address (RFC 5321 path limit); the column's size, and longer logins are refused unread.
MAX_EMAIL_LENGTH = 254


class Role(StrEnum):
    admin = "admin"
    region_operator = "region_operator"
    municipal_official = "municipal_official"
    org_curator = "org_curator"
    #: A mentor of one organization, linked to its mentor record: sees only their own pairs, plans and reports.
    mentor = "mentor"


ROLE_LABELS = {
    Role.admin: "администратор",
    Role.region_operator: "региональный оператор",
    Role.municipal_official: "специалист муниципалитета",
    Role.org_curator: "куратор организации",
    Role.mentor: "наставник",
}


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # exactly the scope column that fits the role is set (admin: none)
        sa.CheckConstraint(
            "(role = 'admin' AND region_id IS NULL AND municipality_id IS NULL AND organization_id IS NULL)"
            " OR (role = 'region_operator' AND region_id IS NOT NULL AND municipality_id IS NULL"
            " AND organization_id IS NULL)"
            " OR (role = 'municipal_official' AND municipality_id IS NOT NULL AND region_id IS NULL"
            " AND organization_id IS NULL)"
            " OR (role = 'org_curator' AND organization_id IS NOT NULL AND region_id IS NULL"
            " AND municipality_id IS NULL AND mentor_id IS NULL)"
            " OR (role = 'mentor' AND organization_id IS NOT NULL AND mentor_id IS NOT NULL AND region_id IS NULL"
            " AND municipality_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login, stored lower-case.
    email: Mapped[str] = mapped_column(sa.String(MAX_EMAIL_LENGTH), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Argon2id hash (argon2-cffi); never the password.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regions.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipalities.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: A mentor account's mentor record (in `organization_id`); one account per record. use_alter: users → mentors
    #: → partners → users is a cycle of foreign keys.
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mentors.id", use_alter=True), unique=True)
    #: Disabled users cannot log in; their sessions and tokens stop working at once.
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Bumped on logout, disabling and password change: every older session and token is void.
    session_epoch: Mapped[int] = mapped_column(default=0)

    region = relationship("Region")
    municipality = relationship("Municipality")
    organization = relationship("Organization")
    mentor = relationship("Mentor")

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users are not logged in
        return self.is_enabled

    def get_id(self) -> str:  # Flask-Login: the session remembers id and epoch together
        return f"{self.id}:{self.session_epoch}"

    @property
    def scope_unit(self):
        return self.region or self.municipality or self.organization

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: SHA-256 of the bearer token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The user's session epoch when issued; a later logout or disabling voids the token.
    session_epoch: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    user: Mapped[User] = relationship()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class PasswordLink(db.Model):
    """A single-use, expiring "set your password" link (an invitation or a reset); only its hash is stored."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token in the link.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: "invitation" or "reset".
    purpose: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    #: Set once, by the request that set the password (or when a newer link replaced this one).
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
