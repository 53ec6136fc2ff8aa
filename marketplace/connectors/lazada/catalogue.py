"""Lazada products: images, create, update, delist, relist, read (lazada.md §3).

Lazada has no parent SKU: ``ItemPayload.seller_sku`` lives in the product
attribute ``model`` and the variants' SKUs are the SKUs' ``SellerSku``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.lazada.client import Params
from marketplace.connectors.lazada.convert import item_status
from marketplace.connectors.lazada.convert import product_body
from marketplace.connectors.lazada.convert import remote_item
from marketplace.connectors.lazada.errors import PLATFORM
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Page
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant

PRODUCTS_PAGE = 50  # UNVERIFIED (lazada.md §3.5): 50 per the API page, not the FAQ's 500
DUPLICATE_SKU = frozenset({"4105", "4126", "4141"})


class CatalogueMixin(LazadaClient):
    """The ``CATALOGUE_WRITE`` and ``CATALOGUE_READ`` capabilities."""

    # -- write -------------------------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
        """A Lazada-hosted copy of the image."""
        body = self._call("/image/upload", {}, method="POST", files={"image": (filename, data)})
        image = (body.get("data") or {}).get("image") or {}
        return ImageRef(platform_id=str(image["url"]), url=str(image["url"]))

    def create_item(self, item: ItemPayload) -> RemoteItem:
        """Create the product; a duplicate-SKU answer returns the existing one."""
        payload = json.dumps({"Request": {"Product": product_body(item)}}, ensure_ascii=False)
        try:
            data = self._post("/product/create", {"payload": payload}).get("data") or {}
        except Rejected as exc:
            # A retried create whose first answer was lost: the SKUs already exist.
            if exc.code in DUPLICATE_SKU:
                existing = self.find_by_seller_sku(item.seller_sku)
                if existing is not None:
                    return existing
            raise
        by_sku = {str(s["seller_sku"]): str(s["sku_id"]) for s in data.get("sku_list", [])}
        return RemoteItem(
            platform_item_id=str(data["item_id"]),
            seller_sku=item.seller_sku,
            name=item.name,
            status=item_status(str(data.get("item_status", "Active"))),
            variants=[
                RemoteVariant(v.seller_sku, by_sku.get(v.seller_sku, ""), v.price, v.stock)
                for v in item.variants
            ],
        )

    def _item(self, platform_item_id: str) -> dict[str, Any]:
        """``/product/item/get``'s product, or NotFound."""
        data = self._call("/product/item/get", {"item_id": platform_item_id}).get("data")
        if not data:
            raise NotFound(f"item {platform_item_id}", platform=PLATFORM)
        return dict(data)

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        """Rewrite the product's content, leaving price and stock alone."""
        current = self._item(platform_item_id)
        sku_ids = {str(s["SellerSku"]): str(s["SkuId"]) for s in current.get("skus", [])}
        product = product_body(item, sku_ids)
        product["ItemId"] = platform_item_id
        for sku in product["Skus"]["Sku"]:
            # Price and stock go through update_price_stock only.
            sku.pop("price", None)
            sku.pop("quantity", None)
        payload = json.dumps({"Request": {"Product": product}}, ensure_ascii=False)
        self._post("/product/update", {"payload": payload})
        return remote_item(self._item(platform_item_id))

    def delist(self, platform_item_id: str) -> None:
        """Deactivate every SKU of the item; already inactive is fine."""
        # UNVERIFIED (lazada.md §3.7): ItemId without Skus deactivates every SKU of the item.
        body = json.dumps({"Request": {"Product": {"ItemId": platform_item_id}}})
        try:
            self._post("/product/deactivate", {"apiRequestBody": body})
        except Rejected as exc:
            if exc.code != "E0004":  # already inactive
                raise

    def relist(self, platform_item_id: str) -> None:
        """Activate every SKU of the item again."""
        # lazada.md §3.3: /product/update with every SKU's Status = active.
        current = self._item(platform_item_id)
        skus = [{"SkuId": str(s["SkuId"]), "Status": "active"} for s in current.get("skus", [])]
        product = {"ItemId": platform_item_id, "Attributes": {}, "Skus": {"Sku": skus}}
        self._post("/product/update", {"payload": json.dumps({"Request": {"Product": product}})})

    # -- read --------------------------------------------------------------------
    def _products(self, offset: int, extra: Params | None = None) -> tuple[list[RemoteItem], int]:
        """One ``/products/get`` page and the total."""
        params = {"filter": "all", "offset": str(offset), "limit": str(PRODUCTS_PAGE)}
        params.update(extra or {})
        data = self._call("/products/get", params).get("data") or {}
        products = [remote_item(p) for p in data.get("products") or []]
        return products, int(data.get("total_products") or 0)

    def find_by_seller_sku(self, seller_sku: str) -> RemoteItem | None:
        """The item with this variant SKU or, failing that, this parent SKU."""
        found, _ = self._products(0, {"sku_seller_list": json.dumps([seller_sku])})
        for item in found:
            if any(v.seller_sku == seller_sku for v in item.variants):
                return item
        # Parent SKUs are only an attribute: /products/get cannot search them.
        for item in self._all_items():
            if item.seller_sku == seller_sku:
                return item
        return None

    def _all_items(self) -> Iterator[RemoteItem]:
        """Every item of the shop, page by page."""
        cursor: str | None = None
        while True:
            page = self.list_items(cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def list_items(self, cursor: str | None = None) -> Page[RemoteItem]:
        """One page of the shop's items; the cursor is the offset."""
        offset = int(cursor or 0)
        items, total = self._products(offset)
        following = offset + len(items)
        # /products/get refuses offsets over 10000.
        more = bool(items) and following < total and following <= 10_000
        return Page(items, str(following) if more else None)
