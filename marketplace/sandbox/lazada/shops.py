"""The sandbox's sellers: the demo seller (``data.SELLER``) and those opened through
``/_sandbox/shops``. On Lazada a seller account is one shop per country."""

from __future__ import annotations

from typing import Any

from marketplace.sandbox.common import SellerShop
from marketplace.sandbox.common import SellerShops
from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.lazada.data import SELLER


def seller(seller_id: str) -> dict[str, Any]:
    """The seller's account; the demo seller for an id the sandbox does not know."""
    return current_sandbox().store.get("sellers", seller_id) or dict(SELLER)


def _listing() -> list[SellerShop]:
    others = [SellerShop(d["seller_id"], d["name"]) for d in current_sandbox().store.all("sellers")]
    return [SellerShop(SELLER["seller_id"], SELLER["name"]), *others]


def _opening(name: str) -> SellerShop:
    store = current_sandbox().store
    seller_id = str(store.next_id("seller", int(SELLER["seller_id"]) + 1))
    doc = {
        "seller_id": seller_id,
        "user_id": str(store.next_id("user", int(SELLER["user_id"]) + 1)),
        "short_code": f"VN{seller_id[-7:]}",
        "name": name,
        "company": name,
        "email": f"seller.{seller_id}@example.vn",
    }
    store.put("sellers", seller_id, doc)
    return SellerShop(seller_id, name)


SHOPS = SellerShops(_listing, _opening)
