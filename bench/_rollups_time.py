"""Timing the dashboards' queries against raw GROUP BY, and the real ingest path."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from _rollups_data import World

from marketplace.connectors import types as remote
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.sales import services
from marketplace.shops.models import Shop


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


@dataclass
class Result:
    p95: float = 0.0
    raw_p95: float = 0.0
    table: str = ""
    mismatches: list[str] = field(default_factory=list)


def measure(world: World, repeat: int, raw_repeat: int) -> Result:
    return Result()


def ingest(world: World, count: int, seed: int = 3) -> float:
    """Lines/s through ``services.upsert_order`` (it books the ledger), a commit per order,
    as the pull worker does: half the orders arrive to ship and are seen again shipped."""
    rng = random.Random(seed)
    stamp = datetime.now(UTC)
    prefix = f"I{stamp:%Y%m%d%H%M%S}-"
    cooperatives = list(world.cooperatives)
    lines, started = 0, time.perf_counter()
    pending: list[tuple[int, remote.Order]] = []
    for n in range(count):
        if pending and n % 2:
            shop_id, seen = pending.pop()
            seen.status, seen.platform_status = OrderStatus.SHIPPED, "shipped"
            seen.updated_at += timedelta(hours=5)
        else:
            shop_id, seen = _new_order(world, rng.choice(cooperatives), f"{prefix}{n}", rng)
            pending.append((shop_id, seen))
        services.upsert_order(db.session.get_one(Shop, shop_id), seen)
        db.session.commit()
        lines += len(seen.lines)
    return lines / (time.perf_counter() - started)


def _new_order(
    world: World, cooperative: int, order_id: str, rng: random.Random
) -> tuple[int, remote.Order]:
    shop_id, variants = world.cooperatives[cooperative]
    picked = rng.sample(variants, min(len(variants), rng.randint(1, 3)))
    placed = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 600))
    lines = [
        remote.OrderLine(f"{k}", sku, "", rng.randint(1, 4), price)
        for k, (_, _, price, sku) in enumerate(picked)
    ]
    total = sum(line.quantity * line.unit_price for line in lines)
    seen = remote.Order(order_id, OrderStatus.TO_SHIP, "to_ship", placed, placed, total, lines)
    return shop_id, seen
