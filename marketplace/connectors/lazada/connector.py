"""The Lazada Open Platform connector (lazada.md), Vietnam gateway.

Lazada has no parent SKU. We keep ``ItemPayload.seller_sku`` in the product
attribute ``model`` (a documented product attribute, lazada.md §3.2) and the
variants' SKUs as the SKUs' ``SellerSku``. ``find_by_seller_sku`` first asks
``/products/get`` for the SKU (``sku_seller_list``), then pages through the
shop's products looking for a ``model`` equal to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import requests

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.lazada.parsing import PLATFORM
from marketplace.connectors.lazada.parsing import VN
from marketplace.connectors.lazada.parsing import LazadaRejected
from marketplace.connectors.lazada.parsing import envelope
from marketplace.connectors.lazada.parsing import error_from
from marketplace.connectors.lazada.parsing import item_status
from marketplace.connectors.lazada.parsing import lz_time
from marketplace.connectors.lazada.parsing import money
from marketplace.connectors.lazada.parsing import order_status
from marketplace.connectors.lazada.parsing import parse_time
from marketplace.connectors.lazada.signing import sign
from marketplace.connectors.registry import register
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import Capability
from marketplace.connectors.types import CategoryNode
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import OrderLine
from marketplace.connectors.types import Page
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import WriteResult

API_GATEWAY = "https://api.lazada.vn/rest"
AUTH_HOST = "https://auth.lazada.com"
PRODUCTS_PAGE = 50  # UNVERIFIED (lazada.md §3.5): 50 per the API page, not the FAQ's 500
ORDERS_PAGE = 100
ORDER_ITEMS_BATCH = 50
FINANCE_PAGE = 500
# Attributes the connector fills from ItemPayload fields, hidden from category_attributes.
OWN_ATTRIBUTES = frozenset(
    {"name", "description", "short_description", "brand", "brand_id", "model"}
)
DUPLICATE_SKU = frozenset({"4105", "4126", "4141"})
DEFAULT_SIDE_CM = 10  # package sides are mandatory on Lazada; used when the catalogue has none
NO_BRAND = "No Brand"

Params = dict[str, str]


@register
class LazadaConnector(Connector):
    name = "lazada"
    title = "Lazada"
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
    image_rule = PLATFORM_RULES["lazada"]
    # lazada.md §3.6: at most 50 SKUs per call, 20 recommended (error 513); we send 20.
    price_stock_batch = 20
    # UNVERIFIED (lazada.md §4.1): /orders/get documents no longest range; we use 15 days.
    order_window_days = 15
    # lazada.md §2.3: refresh 30 minutes before expiry.
    refresh_margin_seconds = 1800

    # -- transport -------------------------------------------------------------

    @property
    def _gateway(self) -> str:
        return (self.app.base_url or API_GATEWAY).rstrip("/")

    @property
    def _auth_host(self) -> str:
        return (self.app.auth_base_url or AUTH_HOST).rstrip("/")

    def _signed(self, path: str, params: Params, token: bool) -> Params:
        # lazada.md §1.2: timestamp in ms, rounded to the second; empty values never sent.
        full = {k: v for k, v in params.items() if v != ""}
        full.update(
            app_key=self.app.app_key,
            sign_method="sha256",
            timestamp=f"{int(self.now())}000",
        )
        if token:
            if self.tokens is None:
                raise AuthError("no tokens", refreshable=False, platform=PLATFORM)
            full["access_token"] = self.tokens.access_token
        full["sign"] = sign(self.app.app_secret, path, full)[1]
        return full

    def _call(
        self,
        path: str,
        params: Params | None = None,
        *,
        method: str = "GET",
        token: bool = True,
        gateway: str | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> dict[str, Any]:
        url = (gateway or self._gateway) + path

        def build() -> requests.Request:
            signed = self._signed(path, params or {}, token)
            if method == "GET":
                return requests.Request("GET", url, params=signed)
            return requests.Request("POST", url, data=signed, files=files)

        return self.http.call(build, envelope)

    def _post(self, path: str, params: Params) -> dict[str, Any]:
        return self._call(path, params, method="POST")

    # -- auth ------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "force_auth": "true",
                "redirect_uri": redirect_uri,
                "client_id": self.app.app_key,
                "state": state,
            }
        )
        return f"{self._auth_host}/oauth/authorize?{query}"

    def _tokens(self, body: dict[str, Any], users_key: str) -> TokenSet:
        issued = datetime.fromtimestamp(int(self.now()), UTC)
        refresh_in = int(body.get("refresh_expires_in") or 0)
        country = str(body.get("country", ""))
        users = body.get(users_key) or body.get("country_user_info") or []
        user = next((u for u in users if u.get("country") == country), users[0] if users else {})
        extra = {
            "country": country,
            "account": str(body.get("account", "")),
            "account_platform": str(body.get("account_platform", "")),
            "user_id": str(user.get("user_id", "")),
            "short_code": str(user.get("short_code", "")),
        }
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=str(body.get("refresh_token", "")),
            access_expires_at=issued + timedelta(seconds=int(body.get("expires_in") or 0)),
            # refresh_expires_in 0: the token cannot be refreshed (lazada.md §2.2).
            refresh_expires_at=issued + timedelta(seconds=refresh_in) if refresh_in else None,
            shop_id=str(user.get("seller_id", "")),
            extra=extra,
        )

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        body = self._call(
            "/auth/token/create",
            {"code": code},
            method="POST",
            token=False,
            gateway=self._auth_host + "/rest",
        )
        tokens = self._tokens(body, "country_user_info")
        self.tokens = tokens
        seller = self._call("/seller/get").get("data") or {}
        tokens.shop_name = str(seller.get("name", ""))
        tokens.shop_id = tokens.shop_id or str(seller.get("seller_id", ""))
        return tokens

    def refresh(self) -> TokenSet:
        if self.tokens is None or not self.tokens.refresh_token:
            raise AuthError("no refresh token", refreshable=False, platform=PLATFORM)
        body = self._call(
            "/auth/token/refresh",
            {"refresh_token": self.tokens.refresh_token},
            method="POST",
            token=False,
            gateway=self._auth_host + "/rest",
        )
        old = self.tokens
        tokens = self._tokens(body, "country_user_info_list")
        tokens.shop_id = tokens.shop_id or old.shop_id
        tokens.shop_name = old.shop_name
        self.tokens = tokens
        return tokens

    # -- catalogue write ---------------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
        body = self._call("/image/upload", {}, method="POST", files={"image": (filename, data)})
        image = (body.get("data") or {}).get("image") or {}
        return ImageRef(platform_id=str(image["url"]), url=str(image["url"]))

    def _product(self, item: ItemPayload, sku_ids: dict[str, str] | None = None) -> dict[str, Any]:
        attributes: dict[str, Any] = dict(item.attributes)
        attributes.update(name=item.name, description=item.description_html, model=item.seller_sku)
        if item.brand.isdigit():
            attributes["brand_id"] = item.brand
        else:
            # UNVERIFIED (lazada.md §3.2): the deprecated ``brand`` name is accepted
            # in place of ``brand_id``; an empty brand becomes "No Brand".
            attributes["brand"] = item.brand or NO_BRAND
        skus = []
        for variant in item.variants:
            weight = variant.weight_g or item.weight_g
            if not weight:
                raise Rejected("package weight is required", field="weight_g", platform=PLATFORM)
            sku: dict[str, Any] = {
                "SellerSku": variant.seller_sku,
                "price": str(variant.price),
                "quantity": str(variant.stock),
                "package_weight": f"{weight / 1000:.2f}",
                "package_length": str(variant.length_cm or DEFAULT_SIDE_CM),
                "package_width": str(variant.width_cm or DEFAULT_SIDE_CM),
                "package_height": str(variant.height_cm or DEFAULT_SIDE_CM),
            }
            if variant.options:
                sku["saleProp"] = dict(variant.options)
            if variant.images:
                sku["Images"] = {"Image": [image.url for image in variant.images]}
            if sku_ids is not None and variant.seller_sku in sku_ids:
                sku["SkuId"] = sku_ids[variant.seller_sku]
            skus.append(sku)
        product: dict[str, Any] = {
            "PrimaryCategory": item.category_id,
            "Images": {"Image": [image.url for image in item.images]},
            "Attributes": attributes,
            "Skus": {"Sku": skus},
        }
        return product

    def create_item(self, item: ItemPayload) -> RemoteItem:
        payload = json.dumps({"Request": {"Product": self._product(item)}}, ensure_ascii=False)
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
        data = self._call("/product/item/get", {"item_id": platform_item_id}).get("data")
        if not data:
            raise NotFound(f"item {platform_item_id}", platform=PLATFORM)
        return dict(data)

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        current = self._item(platform_item_id)
        sku_ids = {str(s["SellerSku"]): str(s["SkuId"]) for s in current.get("skus", [])}
        product = self._product(item, sku_ids)
        product["ItemId"] = platform_item_id
        for sku in product["Skus"]["Sku"]:
            # Price and stock go through update_price_stock only.
            sku.pop("price", None)
            sku.pop("quantity", None)
        payload = json.dumps({"Request": {"Product": product}}, ensure_ascii=False)
        self._post("/product/update", {"payload": payload})
        return self._remote(self._item(platform_item_id))

    def delist(self, platform_item_id: str) -> None:
        # UNVERIFIED (lazada.md §3.7): ItemId without Skus deactivates every SKU of the item.
        body = json.dumps({"Request": {"Product": {"ItemId": platform_item_id}}})
        try:
            self._post("/product/deactivate", {"apiRequestBody": body})
        except Rejected as exc:
            if exc.code != "E0004":  # already inactive
                raise

    def relist(self, platform_item_id: str) -> None:
        # lazada.md §3.3: /product/update with every SKU's Status = active.
        current = self._item(platform_item_id)
        skus = [{"SkuId": str(s["SkuId"]), "Status": "active"} for s in current.get("skus", [])]
        product = {"ItemId": platform_item_id, "Attributes": {}, "Skus": {"Sku": skus}}
        self._post("/product/update", {"payload": json.dumps({"Request": {"Product": product}})})

    # -- catalogue read ---------------------------------------------------------
    def _remote(self, product: dict[str, Any]) -> RemoteItem:
        skus = product.get("skus") or []
        attributes = product.get("attributes") or {}
        parent = str(attributes.get("model") or (skus[0].get("SellerSku", "") if skus else ""))
        return RemoteItem(
            platform_item_id=str(product["item_id"]),
            seller_sku=parent,
            name=str(attributes.get("name", "")),
            status=item_status(str(product.get("status", ""))),
            variants=[
                RemoteVariant(
                    seller_sku=str(s.get("SellerSku", "")),
                    platform_variant_id=str(s.get("SkuId", "")),
                    price=money(s.get("price")),
                    stock=int(s.get("quantity") or 0),
                )
                for s in skus
            ],
        )

    def _products(self, offset: int, extra: Params | None = None) -> tuple[list[RemoteItem], int]:
        params = {"filter": "all", "offset": str(offset), "limit": str(PRODUCTS_PAGE)}
        params.update(extra or {})
        data = self._call("/products/get", params).get("data") or {}
        products = [self._remote(p) for p in data.get("products") or []]
        return products, int(data.get("total_products") or 0)

    def find_by_seller_sku(self, seller_sku: str) -> RemoteItem | None:
        found, _ = self._products(0, {"sku_seller_list": json.dumps([seller_sku])})
        for item in found:
            if any(v.seller_sku == seller_sku for v in item.variants):
                return item
        for item in self._all_items():
            if item.seller_sku == seller_sku:
                return item
        return None

    def _all_items(self) -> Iterator[RemoteItem]:
        cursor: str | None = None
        while True:
            page = self.list_items(cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def list_items(self, cursor: str | None = None) -> Page[RemoteItem]:
        offset = int(cursor or 0)
        items, total = self._products(offset)
        following = offset + len(items)
        more = bool(items) and following < total and following <= 10_000
        return Page(items, str(following) if more else None)

    # -- price and stock ---------------------------------------------------------
    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        results: list[WriteResult] = []
        for start in range(0, len(updates), self.price_stock_batch):
            results += self._price_stock(updates[start : start + self.price_stock_batch])
        return results

    def _price_stock(self, batch: Sequence[PriceStock]) -> list[WriteResult]:
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
        return [WriteResult(u.seller_sku) for u in batch]

    # -- categories --------------------------------------------------------------
    def categories(self) -> list[CategoryNode]:
        data = self._call("/category/tree/get", {"language_code": "vi_VN"}, token=False)
        nodes: list[CategoryNode] = []

        def walk(children: list[dict[str, Any]], parent: str | None) -> None:
            for child in children:
                node_id = str(child["category_id"])
                leaf = bool(child.get("leaf"))
                nodes.append(CategoryNode(node_id, str(child.get("name", "")), parent, leaf))
                walk(child.get("children") or [], node_id)

        walk(data.get("data") or [], None)
        return nodes

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        params = {"primary_category_id": category_id, "language_code": "vi_VN"}
        data = self._call("/category/attributes/get", params).get("data") or []
        return [
            AttributeSpec(
                platform_id=str(a["name"]),
                name=str(a.get("label") or a["name"]),
                required=str(a.get("is_mandatory", "0")) in ("1", "True", "true"),
                options=tuple(str(o.get("name", "")) for o in a.get("options") or []),
            )
            for a in data
            if a.get("name") not in OWN_ATTRIBUTES and str(a.get("is_sale_prop", "0")) != "1"
        ]

    def brands(self, category_id: str) -> list[Brand]:
        # Lazada's brands are shop-wide: category_id does not narrow them.
        found: list[Brand] = []
        start, size = 0, 200
        while True:
            params = {"startRow": str(start), "pageSize": str(size)}
            data = self._call("/category/brands/query", params).get("data") or {}
            module = data.get("module") or []
            found += [Brand(str(b["brand_id"]), str(b.get("name", ""))) for b in module]
            start += len(module)
            if not module or start >= int(data.get("total_record") or 0):
                return found

    # -- orders and money ----------------------------------------------------------
    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        offset = int(cursor or 0)
        params = {
            "update_after": lz_time(updated_from),
            "update_before": lz_time(updated_to),
            "sort_by": "updated_at",
            "sort_direction": "ASC",
            "offset": str(offset),
            "limit": str(ORDERS_PAGE),
        }
        data = self._call("/orders/get", params).get("data") or {}
        ids = [str(o["order_id"]) for o in data.get("orders") or []]
        following = offset + len(ids)
        more = bool(ids) and following < int(data.get("countTotal") or 0)
        if more and following > 5000:
            raise Rejected("over 5000 orders in one window: use a shorter one", platform=PLATFORM)
        return Page(ids, str(following) if more else None)

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        lines: dict[str, list[OrderLine]] = {}
        for start in range(0, len(order_ids), ORDER_ITEMS_BATCH):
            batch = order_ids[start : start + ORDER_ITEMS_BATCH]
            ids = "[" + ",".join(batch) + "]"
            for entry in self._call("/orders/items/get", {"order_ids": ids}).get("data") or []:
                lines[str(entry["order_id"])] = [
                    OrderLine(
                        platform_line_id=str(i["order_item_id"]),
                        seller_sku=str(i.get("sku", "")),
                        name=str(i.get("name", "")),
                        quantity=1,  # lazada.md §4.3: one entry per unit
                        unit_price=money(i.get("item_price")),
                        platform_item_id=str(i.get("product_id", "")),
                        platform_variant_id=str(i.get("sku_id", "")),
                    )
                    for i in entry.get("order_items") or []
                ]
        orders = []
        for order_id in order_ids:
            data = self._call("/order/get", {"order_id": order_id}).get("data") or {}
            statuses = [str(s) for s in data.get("statuses") or []]
            orders.append(
                Order(
                    platform_order_id=str(data.get("order_id", order_id)),
                    status=order_status(statuses),
                    platform_status=",".join(statuses),
                    created_at=parse_time(data["created_at"]),
                    updated_at=parse_time(data["updated_at"]),
                    # lazada.md §4.1: the buyer paid price - voucher + shipping_fee.
                    total=money(data.get("price"))
                    - money(data.get("voucher"))
                    + money(data.get("shipping_fee")),
                    lines=lines.get(order_id, []),
                )
            )
        return orders

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        today = datetime.fromtimestamp(self.now(), VN).date()
        # lazada.md §4.6: the range must stay under 180 days.
        start_day = today - timedelta(days=179)
        found = []
        for order_id in order_ids:
            rows: list[dict[str, Any]] = []
            offset = 0
            while True:
                params = {
                    "start_time": start_day.isoformat(),
                    "end_time": today.isoformat(),
                    "trans_type": "-1",
                    "trade_order_id": order_id,
                    "offset": str(offset),
                    "limit": str(FINANCE_PAGE),
                }
                page = self._call("/finance/transaction/details/get", params).get("data") or []
                rows += page
                offset += len(page)
                if len(page) < FINANCE_PAGE:
                    break
            found.append(_settlement(order_id, rows))
        return found


# fee_type ids that are the item's price (lazada.md §4.6): credit and its reversal.
_ITEM_PRICE_TYPES = {"13", "14"}


def _settlement(order_id: str, rows: list[dict[str, Any]]) -> Settlement:
    gross = 0
    fees: dict[str, int] = {}
    for row in rows:
        amount = money(row.get("amount"))
        if str(row.get("fee_type", "")) in _ITEM_PRICE_TYPES:
            gross += amount
        else:
            name = str(row.get("fee_name") or row.get("transaction_type") or "fee")
            fees[name] = fees.get(name, 0) - amount
    return Settlement(order_id, gross, fees, gross - sum(fees.values()))


def _detail_by_sku(exc: Rejected) -> dict[str, str]:
    if not isinstance(exc, LazadaRejected):
        return {}
    return {
        str(d.get("seller_sku")): str(d.get("message", exc.message))
        for d in exc.detail
        if isinstance(d, dict) and d.get("seller_sku")
    }


__all__ = ["LazadaConnector", "error_from", "sign"]
