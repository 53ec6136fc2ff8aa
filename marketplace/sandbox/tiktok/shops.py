"""The sandbox's seller shops: the demo shop and those opened through ``/_sandbox/shops``,
each with its own ``shop_cipher`` (the id API calls name the shop by)."""

from __future__ import annotations

import secrets

from marketplace.sandbox.common import SellerShop
from marketplace.sandbox.common import SellerShops
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.tiktok import core


def _listing() -> list[SellerShop]:
    core.ensure_demo()
    shops = [SellerShop(d["id"], d["name"]) for d in current_sandbox().store.all("shops")]
    return sorted(shops, key=lambda s: s.id != core.DEMO_SHOP["id"])


def _opening(name: str) -> SellerShop:
    store = current_sandbox().store
    shop_id = str(store.next_id("shop", int(core.DEMO_SHOP["id"]) + 1))
    doc = {
        "id": shop_id,
        "name": name,
        "region": "VN",
        "seller_type": "LOCAL",
        "cipher": "GCP_" + secrets.token_urlsafe(21),
        "code": f"VNLC{shop_id[-6:]}",
    }
    store.put("shops", shop_id, doc)
    return SellerShop(shop_id, name)


SHOPS = SellerShops(_listing, _opening)
