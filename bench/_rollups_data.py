"""The national ledger bench/rollups.py measures: built through a bulk path, not the app.

Areas (provinces → communes), cooperatives, shops, products and variants go in with
SQLAlchemy Core executemany (the columns' types encrypt tokens and store UTC times as the
app does); orders and their lines with COPY on PostgreSQL, executemany on SQLite. Then the
ledger is made with set-based SQL: ``ENTRIES`` is ``ledger.contribution`` written in SQL
(every generated order is booked once, on the Vietnam day it was placed, so each order's
entries are its contribution), and ``ledger.rebuild`` — the app's own — sums them per day.
``check_sample`` verifies the SQL against ``ledger.booked == ledger.contribution``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from marketplace.catalog.models import Area
from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.catalog.models import Product
from marketplace.catalog.models import Variant
from marketplace.catalog.reference import seed_categories
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.shops.models import Shop

PROVINCES = ("Sơn La", "Điện Biên", "Lai Châu", "Lào Cai", "Phú Thọ", "Tuyên Quang")
COMMUNES_PER_PROVINCE = 75  # Sơn La has 75 communes and wards since 1 July 2025
CLUSTER = 10  # communes in the bench's middle level (a "cluster": 10 neighbouring communes)
PRODUCTS_PER_COOPERATIVE = 4
PLATFORMS = ("shopee", "lazada", "tiktok")
FIRST_DAY = date(2025, 1, 1)
DAYS = 700  # orders placed 1 Jan 2025 … 1 Dec 2026
# Status mix of the generated orders (cumulative share out of 100).
STATUS_MIX = (
    (85, OrderStatus.COMPLETED),
    (90, OrderStatus.SHIPPED),
    (93, OrderStatus.TO_SHIP),
    (97, OrderStatus.CANCELLED),
    (100, OrderStatus.RETURNED),
)
ORDER_COLUMNS = (
    "id, shop_id, cooperative_id, platform_order_id, status, platform_status, placed_at, "
    "platform_updated_at, total, stock_deducted, source, delivery_region, gross, "
    "tax_withheld, net, settlement_final, created_at, updated_at"
)
LINE_COLUMNS = (
    "id, order_id, platform_line_id, seller_sku, name, quantity, returned_quantity, "
    "unit_price, variant_id"
)


@dataclass(frozen=True)
class World:
    """What the generator made: ids the timing and ingest parts pick from."""

    provinces: list[int]
    communes: dict[int, list[int]]  # province id → its commune ids
    # cooperative id → (shop id, [(variant id, product id, price, sku)])
    cooperatives: dict[int, tuple[int, list[tuple[int, int, int, str]]]]


def build_dimensions(cooperatives: int, seed: int = 7) -> World:
    """Provinces, communes, cooperatives (one shop each) and their products."""
    rng = random.Random(seed)
    seed_categories()
    categories = list(db.session.scalars(select(Category.id)))
    provinces, communes = _areas()
    commune_ids = [c for ids in communes.values() for c in ids]
    now = datetime.now(UTC)
    coop_rows, shop_rows, product_rows, variant_rows = [], [], [], []
    found: dict[int, tuple[int, list[tuple[int, int, int, str]]]] = {}
    for n in range(1, cooperatives + 1):
        coop_rows.append(_cooperative(n, rng.choice(commune_ids), rng, now))
        shop_rows.append(_shop(n, now))
        variants = []
        for k in range(PRODUCTS_PER_COOPERATIVE):
            pid = (n - 1) * PRODUCTS_PER_COOPERATIVE + k + 1
            price = rng.choice((45_000, 65_000, 120_000, 260_000, 380_000))
            sku = f"B{n}-{k}"
            product_rows.append(_product(pid, n, k, rng.choice(categories), rng, now))
            variant_rows.append(
                {"id": pid, "product_id": pid, "cooperative_id": n, "sku": sku, "price": price}
                | {"stock": 10_000_000}  # the ingest's shipped orders never run it out
            )
            variants.append((pid, pid, price, sku))
        found[n] = (n, variants)
    for model, rows in (
        (Cooperative, coop_rows),
        (Shop, shop_rows),
        (Product, product_rows),
        (Variant, variant_rows),
    ):
        db.session.execute(insert(_table(model)), rows)
    db.session.commit()
    _reset_sequences("cooperatives", "shops", "products", "variants")
    return World(provinces, communes, found)


def load_world() -> World:
    """The World of a database built before (``--keep``)."""
    communes: dict[int, list[int]] = {}
    rows = db.session.execute(select(Area.id, Area.parent_id).where(Area.kind == "commune"))
    for area_id, parent_id in rows.tuples():
        communes.setdefault(int(parent_id or 0), []).append(int(area_id))
    found: dict[int, tuple[int, list[tuple[int, int, int, str]]]] = {}
    shops = db.session.execute(select(Shop.cooperative_id, Shop.id)).tuples()
    for coop, shop_id in shops:
        found[coop] = (shop_id, [])
    variants = select(
        Variant.cooperative_id, Variant.id, Variant.product_id, Variant.price, Variant.sku
    )
    for coop, variant_id, product_id, price, sku in db.session.execute(variants).tuples():
        found[coop][1].append((variant_id, product_id, int(price), sku))
    return World(sorted(communes), communes, found)


def _areas() -> tuple[list[int], dict[int, list[int]]]:
    provinces, communes = [], {}
    for p, name in enumerate(PROVINCES):
        province = Area(name=f"Tỉnh {name}", kind="province", code=f"B{p}")
        db.session.add(province)
        db.session.flush()
        rows = [
            Area(name=f"Xã {name} {c + 1}", kind="commune", parent_id=province.id)
            for c in range(COMMUNES_PER_PROVINCE)
        ]
        db.session.add_all(rows)
        db.session.flush()
        provinces.append(province.id)
        communes[province.id] = [row.id for row in rows]
    return provinces, communes


def _cooperative(n: int, area_id: int, rng: random.Random, now: datetime) -> dict[str, Any]:
    return {
        "id": n,
        "name": f"HTX Bench {n}",
        "tax_code": f"{9_000_000_000 + n}",
        "area_id": area_id,
        "ethnic_minority_led": rng.random() < 0.4,
        "subject_type": rng.choice(("cooperative", "household", "enterprise")),
        "shares_sales_figures": rng.random() < 0.8,
        "created_at": now,
        "updated_at": now,
    }


def _shop(n: int, now: datetime) -> dict[str, Any]:
    return {
        "id": n,
        "cooperative_id": n,
        "platform": PLATFORMS[n % len(PLATFORMS)],
        "platform_shop_id": f"bench-{n}",
        "name": f"Shop {n}",
        "status": "connected",
        "access_token": "bench",
        "refresh_token": "bench",
        "token_extra": "{}",
        "access_expires_at": now + timedelta(days=3650),
        "created_at": datetime(2024, 1, 1, tzinfo=UTC),
        "updated_at": now,
    }


def _product(
    pid: int, n: int, k: int, category: int, rng: random.Random, now: datetime
) -> dict[str, Any]:
    return {
        "id": pid,
        "cooperative_id": n,
        "name": f"Sản phẩm {k + 1} của HTX {n}",
        "slug": f"san-pham-{k + 1}",
        "category_id": category,
        "ocop_stars": rng.choice((None, 3, 4, 5)),
        "status": "active",
        "description": "",
        "search_text": "",
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def _reset_sequences(*tables: str) -> None:
    """Ids were given explicitly: move PostgreSQL's sequences past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in tables:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed
                f"(SELECT coalesce(max(id), 1) FROM {name}))"
            )
        )
    db.session.commit()


def generate(world: World, lines: int, seed: int = 11) -> Iterator[tuple[tuple, list[tuple]]]:
    """(order row, its line rows) until ``lines`` lines; ids from 1, 1–3 products an order."""
    rng = random.Random(seed)
    coop_ids = list(world.cooperatives)
    start = datetime.combine(FIRST_DAY, datetime.min.time(), UTC) - timedelta(hours=7)
    order_id, line_id, made = 0, 0, 0
    while made < lines:
        order_id += 1
        coop = rng.choice(coop_ids)
        shop_id, variants = world.cooperatives[coop]
        picked = rng.sample(variants, min(rng.randint(1, 3), lines - made))
        status = _status(rng.randrange(100))
        placed = start + timedelta(seconds=rng.randrange(DAYS * 86_400))
        rows, total = [], 0
        for variant_id, _, price, sku in picked:
            line_id += 1
            quantity = rng.randint(1, 4)
            returned = 1 if quantity > 1 and rng.random() < 0.05 else 0
            total += quantity * price
            rows.append(
                (line_id, order_id, f"L{line_id}", sku, "", quantity, returned, price, variant_id)
            )
        made += len(rows)
        settled = status in (OrderStatus.COMPLETED, OrderStatus.RETURNED) and rng.random() < 0.9
        net = (
            (total * 85 // 100 if status == OrderStatus.COMPLETED else -15_000) if settled else None
        )
        order = (
            order_id, shop_id, coop, f"B{order_id}", status.value, status.value, placed,
            placed + timedelta(days=2), total, False, "pull", "", total if settled else None,
            0, net, settled, placed, placed,
        )  # fmt: skip
        yield order, rows


def _status(roll: int) -> OrderStatus:
    return next(status for bound, status in STATUS_MIX if roll < bound)
