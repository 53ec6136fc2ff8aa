"""Products and their images: create, update, delist, relist, read (tiktok.md §5)."""

from __future__ import annotations

import mimetypes
from typing import Any

from marketplace.connectors.errors import Rejected
from marketplace.connectors.tiktok import convert
from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.tiktok.errors import DUPLICATE_SKU
from marketplace.connectors.tiktok.errors import error_for
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Page
from marketplace.connectors.types import RemoteItem

# UNVERIFIED (tiktok.md §7): product search pages of 50, at most 100.
PRODUCT_PAGE = 50
PRODUCT_PAGE_MAX = 100


class CatalogueMixin(TikTokClient):
    """The CATALOGUE_WRITE and CATALOGUE_READ capabilities."""

    # -- catalogue write ------------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
        """Upload one main image; its ``uri`` is what products refer to."""
        mime = mimetypes.guess_type(filename)[0] or "image/jpeg"
        doc = self._call(
            "POST",
            "/product/202309/images/upload",
            files={"data": (filename, data, mime)},
            form={"use_case": "MAIN_IMAGE"},
            shop=False,
        )
        return ImageRef(platform_id=str(doc["uri"]), url=str(doc.get("url", "")))

    def _attribute_ids(self, item: ItemPayload) -> dict[str, str]:
        """Attribute names → ids, fetched only when ``item.attributes`` uses names."""
        if all(key.isdigit() for key in item.attributes):
            return {}
        return {a.name: a.platform_id for a in self.category_attributes(item.category_id)}

    def create_item(self, item: ItemPayload) -> RemoteItem:
        """Create a product with its SKUs."""
        body = convert.product_body(item, self._attribute_ids(item))
        try:
            data = self._call("POST", "/product/202309/products", body=body)
        except Rejected as exc:
            existing = self._created_before(item, exc)
            if existing is None:
                raise
            return existing
        return convert.created_item(item, data)

    def _created_before(self, item: ItemPayload, exc: Rejected) -> RemoteItem | None:
        """The product a lost create made, when ``exc`` says its SKUs are taken."""
        # A retried create whose first answer was lost: the SKUs are ours already.
        if exc.code != str(DUPLICATE_SKU) or not item.variants:
            return None
        existing = self.find_by_seller_sku(item.variants[0].seller_sku)
        if existing is not None and existing.seller_sku == item.seller_sku:
            return existing
        return None

    def _detail(self, product_id: str) -> dict[str, Any]:
        """Get Product Detail."""
        return self._call("GET", f"/product/202309/products/{product_id}")

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        """Replace a product's content, keeping the ids of SKUs it already has."""
        current = self._detail(platform_item_id)
        body = convert.product_body(item, self._attribute_ids(item))
        ids = {str(s.get("seller_sku")): str(s["id"]) for s in current.get("skus") or []}
        for sku, variant in zip(body["skus"], item.variants, strict=True):
            # By seller_sku, else by the id we know: an SKU with an id is edited, not re-made.
            known = (
                variant.platform_variant_id if variant.platform_variant_id in ids.values() else ""
            )
            sku_id = ids.get(sku["seller_sku"]) or known
            if sku_id:
                sku["id"] = sku_id
        data = self._call("PUT", f"/product/202509/products/{platform_item_id}", body=body)
        result = convert.created_item(item, {"product_id": platform_item_id, **data})
        result.status = convert.PRODUCT_STATUS.get(str(current.get("status")), "pending")
        return result

    def _set_status(self, action: str, platform_item_id: str) -> None:
        """Activate or deactivate one product, raising its first per-product error."""
        data = self._call(
            "POST", f"/product/202309/products/{action}", body={"product_ids": [platform_item_id]}
        )
        for error in data.get("errors") or []:
            raise error_for(int(error.get("code", -1)), str(error.get("message", "")))

    def delist(self, platform_item_id: str) -> None:
        """Deactivate the product."""
        self._set_status("deactivate", platform_item_id)

    def relist(self, platform_item_id: str) -> None:
        """Activate the product again."""
        self._set_status("activate", platform_item_id)

    # -- catalogue read -------------------------------------------------------
    def _search(
        self, filters: dict[str, Any], cursor: str | None, size: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of Search Products and the next page's token."""
        query: dict[str, Any] = {"page_size": size}
        if cursor:
            query["page_token"] = cursor
        data = self._call("POST", "/product/202502/products/search", query=query, body=filters)
        return list(data.get("products") or []), (data.get("next_page_token") or None)

    def find_by_seller_sku(self, seller_sku: str) -> RemoteItem | None:
        """The product with this SKU seller_sku, or else this external_product_id."""
        products, _ = self._search({"seller_skus": [seller_sku]}, None, PRODUCT_PAGE)
        if products:
            return convert.remote_item(products[0])
        return self._find_by_parent_sku(seller_sku)

    def _find_by_parent_sku(self, seller_sku: str) -> RemoteItem | None:
        """The product whose external_product_id is ``seller_sku``, if any."""
        # A parent SKU is not a search filter: walk the listings' external_product_id.
        cursor: str | None = None
        while True:
            products, cursor = self._search({}, cursor, PRODUCT_PAGE_MAX)
            for product in products:
                if product.get("external_product_id") == seller_sku:
                    return convert.remote_item(product)
            if cursor is None:
                return None

    def list_items(self, cursor: str | None = None) -> Page[RemoteItem]:
        """One page of the shop's products."""
        products, nxt = self._search({}, cursor, PRODUCT_PAGE)
        return Page([convert.remote_item(p) for p in products], nxt)
