"""Health checks, locale persistence and the official's read-only overview."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import text

from marketplace.auth.models import User
from marketplace.catalog.models import Area
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.extensions import rq

log = logging.getLogger(__name__)


def health() -> dict[str, Any]:
    """Ask the database and Redis for a sign of life."""
    state: dict[str, Any] = {}
    try:
        db.session.execute(text("SELECT 1"))
        state["database"] = "ok"
    except Exception as exc:  # any driver error means "not answering"
        log.warning("health: database %r", exc)
        db.session.rollback()
        state["database"] = "error"
    try:
        rq.get_queue("default").connection.ping()
        state["redis"] = "ok"
    except Exception as exc:
        log.warning("health: redis %r", exc)
        state["redis"] = "error"
    return state


def set_user_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = locale
    db.session.commit()


def area_overview(user: User) -> list[dict[str, Any]]:
    """Cooperatives of the official's area with their active products by OCOP stars."""
    area_ids = select(Area.id).where(or_(Area.id == user.area_id, Area.parent_id == user.area_id))
    rows = db.session.execute(
        select(Cooperative, Product.ocop_stars, func.count(Product.id))
        .outerjoin(
            Product,
            (Product.cooperative_id == Cooperative.id) & (Product.status == ProductStatus.ACTIVE),
        )
        .where(Cooperative.area_id.in_(area_ids))
        .group_by(Cooperative.id, Product.ocop_stars)
        .order_by(Cooperative.name)
    ).all()
    overview: dict[int, dict[str, Any]] = {}
    for cooperative, stars, count in rows:
        entry = overview.setdefault(
            cooperative.id,
            {"cooperative": cooperative, "stars": {3: 0, 4: 0, 5: 0}, "total": 0},
        )
        if stars in entry["stars"]:
            entry["stars"][stars] += count
        entry["total"] += count
    return list(overview.values())
