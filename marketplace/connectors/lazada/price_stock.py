"""Lazada price and stock updates (lazada.md §3.6)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from marketplace.connectors.errors import Rejected
from marketplace.connectors.lazada.catalogue import PRODUCTS_PAGE
from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.lazada.convert import remote_item
from marketplace.connectors.lazada.errors import PLATFORM
from marketplace.connectors.lazada.errors import LazadaRejected
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import VariantRef
from marketplace.connectors.types import WriteResult

# lazada.md §3.5: sku_seller_list takes ≤100 SKUs but a page holds ≤50 products; 50 SKUs
# match at most 50 products, so each read-back call is one full page.
READ_BATCH = PRODUCTS_PAGE


# The names in error 501's detail (the tags of the request, lazada.md §3.6) -> our fields.
_FIELDS = {"Price": "price", "SalePrice": "price", "Quantity": "stock", "SellerSku": "seller_sku"}


def _detail_by_sku(exc: Rejected) -> dict[str, tuple[str, str]]:
    """The error's per-SKU message and our field name, by SellerSku."""
    if not isinstance(exc, LazadaRejected):
        return {}
    return {
        str(d.get("seller_sku")): (
            str(d.get("message", exc.message)),
            _FIELDS.get(str(d.get("field", "")), ""),
        )
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
            Rejected(
                failed[u.seller_sku][0],
                field=failed[u.seller_sku][1],
                code=exc.code,
                platform=PLATFORM,
            )
            if u.seller_sku in failed
            else None,
        )
        for u in batch
    ]


class PriceStockMixin(LazadaClient):
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

    def read_price_stock(self, variants: Sequence[VariantRef]) -> list[RemoteVariant | None]:
        """``/products/get`` filtered by ``sku_seller_list``, ``READ_BATCH`` SKUs per call."""
        skus = list(dict.fromkeys(v.seller_sku for v in variants))
        seen: dict[tuple[str, str], RemoteVariant] = {}
        for start in range(0, len(skus), READ_BATCH):
            self._read_skus(skus[start : start + READ_BATCH], seen)
        return [seen.get((v.platform_item_id, v.seller_sku)) for v in variants]

    def _read_skus(self, skus: list[str], seen: dict[tuple[str, str], RemoteVariant]) -> None:
        """Every page of the products holding these SKUs (one page unless the shop is odd)."""
        offset = 0
        while True:
            params = {
                "filter": "all",
                "offset": str(offset),
                "limit": str(PRODUCTS_PAGE),
                "sku_seller_list": json.dumps(skus),
            }
            data = self._call("/products/get", params).get("data") or {}
            products = data.get("products") or []
            for product in products:
                item = remote_item(product)
                for variant in item.variants:
                    seen[(item.platform_item_id, variant.seller_sku)] = variant
            offset += len(products)
            if not products or offset >= int(data.get("total_products") or 0):
                return
