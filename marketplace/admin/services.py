"""Admin operations on cooperatives and users."""

from __future__ import annotations

import logging
from typing import Any

from flask_babel import gettext
from sqlalchemy import func
from sqlalchemy import select

from marketplace.auth.models import Membership
from marketplace.auth.models import MembershipRole
from marketplace.auth.models import Role
from marketplace.auth.models import User
from marketplace.catalog.errors import CatalogError
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import SubjectType
from marketplace.extensions import db

log = logging.getLogger(__name__)


def save_cooperative(cooperative: Cooperative | None, data: dict[str, Any]) -> Cooperative:
    """Create or update a cooperative; the tax code must be unique."""
    clash = db.session.scalar(
        select(Cooperative).where(Cooperative.tax_code == data["tax_code"].strip())
    )
    if clash is not None and clash is not cooperative:
        raise CatalogError("tax_code", gettext("Another cooperative has this tax code."))
    cooperative = cooperative or Cooperative()
    cooperative.name = " ".join(data["name"].split())
    cooperative.tax_code = data["tax_code"].strip()
    cooperative.area_id = data["area_id"]
    cooperative.phone = data.get("phone") or None
    cooperative.zalo = data.get("zalo") or None
    cooperative.ethnic_minority_led = bool(data.get("ethnic_minority_led"))
    cooperative.subject_type = SubjectType(data["subject_type"])
    db.session.add(cooperative)
    db.session.flush()
    log.info("cooperative %r saved", cooperative.id)
    return cooperative


def save_user(user: User | None, data: dict[str, Any]) -> User:
    """Create or update a user with their memberships; e-mails are unique, ignoring case."""
    email = data["email"].strip().lower()
    clash = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if clash is not None and clash is not user:
        raise CatalogError("email", gettext("Another account uses this email."))
    if user is None and not data.get("password"):
        raise CatalogError("password", gettext("A new account needs a password."))
    # A deactivated account, or one whose password an admin set, is logged out everywhere.
    ends_sessions = user is not None and (
        bool(data.get("password")) or (user.active and not data["active"])
    )
    user = user or User()
    user.email, user.name = email, " ".join(data["name"].split())
    user.role, user.locale = Role(data["role"]), data["locale"]
    user.active = bool(data["active"])
    user.area_id = data["area_id"] if user.role == Role.OFFICIAL else None
    if data.get("password"):
        user.set_password(data["password"])
    if ends_sessions:
        user.end_sessions()
    wanted = set(data["cooperative_ids"]) if user.role == Role.MEMBER else set()
    role = MembershipRole(data["membership_role"])
    user.memberships = [m for m in user.memberships if m.cooperative_id in wanted]
    for membership in user.memberships:
        membership.role = role
    for cooperative_id in wanted - {m.cooperative_id for m in user.memberships}:
        user.memberships.append(Membership(cooperative_id=cooperative_id, role=role))
    db.session.add(user)
    db.session.flush()
    log.info("user %r saved", user.id)
    return user
