"""The connector contract.

A connector adapts one marketplace's API to plain dataclasses (``types.py``) and
typed errors (``errors.py``). It holds no ORM objects and never touches the
database: services hand it data and store what it returns. Every HTTP call goes
through the ``HttpClient`` it is given (timeouts, retries, the shared rate
limiter, redacted logging), so a connector only builds requests and parses
answers.

Override the methods of the capabilities you declare in ``capabilities``; the
defaults raise ``NotImplementedError``. Each method documents its batching: a
method taking a list splits it to the platform's per-call limit itself.
"""

from __future__ import annotations

import time
from abc import ABC
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from marketplace.connectors.http import HttpClient
from marketplace.connectors.types import AppConfig
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import Capability
from marketplace.connectors.types import CategoryNode
from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import Order
from marketplace.connectors.types import Page
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import PushNotice
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import Settlement
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantRef
from marketplace.connectors.types import WriteResult
from marketplace.platforms import ImageRule


class Connector(ABC):
    """One marketplace. Subclasses set the class attributes and override what they support."""

    name: ClassVar[str]  # registry key: "shopee", "lazada", "tiktok"…
    title: ClassVar[str]  # shown to people: "Shopee"
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    image_rule: ClassVar[ImageRule]
    price_stock_batch: ClassVar[int] = 1  # variants per price/stock call
    image_upload_batch: ClassVar[int] = 1  # images per upload call
    order_window_days: ClassVar[int] = 15  # longest time range one order search may cover
    settlement_batch: ClassVar[int] = 50  # orders per settlements() call the app makes
    # Refresh this long before the access token expires.
    refresh_margin_seconds: ClassVar[int] = 600

    def __init__(self, app: AppConfig, http: HttpClient, tokens: TokenSet | None = None) -> None:
        self.app = app
        self.http = http
        self.tokens = tokens

    def now(self) -> float:
        """Seconds since the epoch for request timestamps; tests steer it to a sandbox clock."""
        return time.time()

    @classmethod
    def enabled(cls) -> str | None:
        """None when usable; otherwise why not (e.g. an optional dependency is missing)."""
        return None

    # -- auth --------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The page where the seller grants our app access to their shop."""
        raise NotImplementedError

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        """Trade the single-use code (and the other callback parameters) for tokens."""
        raise NotImplementedError

    def shop_id_from_callback(self, params: dict[str, str]) -> str | None:
        """The shop id the consent callback names, when the platform sends one, so a
        service can refuse a shop before spending the code (None: known only after)."""
        return None

    def refresh(self) -> TokenSet:
        """New tokens from the refresh token; the caller stores them and holds the lock."""
        raise NotImplementedError

    def needs_refresh(self, now: datetime) -> bool:
        """True when the access token expires within the refresh margin."""
        if self.tokens is None:
            return False
        remaining = (self.tokens.access_expires_at - now).total_seconds()
        return remaining < self.refresh_margin_seconds

    # -- catalogue write ----------------------------------------------------
    def upload_image(self, data: bytes, filename: str) -> ImageRef:
        """Upload one image rendition (already satisfying ``image_rule``)."""
        raise NotImplementedError

    def upload_images(self, images: Sequence[tuple[bytes, str]]) -> list[ImageRef]:
        """Upload (data, filename) renditions, ``image_upload_batch`` per call; a ref each."""
        return [self.upload_image(data, filename) for data, filename in images]

    def create_item(self, item: ItemPayload) -> RemoteItem:
        """Create a listing with its variants."""
        raise NotImplementedError

    def update_item(self, platform_item_id: str, item: ItemPayload) -> RemoteItem:
        """Replace a listing's content (not price and stock: see ``update_price_stock``)."""
        raise NotImplementedError

    def delist(self, platform_item_id: str) -> None:
        """Hide a listing from buyers, keeping it for later relisting."""
        raise NotImplementedError

    def relist(self, platform_item_id: str) -> None:
        """Show a delisted listing again."""
        raise NotImplementedError

    # -- catalogue read -----------------------------------------------------
    def find_by_seller_sku(self, seller_sku: str) -> RemoteItem | None:
        """The listing whose parent or variant seller SKU is ``seller_sku``, if any."""
        raise NotImplementedError

    def list_items(self, cursor: str | None = None) -> Page[RemoteItem]:
        """One page of the shop's listings."""
        raise NotImplementedError

    # -- price and stock ------------------------------------------------------
    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        """Write prices and stock, split to ``price_stock_batch`` per call; one result each."""
        raise NotImplementedError

    def read_price_stock(self, variants: Sequence[VariantRef]) -> list[RemoteVariant | None]:
        """The price and stock the platform shows now, one per variant (None: not there).

        The read-back after ``update_price_stock``: read in as few calls as the
        platform allows, and report what the platform stores (the seller stock we
        wrote, not stock net of reservations), so it compares with what we sent.
        """
        raise NotImplementedError

    # -- categories -------------------------------------------------------------
    def categories(self) -> list[CategoryNode]:
        """The platform's category tree, flattened."""
        raise NotImplementedError

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        """The attributes of a leaf category, required ones flagged."""
        raise NotImplementedError

    def brands(self, category_id: str) -> list[Brand]:
        """Brands allowed in a category."""
        raise NotImplementedError

    # -- orders and money ------------------------------------------------------
    def list_orders(
        self, updated_from: datetime, updated_to: datetime, cursor: str | None = None
    ) -> Page[str]:
        """Ids of orders updated in [from, to); the range must fit ``order_window_days``."""
        raise NotImplementedError

    def order_details(self, order_ids: Sequence[str]) -> list[Order]:
        """Full orders, fetched in the platform's batch size."""
        raise NotImplementedError

    def settlements(self, order_ids: Sequence[str]) -> list[Settlement]:
        """Fees and net income per order, where the platform reports them."""
        raise NotImplementedError

    # -- pushes (webhooks) -------------------------------------------------------
    # How old a push may be and still be taken: the platform's retry schedule, else a day.
    push_max_age_s: int = 24 * 3600

    def read_push(self, url: str, headers: Mapping[str, str], body: bytes) -> PushNotice:
        """Verify a push sent to ``url`` (raise ``AuthError`` if the signature is wrong) and
        say what it is about. ``body`` is the raw request body, exactly as received."""
        raise NotImplementedError
