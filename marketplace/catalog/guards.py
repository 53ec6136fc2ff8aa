"""Tenancy: which cooperative a request works on, and who may do what there."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from typing import TypeVar

from flask import abort
from flask import g
from flask import session
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from marketplace.auth.models import MembershipRole
from marketplace.catalog.models import Cooperative
from marketplace.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def allowed_cooperatives() -> list[Cooperative]:
    """The cooperatives whose catalogue the current user may edit."""
    user: Any = current_user
    if user.is_admin:
        return list(db.session.scalars(select(Cooperative).order_by(Cooperative.name)))
    if user.is_official:
        return []
    return sorted((m.cooperative for m in user.memberships), key=lambda c: c.name)


def current_cooperative() -> Cooperative:
    """The cooperative chosen for this session (the first allowed one by default)."""
    if "cooperative" in g:
        return g.cooperative
    allowed = allowed_cooperatives()
    if not allowed:
        abort(403)
    chosen = next((c for c in allowed if c.id == session.get("cooperative_id")), allowed[0])
    g.cooperative = chosen
    return chosen


def catalogue_editor_required(view: F) -> F:
    """Only members of a cooperative (and admins) reach catalogue pages; officials do not."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        current_cooperative()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def can_manage_shops() -> bool:
    """Whether the user runs the chosen cooperative's shops: its managers, and admins.

    Staff edit products and photos and record sales; connecting shops, price rules,
    syncs and imports are the manager's (docs/security.md)."""
    user: Any = current_user
    if user.is_admin:
        return True
    if not allowed_cooperatives():  # an official, or a member of no cooperative now
        return False
    membership = user.membership_for(current_cooperative().id)
    return membership is not None and membership.role == MembershipRole.MANAGER


def shop_manager_required(view: F) -> F:
    """Only the cooperative's managers (and admins) reach the shop, sync and import pages."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not can_manage_shops():
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Admins only."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
