"""Periodic upkeep of the connected shops."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from marketplace import jobs
from marketplace.common.models import utcnow
from marketplace.connectors.errors import ConnectorError
from marketplace.extensions import db
from marketplace.shops import services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

log = logging.getLogger(__name__)


# Tokens are refreshed ahead of expiry, so no sync starts with a dead one.
@jobs.periodic(900)
def refresh_expiring_tokens(ahead_seconds: int = 3600) -> int:
    """Cron: refresh access tokens that expire within ``ahead_seconds``, before any job needs
    them, so an idle shop's refresh token keeps being renewed too; returns how many."""
    soon = utcnow() + timedelta(seconds=ahead_seconds)
    shops = db.session.scalars(
        select(Shop).where(Shop.status == ShopStatus.CONNECTED, Shop.access_expires_at < soon)
    ).all()
    refreshed = 0
    for shop in shops:
        try:
            services.refresh_tokens(shop, shop.access_token)
            refreshed += 1
        except ConnectorError as exc:  # marked on the shop (needs re-authorisation) and logged
            log.warning("shop %r: token refresh failed: %s", shop.id, exc.message)
    db.session.commit()
    return refreshed
