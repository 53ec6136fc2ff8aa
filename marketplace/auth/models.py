"""Users, their roles and their memberships of cooperatives."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from marketplace.common.models import TimestampMixin
from marketplace.common.models import UTCDateTime
from marketplace.common.models import make_repr
from marketplace.common.models import str_enum
from marketplace.extensions import db

if TYPE_CHECKING:
    from marketplace.catalog.models import Area
    from marketplace.catalog.models import Cooperative


class Role(enum.StrEnum):
    """What a user is in the system as a whole."""

    ADMIN = "admin"
    OFFICIAL = "official"
    MEMBER = "member"  # works for one or more cooperatives through memberships


class MembershipRole(enum.StrEnum):
    """What a member may do in one cooperative."""

    MANAGER = "manager"
    STAFF = "staff"


class User(UserMixin, TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MEMBER)
    # Officials read figures for one area (a province covers all its communes).
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    phone: Mapped[str | None] = mapped_column(String(20))
    # Unused since the login slow-down moved to Redis (auth/throttle.py); kept so old
    # databases need no data migration. Drop them in a later release.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's and remember cookie's user id: bumping it ends them all.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    area: Mapped[Area | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Compare in constant time with the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login's id for cookies: a cookie made before a version bump stops working."""
        return f"{self.id}:{self.session_version or 0}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this user, everywhere."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_official(self) -> bool:
        return self.role == Role.OFFICIAL

    def membership_for(self, cooperative_id: int) -> Membership | None:
        """This user's membership of the cooperative, if any."""
        return next((m for m in self.memberships if m.cooperative_id == cooperative_id), None)

    def __repr__(self) -> str:
        return make_repr(self, "id", "email", "role")


class Membership(db.Model):  # type: ignore[name-defined]
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "cooperative_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperatives.id", ondelete="CASCADE"))
    role: Mapped[MembershipRole] = mapped_column(
        str_enum(MembershipRole),
        default=MembershipRole.STAFF,
    )

    user: Mapped[User] = relationship(back_populates="memberships")
    cooperative: Mapped[Cooperative] = relationship()

    def __repr__(self) -> str:
        return make_repr(self, "user_id", "cooperative_id", "role")
