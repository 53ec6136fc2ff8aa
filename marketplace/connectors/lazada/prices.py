"""Lazada price and stock updates (lazada.md §3.6)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from marketplace.connectors.errors import Rejected
from marketplace.connectors.lazada.parsing import PLATFORM
from marketplace.connectors.lazada.parsing import LazadaRejected
from marketplace.connectors.lazada.transport import LazadaBase
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import WriteResult


def _detail_by_sku(exc: Rejected) -> dict[str, str]:
    """The error's per-SKU messages, by SellerSku."""
    if not isinstance(exc, LazadaRejected):
        return {}
    return {
        str(d.get("seller_sku")): str(d.get("message", exc.message))
        for d in exc.detail
        if isinstance(d, dict) and d.get("seller_sku")
    }


def _partial(batch: Sequence[PriceStock], exc: Rejected) -> list[WriteResult]:
    """Results of a batch the platform refused in whole or in part."""
    failed = _detail_by_sku(exc)
    if not failed:
        return [WriteResult(u.seller_sku, exc) for u in batch]
    # UNVERIFIED (lazada.md §3.6): error 501's detail names the failed SKUs; the
    # others were written.
    return [
        WriteResult(
            u.seller_sku,
            Rejected(failed[u.seller_sku], code=exc.code, platform=PLATFORM)
            if u.seller_sku in failed
            else None,
        )
        for u in batch
    ]


class PriceStockMixin(LazadaBase):
    """The ``PRICE_STOCK`` capability."""

    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        """Write the updates ``price_stock_batch`` SKUs per call."""
        results: list[WriteResult] = []
        for start in range(0, len(updates), self.price_stock_batch):
            results += self._price_stock(updates[start : start + self.price_stock_batch])
        return results

    def _price_stock(self, batch: Sequence[PriceStock]) -> list[WriteResult]:
        """One ``/product/price_quantity/update`` call."""
        skus = [
            {
                "ItemId": u.platform_item_id,
                "SkuId": u.platform_variant_id,
                "SellerSku": u.seller_sku,
                "Price": str(u.price),
                "Quantity": str(u.stock),
            }
            for u in batch
        ]
        payload = json.dumps({"Request": {"Product": {"Skus": {"Sku": skus}}}})
        try:
            self._post("/product/price_quantity/update", {"payload": payload})
        except Rejected as exc:
            return _partial(batch, exc)
        return [WriteResult(u.seller_sku) for u in batch]
