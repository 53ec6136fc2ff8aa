"""TikTok Shop Partner API (v202309+) connector (../shared/platforms/tiktok.md)."""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests

from marketplace.catalog.image_rules import PLATFORM_RULES
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.registry import register
from marketplace.connectors.tiktok import convert
from marketplace.connectors.tiktok.errors import DUPLICATE_SKU
from marketplace.connectors.tiktok.errors import PLATFORM
from marketplace.connectors.tiktok.errors import api_error
from marketplace.connectors.tiktok.errors import token_error
from marketplace.connectors.tiktok.signing import sign
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import Capability
from marketplace.connectors.types import CategoryNode
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import Page
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import WriteResult

API_BASE = "https://open-api.tiktokglobalshop.com"
AUTHORIZE_BASE = "https://services.tiktokshop.com"  # tiktok.md §3.1 (rest of world)
AUTH_HOST = "https://auth.tiktok-shops.com"
# The real authorization pages live on another host than the token endpoints.
AUTH_HOSTS = {AUTHORIZE_BASE: AUTH_HOST, "https://services.tiktokshops.us": AUTH_HOST}

# UNVERIFIED (tiktok.md §7): ≤20 SKUs of one product per price or inventory call,
# product search pages of 50 (max 100), order search pages of 50 (max 100),
# ≤50 ids per order-detail call, order searches over ≤15 days of update_time.
SKUS_PER_CALL = 20
PRODUCT_PAGE = 50
PRODUCT_PAGE_MAX = 100
ORDER_PAGE = 50
ORDER_IDS_PER_CALL = 50
WINDOW_DAYS = 15


def _chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        doc = response.json()
    except ValueError:
        raise ConnectorError(f"HTTP {response.status_code}: not JSON", platform=PLATFORM) from None
    if not isinstance(doc, dict):
        raise ConnectorError("unexpected answer", platform=PLATFORM)
    return doc


def parse_api(response: requests.Response) -> dict[str, Any]:
    """The ``data`` of a successful envelope, or the typed error of its ``code``."""
    doc = _json(response)
    code = int(doc.get("code", -1))
    if code != 0:
        raise api_error(code, str(doc.get("message", "")))
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def parse_token(response: requests.Response) -> dict[str, Any]:
    doc = _json(response)
    code = int(doc.get("code", -1))
    if code != 0:
        raise token_error(code, str(doc.get("message", "")))
    data = doc.get("data")
    if not isinstance(data, dict) or not data.get("access_token"):
        raise AuthError("token answer without access_token", refreshable=False, platform=PLATFORM)
    return data


@register
class TikTokConnector(Connector):
    name = "tiktok"
    title = "TikTok Shop"
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
    image_rule = PLATFORM_RULES["tiktok"]
    # Each price/inventory call takes one product (tiktok.md §5) and up to this many of
    # its SKUs; variants of different products never share a call.
    price_stock_batch = SKUS_PER_CALL
    order_window_days = WINDOW_DAYS

    # -- plumbing -------------------------------------------------------------

    @property
    def service_id(self) -> str:
        # Without a registered service_id, fall back to the app_key (the sandbox accepts it).
        return self.app.extra.get("service_id") or self.app.app_key

    def _authorize_base(self) -> str:
        return (self.app.auth_base_url or AUTHORIZE_BASE).rstrip("/")

    def _token_base(self) -> str:
        base = self._authorize_base()
        return AUTH_HOSTS.get(base, base)

    def _tokens(self) -> TokenSet:
        if self.tokens is None:
            raise AuthError("shop not connected", refreshable=False, platform=PLATFORM)
        return self.tokens

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        shop: bool = True,
        tokens: TokenSet | None = None,
    ) -> dict[str, Any]:
        """A signed API call; rebuilt (fresh timestamp and sign) on every attempt."""
        grant = tokens or self._tokens()
        raw = "" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        url = self.app.base_url.rstrip("/") + path

        def build() -> requests.Request:
            params = {k: str(v) for k, v in (query or {}).items()}
            if shop:
                params["shop_cipher"] = grant.shop_id
            params["app_key"] = self.app.app_key
            params["timestamp"] = str(int(self.now()))
            # Multipart bodies are not signed (tiktok.md §1.1 step 5).
            params["sign"] = sign(self.app.app_secret, path, params, "" if files else raw)[1]
            headers = {"x-tts-access-token": grant.access_token}
            if files is not None:
                return requests.Request(
                    method, url, params=params, headers=headers, files=files, data=form
                )
            if body is None:
                return requests.Request(method, url, params=params, headers=headers)
            headers["Content-Type"] = "application/json"
            return requests.Request(
                method, url, params=params, headers=headers, data=raw.encode("utf-8")
            )

        return self.http.call(build, parse_api)

    # -- auth -----------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        # UNVERIFIED (tiktok.md §3.1): the real page redirects to the URL registered for
        # the app; we also pass redirect_uri, which the sandbox honours.
        query = {"service_id": self.service_id, "state": state, "redirect_uri": redirect_uri}
        return f"{self._authorize_base()}/open/authorize?{urlencode(query)}"

    def _token_call(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        url = self._token_base() + path
        params = {"app_key": self.app.app_key, "app_secret": self.app.app_secret, **query}
        return self.http.call(lambda: requests.Request("GET", url, params=params), parse_token)

    @staticmethod
    def _token_set(data: dict[str, Any], previous: TokenSet | None) -> TokenSet:
        refresh_at = int(data.get("refresh_token_expire_in") or 0)
        return TokenSet(
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token", "")),
            # Absolute Unix timestamps, not durations (tiktok.md §3.2).
            access_expires_at=datetime.fromtimestamp(int(data["access_token_expire_in"]), UTC),
            refresh_expires_at=datetime.fromtimestamp(refresh_at, UTC) if refresh_at else None,
            shop_id=previous.shop_id if previous else "",
            shop_name=previous.shop_name if previous else str(data.get("seller_name", "")),
            extra={
                **(previous.extra if previous else {}),
                "open_id": str(data.get("open_id", "")),
                "seller_name": str(data.get("seller_name", "")),
                "seller_base_region": str(data.get("seller_base_region", "")),
                "granted_scopes": ",".join(data.get("granted_scopes") or []),
            },
        )

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        if params.get("error") or not code or code == "null":
            reason = params.get("error") or "no code"
            raise AuthError(
                f"authorization refused: {reason}", refreshable=False, platform=PLATFORM
            )
        data = self._token_call(
            "/api/v2/token/get", {"auth_code": code, "grant_type": "authorized_code"}
        )
        tokens = self._token_set(data, None)
        shops = self.authorized_shops(tokens)
        if not shops:
            raise AuthError("no shop was authorized", refreshable=False, platform=PLATFORM)
        shop = shops[0]
        tokens.shop_id = str(shop["cipher"])
        tokens.shop_name = str(shop.get("name", ""))
        tokens.extra.update(
            shop_id=str(shop.get("id", "")),
            shop_code=str(shop.get("code", "")),
            region=str(shop.get("region", "")),
        )
        self.tokens = tokens
        return tokens

    def authorized_shops(self, tokens: TokenSet | None = None) -> list[dict[str, Any]]:
        """Get Authorized Shops: each shop's id, name, region and ``cipher``."""
        data = self._call("GET", "/authorization/202309/shops", shop=False, tokens=tokens)
        return [s for s in data.get("shops") or [] if isinstance(s, dict)]

    def refresh(self) -> TokenSet:
        current = self._tokens()
        data = self._token_call(
            "/api/v2/token/refresh",
            {"refresh_token": current.refresh_token, "grant_type": "refresh_token"},
        )
        self.tokens = self._token_set(data, current)
        return self.tokens

    # -- catalogue write ------------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
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
        body = convert.product_body(item, self._attribute_ids(item))
        try:
            data = self._call("POST", "/product/202309/products", body=body)
        except Rejected as exc:
            # A retried create whose first answer was lost: the SKUs are ours already.
            if exc.code == str(DUPLICATE_SKU) and item.variants:
                existing = self.find_by_seller_sku(item.variants[0].seller_sku)
                if existing is not None and existing.seller_sku == item.seller_sku:
                    return existing
            raise
        return convert.created_item(item, data)

    def _detail(self, product_id: str) -> dict[str, Any]:
        return self._call("GET", f"/product/202309/products/{product_id}")

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        current = self._detail(platform_item_id)
        body = convert.product_body(item, self._attribute_ids(item))
        ids = {str(s.get("seller_sku")): str(s["id"]) for s in current.get("skus") or []}
        for sku in body["skus"]:
            if sku["seller_sku"] in ids:
                sku["id"] = ids[sku["seller_sku"]]
        data = self._call("PUT", f"/product/202509/products/{platform_item_id}", body=body)
        result = convert.created_item(item, {"product_id": platform_item_id, **data})
        result.status = convert.PRODUCT_STATUS.get(str(current.get("status")), "pending")
        return result

    def _set_status(self, action: str, platform_item_id: str) -> None:
        data = self._call(
            "POST", f"/product/202309/products/{action}", body={"product_ids": [platform_item_id]}
        )
        for error in data.get("errors") or []:
            raise api_error(int(error.get("code", -1)), str(error.get("message", "")))

    def delist(self, platform_item_id: str) -> None:
        self._set_status("deactivate", platform_item_id)

    def relist(self, platform_item_id: str) -> None:
        self._set_status("activate", platform_item_id)

    # -- catalogue read -------------------------------------------------------
    def _search(
        self, filters: dict[str, Any], cursor: str | None, size: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        query: dict[str, Any] = {"page_size": size}
        if cursor:
            query["page_token"] = cursor
        data = self._call("POST", "/product/202502/products/search", query=query, body=filters)
        return list(data.get("products") or []), (data.get("next_page_token") or None)

    def find_by_seller_sku(self, seller_sku: str) -> RemoteItem | None:
        products, _ = self._search({"seller_skus": [seller_sku]}, None, PRODUCT_PAGE)
        if products:
            return convert.remote_item(products[0])
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
        products, nxt = self._search({}, cursor, PRODUCT_PAGE)
        return Page([convert.remote_item(p) for p in products], nxt)

    # -- price and stock ------------------------------------------------------
    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        errors: dict[int, Exception] = {}
        by_product: dict[str, list[int]] = {}
        for index, update in enumerate(updates):
            by_product.setdefault(update.platform_item_id, []).append(index)
        for product_id, indexes in by_product.items():
            for chunk in _chunks(indexes, SKUS_PER_CALL):
                prices = [
                    {
                        "id": updates[i].platform_variant_id,
                        "price": {"amount": str(updates[i].price), "currency": convert.CURRENCY},
                    }
                    for i in chunk
                ]
                stock = [
                    {
                        "id": updates[i].platform_variant_id,
                        "inventory": [{"quantity": updates[i].stock}],
                    }
                    for i in chunk
                ]
                for kind, skus in (("prices", prices), ("inventory", stock)):
                    try:
                        self._call(
                            "POST",
                            f"/product/202309/products/{product_id}/{kind}/update",
                            body={"skus": skus},
                        )
                    except ConnectorError as exc:
                        if isinstance(exc, AuthError):
                            raise
                        for i in chunk:
                            errors.setdefault(i, exc)
        return [WriteResult(u.seller_sku, errors.get(i)) for i, u in enumerate(updates)]

    # -- categories -----------------------------------------------------------
    def categories(self) -> list[CategoryNode]:
        data = self._call("GET", "/product/202309/categories")
        return [
            CategoryNode(
                platform_id=str(c["id"]),
                name=str(c.get("local_name", "")),
                parent_id=None
                if str(c.get("parent_id", "0")) in {"", "0"}
                else str(c["parent_id"]),
                leaf=bool(c.get("is_leaf")),
            )
            for c in data.get("categories") or []
        ]

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        data = self._call("GET", f"/product/202309/categories/{category_id}/attributes")
        return [
            AttributeSpec(
                platform_id=str(a["id"]),
                name=str(a.get("name", "")),
                # UNVERIFIED spelling: the 202309 docs spell the flag "is_requried".
                required=bool(a.get("is_requried", a.get("is_required", False))),
                options=tuple(str(v.get("name", "")) for v in a.get("values") or []),
            )
            for a in data.get("attributes") or []
            if a.get("type", "PRODUCT_PROPERTY") == "PRODUCT_PROPERTY"
        ]

    def brands(self, category_id: str) -> list[Brand]:
        found: list[Brand] = []
        cursor: str | None = None
        while True:
            query: dict[str, Any] = {"category_id": category_id, "page_size": 100}
            if cursor:
                query["page_token"] = cursor
            data = self._call("GET", "/product/202309/brands", query=query)
            found += [Brand(str(b["id"]), str(b.get("name", ""))) for b in data.get("brands") or []]
            cursor = data.get("next_page_token") or None
            if cursor is None:
                return found

    # -- orders and money -----------------------------------------------------
    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        if (updated_to - updated_from).total_seconds() > self.order_window_days * 86400:
            raise ValueError(f"order search covers at most {self.order_window_days} days")
        query: dict[str, Any] = {
            "page_size": ORDER_PAGE,
            "sort_field": "update_time",
            "sort_order": "ASC",
        }
        if cursor:
            query["page_token"] = cursor
        body = {
            "update_time_ge": int(updated_from.timestamp()),
            "update_time_lt": int(updated_to.timestamp()),
        }
        data = self._call("POST", "/order/202309/orders/search", query=query, body=body)
        ids = [str(o["id"]) for o in data.get("orders") or []]
        return Page(ids, data.get("next_page_token") or None)

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for chunk in _chunks(list(order_ids), ORDER_IDS_PER_CALL):
            data = self._call("GET", "/order/202507/orders", query={"ids": ",".join(chunk)})
            orders += [convert.order(o) for o in data.get("orders") or []]
        return orders

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        found: list[Settlement] = []
        for order_id in order_ids:
            try:
                data = self._call(
                    "GET", f"/finance/202501/orders/{order_id}/statement_transactions"
                )
            except NotFound:
                continue
            rows = [r for r in data.get("statement_transactions") or [] if isinstance(r, dict)]
            if rows:  # unsettled and cancelled orders have no transactions yet
                found.append(convert.settlement(order_id, rows))
        return found
