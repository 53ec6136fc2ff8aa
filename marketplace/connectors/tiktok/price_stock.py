"""Prices and inventory, one product per call (tiktok.md §5)."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.tiktok import convert
from marketplace.connectors.tiktok.catalogue import PRODUCT_PAGE_MAX
from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.tiktok.client import chunks
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import VariantRef
from marketplace.connectors.types import WriteResult

# UNVERIFIED (tiktok.md §7): ≤20 SKUs of one product per price or inventory call.
SKUS_PER_CALL = 20


def _chunks_by_product(
    updates: Sequence[PriceStock], size: int
) -> Iterator[tuple[str, Sequence[int]]]:
    """Indexes into ``updates`` per product (first-seen order), in slices of ``size``."""
    by_product: dict[str, list[int]] = {}
    for index, update in enumerate(updates):
        by_product.setdefault(update.platform_item_id, []).append(index)
    for product_id, indexes in by_product.items():
        for chunk in chunks(indexes, size):
            yield product_id, chunk


def _sku_bodies(
    updates: Sequence[PriceStock], chunk: Sequence[int]
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The ``skus`` of the prices call, then of the inventory call, for ``chunk``."""
    prices = [
        {
            "id": updates[i].platform_variant_id,
            "price": {"amount": str(updates[i].price), "currency": convert.CURRENCY},
        }
        for i in chunk
    ]
    stock = [
        {"id": updates[i].platform_variant_id, "inventory": [{"quantity": updates[i].stock}]}
        for i in chunk
    ]
    return [("prices", prices), ("inventory", stock)]


class PriceStockMixin(TikTokClient):
    """The PRICE_STOCK capability."""

    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        """Write prices and stock; a failed call fails only the SKUs it carried."""
        errors: dict[int, Exception] = {}
        for product_id, chunk in _chunks_by_product(updates, SKUS_PER_CALL):
            for kind, skus in _sku_bodies(updates, chunk):
                failure = self._update_skus(product_id, kind, skus)
                if failure is not None:
                    for i in chunk:
                        errors.setdefault(i, failure)
        return [WriteResult(u.seller_sku, errors.get(i)) for i, u in enumerate(updates)]

    def _update_skus(
        self, product_id: str, kind: str, skus: list[dict[str, Any]]
    ) -> ConnectorError | None:
        """One prices or inventory call; its error, unless that error is about auth."""
        try:
            self._call(
                "POST", f"/product/202309/products/{product_id}/{kind}/update", body={"skus": skus}
            )
        except AuthError:
            # Every later call would fail the same way: stop the whole batch.
            raise
        except ConnectorError as exc:
            return exc
        return None

    def read_price_stock(self, variants: Sequence[VariantRef]) -> list[RemoteVariant | None]:
        """Search Products filtered by ``seller_skus``, a full page of SKUs per search."""
        # UNVERIFIED (tiktok.md §7): no documented cap on the seller_skus filter; we send
        # at most a page's worth, so one search answers them unless a shop is odd.
        size = PRODUCT_PAGE_MAX
        skus = list(dict.fromkeys(v.seller_sku for v in variants))
        seen: dict[tuple[str, str], RemoteVariant] = {}
        for chunk in chunks(skus, size):
            cursor: str | None = None
            while True:
                query: dict[str, Any] = {"page_size": size}
                if cursor:
                    query["page_token"] = cursor
                data = self._call(
                    "POST",
                    "/product/202502/products/search",
                    query=query,
                    body={"seller_skus": list(chunk)},
                )
                for product in data.get("products") or []:
                    item = convert.remote_item(product)
                    for variant in item.variants:
                        seen[(item.platform_item_id, variant.platform_variant_id)] = variant
                cursor = data.get("next_page_token") or None
                if cursor is None:
                    break
        return [seen.get((v.platform_item_id, v.platform_variant_id)) for v in variants]
