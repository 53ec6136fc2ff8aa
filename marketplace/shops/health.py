"""A shop's health beyond its last call: are its orders still being pulled?

Stock follows orders only while each shop's orders are pulled every minute. A pull that
stopped (a job lost, a worker down) used to leave the shop "connected" and the other
shops overselling; a pull older than ``ORDERS_LATE_SECONDS`` is shown as a problem.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from flask import current_app

from marketplace.common.models import utcnow
from marketplace.connectors import registry
from marketplace.connectors.types import Capability
from marketplace.shops import services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus


def takes_orders(shop: Shop) -> bool:
    """A connected shop on a platform whose orders we pull."""
    connector = registry.get_connector(shop.platform)
    return shop.status == ShopStatus.CONNECTED and Capability.ORDERS in connector.capabilities


def orders_late(shop: Shop, now: datetime | None = None) -> bool:
    """Whether the shop's orders should have been pulled by now and were not.

    A shop never pulled counts from its connection: its first pull is due within a minute.
    """
    if not takes_orders(shop):
        return False
    late = timedelta(seconds=float(current_app.config["ORDERS_LATE_SECONDS"]))
    return (now or utcnow()) - (shop.last_orders_pulled_at or shop.created_at) > late


def late_shops(cooperative_id: int) -> list[Shop]:
    """The cooperative's shops whose orders are late, for the banner on its pages."""
    now = utcnow()
    return [shop for shop in services.connected_shops(cooperative_id) if orders_late(shop, now)]
