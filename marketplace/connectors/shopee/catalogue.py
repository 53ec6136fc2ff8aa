"""Items: images, create, update, delist and relist, and reading them back (shopee.md §5.1–5.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.categories import CategoriesMixin
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import chunks
from marketplace.connectors.shopee.convert import ITEM_STATUS
from marketplace.connectors.shopee.convert import attribute
from marketplace.connectors.shopee.convert import dimension
from marketplace.connectors.shopee.convert import html_to_text
from marketplace.connectors.shopee.convert import image_refs
from marketplace.connectors.shopee.convert import is_single
from marketplace.connectors.shopee.convert import money_out
from marketplace.connectors.shopee.convert import remote_variant
from marketplace.connectors.shopee.convert import tiers
from marketplace.connectors.shopee.convert import weight_kg
from marketplace.connectors.shopee.errors import PLATFORM
from marketplace.connectors.shopee.errors import short_code
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Page
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import VariantPayload

ITEM_PAGE = 100  # get_item_list page_size max (§5.1)
BASE_INFO_BATCH = 50  # get_item_base_info ids per call (§5.1)
LISTED_STATUSES = ("NORMAL", "UNLIST", "REVIEWING", "BANNED")
NO_BRAND = {"brand_id": 0, "original_brand_name": "NoBrand"}  # brand_id 0 (§5.1)
IMAGE_BATCH = 8  # upload_image: the field ``image`` repeated, "less than 9" files (§5.1)


class CatalogueMixin(CategoriesMixin):
    """add_item, init_tier_variation, update_item, unlist_item, upload_image; then
    get_item_list → get_item_base_info → get_model_list."""

    item_page_size: ClassVar[int] = ITEM_PAGE

    # -- write -------------------------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
        """media_space/upload_image: public sign, multipart field ``image`` (§5.1)."""
        return self.upload_images([(data, filename)])[0]

    def upload_images(self, images: Sequence[tuple[bytes, str]]) -> list[ImageRef]:
        """upload_image with up to ``IMAGE_BATCH`` files per call; a refused file refuses
        the whole call (the caller uploads one by one to learn which)."""
        refs: list[ImageRef] = []
        for chunk in chunks(list(images), IMAGE_BATCH):
            files = [("image", (name, data, _mime(name))) for data, name in chunk]
            answer = self._call("POST", "/api/v2/media_space/upload_image", files=files, shop=False)
            refs += image_refs(answer.get("response") or {}, len(chunk))
        return refs

    def _channels(self) -> list[Json]:
        return [dict(c) for c in self._remembered("channels", "", self._usable_channels)]

    def _usable_channels(self) -> list[Json]:
        channels = self._get("/api/v2/logistics/get_channel_list").get("logistics_channel_list")
        usable = [
            {"logistic_id": c["logistics_channel_id"], "enabled": True}
            for c in channels or []
            if c.get("enabled") and not c.get("mask_channel_id")
        ]
        if not usable:
            raise Rejected("no enabled Shopee logistics channel", field="logistic_info")
        return usable

    def _attribute_list(self, category_id: str, wanted: dict[str, str]) -> list[Json]:
        if not wanted:
            return []
        tree = self._remembered(
            "attribute_tree", category_id, lambda: self._attribute_tree(category_id)
        )
        return [attribute(tree, key, value) for key, value in wanted.items()]

    def _brand(self, category_id: str, wanted: str) -> Json:
        if not wanted:
            return dict(NO_BRAND)
        for brand in self._remembered("brands", category_id, lambda: self.brands(category_id)):
            if wanted in (brand.platform_id, brand.name):
                return {"brand_id": int(brand.platform_id), "original_brand_name": brand.name}
        raise Rejected(f"brand {wanted!r} is not allowed in this category", field="brand")

    def _item_body(self, item: ItemPayload) -> Json:
        if not item.variants:
            raise Rejected("an item needs at least one variant", field="variants")
        body: Json = {
            "item_name": item.name,
            "description": html_to_text(item.description_html),
            "category_id": int(item.category_id),
            "original_price": money_out(min(v.price for v in item.variants)),
            "weight": weight_kg(item),
            "item_sku": item.seller_sku,
            "image": {"image_id_list": [i.platform_id for i in item.images]},
            "logistic_info": self._channels(),
            "attribute_list": self._attribute_list(item.category_id, item.attributes),
            "brand": self._brand(item.category_id, item.brand),
            "item_status": "NORMAL",
            "condition": "NEW",
            "seller_stock": [{"stock": item.variants[0].stock if is_single(item) else 0}],
        }
        package = dimension(item)
        if package is not None:
            body["dimension"] = package
        return body

    def create_item(self, item: ItemPayload) -> RemoteItem:
        """add_item, then init_tier_variation for the models (§5.1, §5.3).

        Their answers hold the item's status and the models' ids, so nothing is read back,
        unless an earlier attempt had made the item or its models already.
        """
        item_id, added = self._add_item(item)
        if is_single(item):
            models: dict[str, str] | None = {item.variants[0].seller_sku: "0"}  # §5.1
        else:
            models = self._init_models(item_id, item.variants)
        if added is None or models is None:
            return self._read_back(item_id)
        return RemoteItem(
            platform_item_id=item_id,
            seller_sku=item.seller_sku,
            name=item.name,
            status=ITEM_STATUS.get(str(added.get("item_status")), "pending"),
            variants=[
                RemoteVariant(v.seller_sku, models[v.seller_sku], v.price, v.stock)
                for v in item.variants
            ],
        )

    def _read_back(self, item_id: str) -> RemoteItem:
        found = self._remote_items([item_id])
        if not found:
            raise NotFound(f"item {item_id} vanished after creation", platform=PLATFORM)
        return found[0]

    def _add_item(self, item: ItemPayload) -> tuple[str, Json | None]:
        """The new item's id and add_item's answer; None for an item adopted instead."""
        try:
            added = self._post("/api/v2/product/add_item", self._item_body(item))
        except Rejected as exc:
            # A lost answer to an earlier attempt leaves the item behind: adopt it.
            if short_code(exc.code) != "error_item_sku_duplicate":
                raise
            existing = self.find_by_seller_sku(item.seller_sku)
            if existing is None or existing.seller_sku != item.seller_sku:
                raise
            return existing.platform_item_id, None
        return str(added["item_id"]), added

    def _init_models(
        self, item_id: str, variants: Sequence[VariantPayload]
    ) -> dict[str, str] | None:
        """Model id by model SKU from the answer; None when the models were there already
        or the answer does not name every one."""
        tier_list, indexes = tiers(variants)
        models = [
            {
                "tier_index": index,
                "original_price": money_out(v.price),
                "model_sku": v.seller_sku,
                "seller_stock": [{"stock": v.stock}],
            }
            for v, index in zip(variants, indexes, strict=True)
        ]
        body = {"item_id": int(item_id), "tier_variation": tier_list, "model": models}
        try:
            answer = self._post("/api/v2/product/init_tier_variation", body)
        except Rejected as exc:
            # UNVERIFIED (shopee.md §5.3): the sandbox answers error_tier_variation_exists
            # when models exist already (an earlier attempt's answer was lost).
            if short_code(exc.code) != "error_tier_variation_exists":
                raise
            return None
        # UNVERIFIED (shopee.md §5.3): the answer lists the new models with model_id and
        # model_sku, as the sandbox does; without them we read the item back.
        ids = {str(m.get("model_sku")): str(m["model_id"]) for m in answer.get("model") or []}
        return ids if all(v.seller_sku in ids for v in variants) else None

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        body = self._item_body(item)
        for key in ("original_price", "seller_stock"):  # dedicated APIs (§5.1)
            body.pop(key)
        body["item_id"] = int(platform_item_id)
        self._post("/api/v2/product/update_item", body)
        found = self._remote_items([platform_item_id])
        if not found:
            raise NotFound(f"item {platform_item_id} not found", platform=PLATFORM)
        if not is_single(item) and all(v.platform_variant_id == "0" for v in found[0].variants):
            # A create cut short between add_item and init_tier_variation (a worker killed,
            # retries exhausted) left an item without models: give it its models now.
            self._init_models(platform_item_id, item.variants)
            found = self._remote_items([platform_item_id])
        return found[0]

    def _unlist(self, platform_item_id: str, unlist: bool) -> None:
        body = {"item_list": [{"item_id": int(platform_item_id), "unlist": unlist}]}
        answer = self._post("/api/v2/product/unlist_item", body)
        for failure in answer.get("failure_list") or []:
            reason = str(failure.get("failed_reason") or "failed")
            raise (NotFound if "not found" in reason.lower() else Rejected)(
                reason, code="unlist_item", platform=PLATFORM
            )

    def delist(self, platform_item_id: str) -> None:
        self._unlist(platform_item_id, True)

    def relist(self, platform_item_id: str) -> None:
        self._unlist(platform_item_id, False)

    # -- read --------------------------------------------------------------------
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


def _mime(filename: str) -> str:
    return "image/png" if filename.lower().endswith(".png") else "image/jpeg"
