"""The Shopee Open Platform v2 connector (shopee.md)."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import ClassVar
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import requests

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.registry import register
from marketplace.connectors.shopee.signing import sign
from marketplace.connectors.shopee.wire import PLATFORM
from marketplace.connectors.shopee.wire import money_in
from marketplace.connectors.shopee.wire import money_out
from marketplace.connectors.shopee.wire import parse_json
from marketplace.connectors.shopee.wire import short_code
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import Capability
from marketplace.connectors.types import CategoryNode
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import OrderStatus
from marketplace.connectors.types import Page
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantPayload
from marketplace.connectors.types import WriteResult

Json = dict[str, Any]

ACCESS_TOKEN_SECONDS = 14_400  # shopee.md §3.3
REFRESH_TOKEN_DAYS = 30  # shopee.md §3.3 (the answer does not say; the doc does)
ITEM_PAGE = 100  # get_item_list page_size max (§5.1)
BASE_INFO_BATCH = 50  # get_item_base_info ids per call (§5.1)
MODEL_BATCH = 50  # update_price / update_stock models per call (§5.1)
ORDER_PAGE = 100  # get_order_list page_size max (§6.1)
ORDER_DETAIL_BATCH = 50  # get_order_detail order_sn per call (§6.2)
LISTED_STATUSES = ("NORMAL", "UNLIST", "REVIEWING", "BANNED")
ITEM_STATUS = {
    "NORMAL": "live",
    "UNLIST": "delisted",
    "REVIEWING": "pending",
    "BANNED": "rejected",
    "SELLER_DELETE": "delisted",
    "SHOPEE_DELETE": "rejected",
    "DELETED": "delisted",
}
ORDER_STATUS = {
    "UNPAID": OrderStatus.UNPAID,
    "PENDING": OrderStatus.UNPAID,
    "INVOICE_PENDING": OrderStatus.UNPAID,
    "READY_TO_SHIP": OrderStatus.TO_SHIP,
    "PROCESSED": OrderStatus.TO_SHIP,
    "RETRY_SHIP": OrderStatus.TO_SHIP,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.SHIPPED,
    "COMPLETED": OrderStatus.COMPLETED,
    "IN_CANCEL": OrderStatus.CANCELLED,
    "CANCELLED": OrderStatus.CANCELLED,
    "TO_RETURN": OrderStatus.RETURNED,
}
# order_income fields that are costs to the seller (positive = cost) -> our fee names.
FEE_FIELDS = {
    "commission_fee": "commission",
    "service_fee": "service",
    "seller_transaction_fee": "transaction",
    "campaign_fee": "campaign",
    "order_ams_commission_fee": "affiliate",
    "escrow_tax": "tax",
    "withholding_tax": "withholding_tax",
    "reverse_shipping_fee": "reverse_shipping",
}
DETAIL_FIELDS = "item_list,total_amount,pay_time,buyer_username,cancel_by,cancel_reason"
# No weight in the payload: Shopee requires one (§5.2), so we send this and say so.
DEFAULT_WEIGHT_G = 500
TIER_OPTION_MAX = 20  # tier_variation_option_length_limit sample value (§5.3)
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6])>|<br\s*/?>", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Shopee's normal description is plain text (§5.2): drop tags, keep line breaks."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def _utc(seconds: Any) -> datetime:
    return datetime.fromtimestamp(int(seconds or 0), tz=UTC)


def _chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


@register
class ShopeeConnector(Connector):
    name = "shopee"
    title = "Shopee"
    capabilities = frozenset(
        {
            Capability.AUTH,
            Capability.CATALOGUE_WRITE,
            Capability.CATALOGUE_READ,
            Capability.PRICE_STOCK,
            Capability.CATEGORIES,
            Capability.ORDERS,
            Capability.SETTLEMENT,
        }
    )
    image_rule = PLATFORM_RULES["shopee"]
    price_stock_batch = MODEL_BATCH
    order_window_days = 15
    item_page_size: ClassVar[int] = ITEM_PAGE
    order_page_size: ClassVar[int] = ORDER_PAGE

    # -- plumbing ---------------------------------------------------------

    def _url(self, path: str, *, auth_host: bool = False) -> str:
        base = (self.app.auth_base_url or self.app.base_url) if auth_host else self.app.base_url
        return base.rstrip("/") + path

    def _common(self, path: str, *, shop: bool) -> dict[str, str]:
        params = {"partner_id": str(self.app.app_key), "timestamp": str(int(self.now()))}
        if shop:
            tokens = self._tokens()
            params["access_token"] = tokens.access_token
            params["shop_id"] = str(tokens.shop_id)
        params["sign"] = sign(self.app.app_secret, path, params)[1]
        return params

    def _tokens(self) -> TokenSet:
        if self.tokens is None:
            raise AuthError("no Shopee tokens: connect the shop first", refreshable=False)
        return self.tokens

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Json | None = None,
        files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
        shop: bool = True,
        token_call: bool = False,
    ) -> Json:
        def build() -> requests.Request:
            params: list[tuple[str, str]] = list(self._common(path, shop=shop).items())
            for key, value in (query or {}).items():
                values = value if isinstance(value, list | tuple) else [value]
                params += [(key, str(v)) for v in values]  # lists: the key repeated (§5.1)
            return requests.Request(method, self._url(path), params=params, json=body, files=files)

        def parse(response: requests.Response) -> Json:
            return parse_json(response, token_call=token_call)

        return self.http.call(build, parse)

    def _get(self, path: str, **query: Any) -> Json:
        return dict(self._call("GET", path, query=query).get("response") or {})

    def _post(self, path: str, body: Json) -> Json:
        return dict(self._call("POST", path, body=body).get("response") or {})

    # -- auth ---------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The signed auth_partner link (§3.1); Shopee has no state, so it rides in redirect."""
        path = "/api/v2/shop/auth_partner"
        parts = urlsplit(redirect_uri)
        query = [*parse_qsl(parts.query), ("state", state)]
        redirect = urlunsplit(parts._replace(query=urlencode(query)))
        params = self._common(path, shop=False)
        params["redirect"] = redirect
        return f"{self._url(path, auth_host=True)}?{urlencode(params)}"

    def _token_set(self, data: Json, shop_id: str, shop_name: str = "") -> TokenSet:
        now = self.now()
        expire_in = int(data.get("expire_in") or ACCESS_TOKEN_SECONDS)
        return TokenSet(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            access_expires_at=_utc(now + expire_in),
            refresh_expires_at=_utc(now) + timedelta(days=REFRESH_TOKEN_DAYS),
            shop_id=shop_id,
            shop_name=shop_name,
        )

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        shop_id = params.get("shop_id", "")
        if not shop_id:
            # Main-account authorizations (§3.1) cover several shops; we connect one shop.
            raise AuthError("Shopee answered without shop_id", refreshable=False, platform=PLATFORM)
        body = {"code": code, "shop_id": int(shop_id), "partner_id": int(self.app.app_key)}
        data = self._call("POST", "/api/v2/auth/token/get", body=body, shop=False, token_call=True)
        self.tokens = self._token_set(data, shop_id)
        try:
            info = self._call("GET", "/api/v2/shop/get_shop_info")
            self.tokens.shop_name = str(info.get("shop_name") or "")
        except ConnectorError:
            pass  # the name is a nicety; the tokens are what matters
        return self.tokens

    def refresh(self) -> TokenSet:
        tokens = self._tokens()
        body = {
            "refresh_token": tokens.refresh_token,
            "shop_id": int(tokens.shop_id),
            "partner_id": int(self.app.app_key),
        }
        data = self._call(
            "POST", "/api/v2/auth/access_token/get", body=body, shop=False, token_call=True
        )
        self.tokens = self._token_set(data, tokens.shop_id, tokens.shop_name)
        self.tokens.extra = dict(tokens.extra)
        return self.tokens

    # -- images ---------------------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
        """media_space/upload_image: public sign, multipart field ``image`` (§5.1)."""
        mime = "image/png" if filename.lower().endswith(".png") else "image/jpeg"
        answer = self._call(
            "POST",
            "/api/v2/media_space/upload_image",
            files=[("image", (filename, data, mime))],
            shop=False,
        )
        info = (answer.get("response") or {}).get("image_info") or {}
        urls = info.get("image_url_list") or [{}]
        return ImageRef(platform_id=str(info["image_id"]), url=str(urls[0].get("image_url", "")))

    # -- catalogue write ---------------------------------------------------------
    def _channels(self) -> list[Json]:
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
        tree = self._attribute_tree(category_id)
        result = []
        for key, value in wanted.items():
            spec = next(
                (a for a in tree if str(a["attribute_id"]) == key or a.get("name") == key), None
            )
            if spec is None:
                raise Rejected(f"unknown Shopee attribute {key!r}", field="attributes")
            option = next(
                (v for v in spec.get("attribute_value_list") or [] if v.get("name") == value),
                None,
            )
            values = (
                [{"value_id": option["value_id"], "original_value_name": value}]
                if option
                else [{"value_id": 0, "original_value_name": value}]  # custom value (§5.2)
            )
            result.append({"attribute_id": spec["attribute_id"], "attribute_value_list": values})
        return result

    def _brand(self, category_id: str, wanted: str) -> Json:
        if not wanted:
            return {"brand_id": 0, "original_brand_name": "NoBrand"}  # brand_id 0 (§5.1)
        for brand in self.brands(category_id):
            if wanted in (brand.platform_id, brand.name):
                return {"brand_id": int(brand.platform_id), "original_brand_name": brand.name}
        raise Rejected(f"brand {wanted!r} is not allowed in this category", field="brand")

    @staticmethod
    def _tiers(variants: Sequence[VariantPayload]) -> tuple[list[Json], list[list[int]]]:
        """tier_variation and each variant's tier_index, from the variants' options (≤2 tiers)."""
        names: list[str] = []
        for variant in variants:
            names += [k for k in variant.options if k not in names]
        if not names:  # variants without options: one tier named by SKU
            labels = [
                v.seller_sku if len(v.seller_sku) <= TIER_OPTION_MAX else f"#{i + 1}"
                for i, v in enumerate(variants)
            ]
            tiers = [{"name": "Variant", "option_list": [{"option": x} for x in labels]}]
            return tiers, [[i] for i in range(len(variants))]
        if len(names) > 2:
            raise Rejected("Shopee allows at most 2 variation tiers", field="options")
        options: list[list[str]] = [[] for _ in names]
        for variant in variants:
            for i, name in enumerate(names):
                value = variant.options.get(name, "")
                if value not in options[i]:
                    options[i].append(value)
        indexes = [
            [options[i].index(v.options.get(name, "")) for i, name in enumerate(names)]
            for v in variants
        ]
        tiers = [
            {"name": name, "option_list": [{"option": o} for o in options[i]]}
            for i, name in enumerate(names)
        ]
        return tiers, indexes

    def _item_body(self, item: ItemPayload) -> Json:
        if not item.variants:
            raise Rejected("an item needs at least one variant", field="variants")
        weights = [v.weight_g for v in item.variants if v.weight_g]
        weight_g = item.weight_g or (max(weights) if weights else DEFAULT_WEIGHT_G)
        single = len(item.variants) == 1 and not item.variants[0].options
        body: Json = {
            "item_name": item.name,
            "description": html_to_text(item.description_html),
            "category_id": int(item.category_id),
            "original_price": money_out(min(v.price for v in item.variants)),
            "weight": round(weight_g / 1000, 3),
            "item_sku": item.seller_sku,
            "image": {"image_id_list": [i.platform_id for i in item.images]},
            "logistic_info": self._channels(),
            "attribute_list": self._attribute_list(item.category_id, item.attributes),
            "brand": self._brand(item.category_id, item.brand),
            "item_status": "NORMAL",
            "condition": "NEW",
            "seller_stock": [{"stock": item.variants[0].stock if single else 0}],
        }
        first = item.variants[0]
        if first.length_cm and first.width_cm and first.height_cm:
            body["dimension"] = {
                "package_length": first.length_cm,
                "package_width": first.width_cm,
                "package_height": first.height_cm,
            }
        return body

    def create_item(self, item: ItemPayload) -> RemoteItem:
        """add_item, then init_tier_variation for the models (§5.1, §5.3)."""
        single = len(item.variants) == 1 and not item.variants[0].options
        try:
            item_id = str(self._post("/api/v2/product/add_item", self._item_body(item))["item_id"])
        except Rejected as exc:
            # A lost answer to an earlier attempt leaves the item behind: adopt it.
            if short_code(exc.code) != "error_item_sku_duplicate":
                raise
            existing = self.find_by_seller_sku(item.seller_sku)
            if existing is None or existing.seller_sku != item.seller_sku:
                raise
            item_id = existing.platform_item_id
        if not single:
            self._init_models(item_id, item.variants)
        found = self._remote_items([item_id])
        if not found:
            raise NotFound(f"item {item_id} vanished after creation", platform=PLATFORM)
        return found[0]

    def _init_models(self, item_id: str, variants: Sequence[VariantPayload]) -> None:
        tiers, indexes = self._tiers(variants)
        models = [
            {
                "tier_index": index,
                "original_price": money_out(v.price),
                "model_sku": v.seller_sku,
                "seller_stock": [{"stock": v.stock}],
            }
            for v, index in zip(variants, indexes, strict=True)
        ]
        body = {"item_id": int(item_id), "tier_variation": tiers, "model": models}
        try:
            self._post("/api/v2/product/init_tier_variation", body)
        except Rejected as exc:
            # UNVERIFIED (shopee.md §5.3): the sandbox answers error_tier_variation_exists
            # when models exist already (an earlier attempt's answer was lost).
            if short_code(exc.code) != "error_tier_variation_exists":
                raise

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        body = self._item_body(item)
        for key in ("original_price", "seller_stock"):  # dedicated APIs (§5.1)
            body.pop(key)
        body["item_id"] = int(platform_item_id)
        self._post("/api/v2/product/update_item", body)
        found = self._remote_items([platform_item_id])
        if not found:
            raise NotFound(f"item {platform_item_id} not found", platform=PLATFORM)
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

    # -- catalogue read -------------------------------------------------------
    def _item_page(self, offset: int) -> Json:
        return self._get(
            "/api/v2/product/get_item_list",
            offset=offset,
            page_size=self.item_page_size,
            item_status=list(LISTED_STATUSES),
        )

    def _remote_items(self, item_ids: Sequence[str]) -> list[RemoteItem]:
        items: list[RemoteItem] = []
        for chunk in _chunks(list(item_ids), BASE_INFO_BATCH):
            answer = self._get("/api/v2/product/get_item_base_info", item_id_list=",".join(chunk))
            for info in answer.get("item_list") or []:
                items.append(self._remote_item(info))
        return items

    def _remote_item(self, info: Json) -> RemoteItem:
        item_id = str(info["item_id"])
        item = RemoteItem(
            platform_item_id=item_id,
            seller_sku=str(info.get("item_sku") or ""),
            name=str(info.get("item_name") or ""),
            status=ITEM_STATUS.get(str(info.get("item_status")), "pending"),
        )
        if info.get("has_model"):
            models = self._get("/api/v2/product/get_model_list", item_id=item_id)
            for model in models.get("model") or []:
                item.variants.append(
                    RemoteVariant(
                        seller_sku=str(model.get("model_sku") or ""),
                        platform_variant_id=str(model["model_id"]),
                        price=money_in((model.get("price_info") or [{}])[0].get("original_price")),
                        stock=_stock(model),
                    )
                )
        else:
            item.variants.append(
                RemoteVariant(
                    seller_sku=item.seller_sku,
                    platform_variant_id="0",
                    price=money_in((info.get("price_info") or [{}])[0].get("original_price")),
                    stock=_stock(info),
                )
            )
        return item

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

    # -- price and stock ----------------------------------------------------------
    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        """update_price + update_stock per item, ≤50 models per call (§5.1)."""
        results: dict[int, WriteResult] = {}
        by_item: dict[str, list[tuple[int, PriceStock]]] = {}
        for index, update in enumerate(updates):
            by_item.setdefault(update.platform_item_id, []).append((index, update))
        for item_id, entries in by_item.items():
            for chunk in _chunks(entries, MODEL_BATCH):
                self._write_chunk(item_id, chunk, results)
        return [results[i] for i in range(len(updates))]

    def _write_chunk(
        self, item_id: str, chunk: Sequence[tuple[int, PriceStock]], results: dict[int, WriteResult]
    ) -> None:
        by_model = {int(u.platform_variant_id or 0): (i, u) for i, u in chunk}
        for i, u in chunk:
            results[i] = WriteResult(seller_sku=u.seller_sku)
        calls: list[tuple[str, Json]] = [
            (
                "/api/v2/product/update_price",
                {
                    "item_id": int(item_id),
                    "price_list": [
                        {"model_id": m, "original_price": money_out(u.price)}
                        for m, (_, u) in by_model.items()
                    ],
                },
            ),
            (
                "/api/v2/product/update_stock",
                {
                    "item_id": int(item_id),
                    "stock_list": [
                        {"model_id": m, "seller_stock": [{"stock": u.stock}]}
                        for m, (_, u) in by_model.items()
                    ],
                },
            ),
        ]
        for path, body in calls:
            try:
                answer = self._post(path, body)
            except (Rejected, NotFound) as exc:
                for i, _ in chunk:
                    results[i].error = results[i].error or exc
                continue
            for failure in answer.get("failure_list") or []:
                entry = by_model.get(int(failure.get("model_id") or 0))
                if entry is not None and results[entry[0]].error is None:
                    reason = str(failure.get("failed_reason") or "failed")
                    results[entry[0]].error = Rejected(
                        reason, field="price" if "price" in path else "stock", platform=PLATFORM
                    )

    # -- categories -------------------------------------------------------------------
    def categories(self) -> list[CategoryNode]:
        answer = self._get("/api/v2/product/get_category", language="vi")
        return [
            CategoryNode(
                platform_id=str(c["category_id"]),
                name=str(c.get("display_category_name") or c.get("original_category_name")),
                parent_id=str(c["parent_category_id"]) if c.get("parent_category_id") else None,
                leaf=not c.get("has_children"),
            )
            for c in answer.get("category_list") or []
        ]

    def _attribute_tree(self, category_id: str) -> list[Json]:
        answer = self._get(
            "/api/v2/product/get_attribute_tree", category_id_list=category_id, language="vi"
        )
        for entry in answer.get("list") or []:
            if str(entry.get("category_id")) == str(category_id):
                return list(entry.get("attribute_tree") or [])
        return []

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        return [
            AttributeSpec(
                platform_id=str(a["attribute_id"]),
                name=str(a.get("name") or ""),
                required=bool(a.get("mandatory")),
                options=tuple(str(v.get("name")) for v in a.get("attribute_value_list") or []),
            )
            for a in self._attribute_tree(category_id)
        ]

    def brands(self, category_id: str) -> list[Brand]:
        found: list[Brand] = []
        offset: int | None = 0
        while offset is not None:
            answer = self._get(
                "/api/v2/product/get_brand_list",
                offset=offset,
                page_size=100,
                category_id=category_id,
                status=1,
            )
            found += [
                Brand(
                    platform_id=str(b["brand_id"]),
                    name=str(b.get("display_brand_name") or b.get("original_brand_name")),
                )
                for b in answer.get("brand_list") or []
            ]
            offset = int(answer["next_offset"]) if answer.get("has_next_page") else None
        return found

    # -- orders and money ------------------------------------------------------------
    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        """get_order_list by update_time; Shopee's window is inclusive, ours is [from, to)."""
        start = math.ceil(updated_from.timestamp())
        # UNVERIFIED (shopee.md §6.1): both ends are inclusive in the sandbox, so we ask
        # for [from, to − 1 s] to keep consecutive windows from overlapping.
        end = math.ceil(updated_to.timestamp()) - 1
        if end - start > self.order_window_days * 86_400:
            raise Rejected("order window longer than 15 days", field="updated_to")
        answer = self._get(
            "/api/v2/order/get_order_list",
            time_range_field="update_time",
            time_from=start,
            time_to=end,
            page_size=self.order_page_size,
            cursor=cursor or "",
        )
        ids = [str(o["order_sn"]) for o in answer.get("order_list") or []]
        following = str(answer.get("next_cursor") or "") if answer.get("more") else ""
        return Page(items=ids, next_cursor=following or None)

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for chunk in _chunks(list(order_ids), ORDER_DETAIL_BATCH):
            answer = self._get(
                "/api/v2/order/get_order_detail",
                order_sn_list=",".join(chunk),
                response_optional_fields=DETAIL_FIELDS,
            )
            orders += [_order(o) for o in answer.get("order_list") or []]
        return orders

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        """get_escrow_detail, one order per call (§6.5)."""
        return [self._settlement(sn) for sn in order_ids]

    def _settlement(self, order_sn: str) -> Settlement:
        answer = self._get("/api/v2/payment/get_escrow_detail", order_sn=order_sn)
        income = answer.get("order_income") or {}
        gross = money_in(income.get("order_selling_price"))
        net = money_in(income.get("escrow_amount"))
        fees = {
            ours: money_in(income.get(theirs))
            for theirs, ours in FEE_FIELDS.items()
            if money_in(income.get(theirs))
        }
        refund = money_in(income.get("seller_return_refund"))
        if refund:
            fees["return_refund"] = abs(refund)
        # Shipping, rebates and adjustments: whatever else separates gross from net.
        other = gross - sum(fees.values()) - net
        if other:
            fees["other"] = other
        return Settlement(platform_order_id=order_sn, gross=gross, fees=fees, net=net)


def _stock(info: Json) -> int:
    stock = info.get("stock_info_v2") or {}
    summary = stock.get("summary_info") or {}
    if "total_available_stock" in summary:
        return int(summary["total_available_stock"])
    return sum(int(s.get("stock") or 0) for s in stock.get("seller_stock") or [])


def _order(data: Json) -> Order:
    status = str(data.get("order_status") or "")
    lines = [
        OrderLine(
            platform_line_id=str(
                line.get("order_item_id") or f"{line.get('item_id')}:{line.get('model_id')}"
            ),
            seller_sku=str(line.get("model_sku") or line.get("item_sku") or ""),
            name=str(line.get("item_name") or ""),
            quantity=int(line.get("model_quantity_purchased") or 0),
            unit_price=money_in(
                line.get("model_discounted_price") or line.get("model_original_price")
            ),
            platform_item_id=str(line.get("item_id") or ""),
            platform_variant_id=str(line.get("model_id") or "0"),
        )
        for line in data.get("item_list") or []
    ]
    return Order(
        platform_order_id=str(data["order_sn"]),
        status=ORDER_STATUS.get(status, OrderStatus.TO_SHIP),
        platform_status=status,
        created_at=_utc(data.get("create_time")),
        updated_at=_utc(data.get("update_time")),
        total=money_in(data.get("total_amount")),
        lines=lines,
    )


__all__ = ["ShopeeConnector"]
