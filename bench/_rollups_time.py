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


def ingest(world: World, count: int, batch: int, seed: int = 3) -> float:
    """Lines/s through ``services.upsert_order`` (it books the ledger) as the pull worker
    runs it: one shop's changed orders, then one commit; half of a shop's orders arrive
    to ship and are seen again shipped in a later pull (an update: a second booking)."""
    rng = random.Random(seed)
    prefix = f"I{datetime.now(UTC):%Y%m%d%H%M%S}-"
    cooperatives = list(world.cooperatives)
    pending: dict[int, list[remote.Order]] = {}
    lines, done, started = 0, 0, time.perf_counter()
    while done < count:
        cooperative = rng.choice(cooperatives[:50])  # the same shops are pulled again
        shop_id = world.cooperatives[cooperative][0]
        shop = db.session.get_one(Shop, shop_id)
        waiting = pending.setdefault(shop_id, [])
        for n in range(done, min(count, done + batch)):
            if waiting and n % 2:
                seen = waiting.pop()
                seen.status, seen.platform_status = OrderStatus.SHIPPED, "shipped"
                seen.updated_at += timedelta(hours=5)
            else:
                seen = _new_order(world, cooperative, f"{prefix}{n}", rng)
                waiting.append(seen)
            services.upsert_order(shop, seen)
            lines += len(seen.lines)
        db.session.commit()
        done += batch
    return lines / (time.perf_counter() - started)


def _new_order(
    world: World, cooperative: int, order_id: str, rng: random.Random
) -> remote.Order:
    variants = world.cooperatives[cooperative][1]
    picked = rng.sample(variants, min(len(variants), rng.randint(1, 3)))
    placed = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 600))
    lines = [
        remote.OrderLine(f"{k}", sku, "", rng.randint(1, 4), price)
        for k, (_, _, price, sku) in enumerate(picked)
    ]
    total = sum(line.quantity * line.unit_price for line in lines)
    return remote.Order(order_id, OrderStatus.TO_SHIP, "to_ship", placed, placed, total, lines)
