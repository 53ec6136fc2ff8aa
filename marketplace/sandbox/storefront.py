"""``GET /storefront`` on every sandbox: a seller shop's listings as a buyer would see them
(``?shop=<the platform's shop id>``; the demo shop without it).

A cooperative manager who just synced wants to *see* the result on the marketplace.
Each sandbox reads its own store (``shopee/storefront.py`` and its siblings turn the
platform's documents into ``Listing``); this module pages them, newest first, and
renders them in the sandbox's own look, with stable hooks for tests:
``li.listing[data-sku=<parent SKU>]`` and ``tr[data-sku=<variant SKU>]`` holding
``td.price`` (``125.000 ₫``) and ``td.stock``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import render_template
from flask import request

from marketplace.common.formatting import money

PER_PAGE = 50
# The page is the sandbox's, not the app's, so it sets its own policy: our stylesheet only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# What a status means to a buyer, whatever the platform calls it: the CSS hook.
LIVE, HIDDEN, REVIEW, REFUSED = "live", "hidden", "review", "refused"


@dataclass(frozen=True)
class Status:
    kind: str  # LIVE, HIDDEN, REVIEW or REFUSED
    label: str  # the platform's word for it, translated


@dataclass(frozen=True)
class Variant:
    seller_sku: str
    option: str  # "Khối lượng: 250 g"; empty for a listing without options
    price: int  # whole đồng
    stock: int


@dataclass(frozen=True)
class Listing:
    seller_sku: str  # the parent SKU
    name: str
    status: Status
    created: float  # seconds since the epoch, for newest first
    platform_id: int  # the platform's increasing id: breaks ties within one second
    variants: list[Variant]


@dataclass(frozen=True)
class Page:
    listings: list[Listing]
    number: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


# A sandbox's reader: given a shop id (None: the demo shop), that shop's name and every
# listing it shows (deleted ones left out); None for a shop the sandbox does not have.
Reader = Callable[[str | None], tuple[str, list[Listing]] | None]


def whole_dong(value: Any) -> int:
    """A stored price (float, int or numeric string) as whole đồng, half rounded up."""
    try:
        return int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))
    except (InvalidOperation, ValueError):
        return 0


# A platform's statuses: its code → (kind, its word for it, lazily translated).
Statuses = dict[str, tuple[str, object]]


def status_of(code: str, known: Statuses) -> Status:
    """The platform status ``code`` for buyers; one we do not know is shown as is."""
    kind, label = known.get(code, (HIDDEN, code))
    return Status(kind, str(label))


def options_text(pairs: list[tuple[str, str]]) -> str:
    """``Khối lượng: 250 g · Màu: Đỏ`` from (name, value) pairs."""
    return " · ".join(f"{name}: {value}" if name else value for name, value in pairs if value)


def paginate(listings: list[Listing], wanted: int) -> Page:
    """Newest first, ``PER_PAGE`` a page; a page out of range shows the nearest one."""
    ordered = sorted(listings, key=lambda item: (item.created, item.platform_id), reverse=True)
    pages = max(1, -(-len(ordered) // PER_PAGE))
    number = min(max(wanted, 1), pages)
    start = (number - 1) * PER_PAGE
    return Page(ordered[start : start + PER_PAGE], number, pages, len(ordered))


def blueprint(platform: str, read: Reader) -> Blueprint:
    """One sandbox's ``/storefront`` page, rendered by ``sandbox/<platform>/storefront.html``."""
    bp = Blueprint(
        f"{platform}_storefront",
        __name__,
        static_folder="static",
        static_url_path="/storefront/static",
    )
    bp.add_app_template_filter(money, "money")

    @bp.get("/storefront")
    def show() -> Response:
        found = read(request.args.get("shop") or None)
        if found is None:
            abort(404)
        shop_name, listings = found
        page = paginate(listings, request.args.get("page", 1, type=int))
        html = render_template(
            f"sandbox/{platform}/storefront.html", shop_name=shop_name, page=page
        )
        response = Response(html, mimetype="text/html")
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    return bp
