"""Reading the shop's items and their models back (shopee.md §5.1, §5.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.shopee.client import chunks
from marketplace.connectors.shopee.convert import ITEM_STATUS
from marketplace.connectors.shopee.convert import remote_variant
from marketplace.connectors.types import Page
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant

ITEM_PAGE = 100  # get_item_list page_size max (§5.1)
BASE_INFO_BATCH = 50  # get_item_base_info ids per call (§5.1)
LISTED_STATUSES = ("NORMAL", "UNLIST", "REVIEWING", "BANNED")


class CatalogueReadMixin(ShopeeClient):
    """get_item_list → get_item_base_info → get_model_list."""

    item_page_size: ClassVar[int] = ITEM_PAGE

    def _item_page(self, offset: int) -> Json:
        return self._get(
            "/api/v2/product/get_item_list",
            offset=offset,
            page_size=self.item_page_size,
            item_status=list(LISTED_STATUSES),
        )

    def _remote_items(self, item_ids: Sequence[str]) -> list[RemoteItem]:
        items: list[RemoteItem] = []
        for chunk in chunks(list(item_ids), BASE_INFO_BATCH):
            answer = self._get("/api/v2/product/get_item_base_info", item_id_list=",".join(chunk))
            for info in answer.get("item_list") or []:
                items.append(self._remote_item(info))
        return items

    def _remote_item(self, info: Json) -> RemoteItem:
        item = RemoteItem(
            platform_item_id=str(info["item_id"]),
            seller_sku=str(info.get("item_sku") or ""),
            name=str(info.get("item_name") or ""),
            status=ITEM_STATUS.get(str(info.get("item_status")), "pending"),
        )
        if info.get("has_model"):
            item.variants += self._model_variants(item.platform_item_id)
        else:
            # An item without models is its own single variant, model_id 0 (§5.1).
            item.variants.append(remote_variant(info, item.seller_sku, "0"))
        return item

    def _model_variants(self, item_id: str) -> list[RemoteVariant]:
        models = self._get("/api/v2/product/get_model_list", item_id=item_id)
        return [
            remote_variant(m, str(m.get("model_sku") or ""), str(m["model_id"]))
            for m in models.get("model") or []
        ]

    def find_by_seller_sku(self, seller_sku: str) -> RemoteItem | None:
        """Scan the shop (get_item_list → base info → models): no documented SKU search."""
        offset: int | None = 0
        while offset is not None:
            page = self._item_page(offset)
            ids = [str(x["item_id"]) for x in page.get("item") or []]
            for item in self._remote_items(ids):
                if seller_sku == item.seller_sku or any(
                    v.seller_sku == seller_sku for v in item.variants
                ):
                    return item
            offset = int(page["next_offset"]) if page.get("has_next_page") else None
        return None

    def list_items(self, cursor: str | None = None) -> Page[RemoteItem]:
        page = self._item_page(int(cursor or 0))
        ids = [str(x["item_id"]) for x in page.get("item") or []]
        following = str(page["next_offset"]) if page.get("has_next_page") else None
        return Page(items=self._remote_items(ids), next_cursor=following)
