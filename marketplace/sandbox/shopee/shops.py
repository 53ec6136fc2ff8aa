"""The sandbox's seller shops: the demo shop and those opened through ``/_sandbox/shops``."""

from __future__ import annotations

from marketplace.sandbox.common import SellerShop
from marketplace.sandbox.common import SellerShops
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee.gateway import DEMO_SHOP_ID
from marketplace.sandbox.shopee.gateway import ensure_seed


def _listing() -> list[SellerShop]:
    ensure_seed()
    docs = current_sandbox().store.all("shops")
    shops = [SellerShop(str(d["shop_id"]), str(d["shop_name"])) for d in docs]
    return sorted(shops, key=lambda s: s.id != str(DEMO_SHOP_ID))


def _opening(name: str) -> SellerShop:
    store = current_sandbox().store
    shop_id = store.next_id("shop", DEMO_SHOP_ID + 1)
    store.put("shops", str(shop_id), {"shop_id": shop_id, "shop_name": name, "region": "VN"})
    return SellerShop(str(shop_id), name)


SHOPS = SellerShops(_listing, _opening)
