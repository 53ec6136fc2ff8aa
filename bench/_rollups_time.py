"""Timing the dashboards' queries against raw GROUP BY, and the real ingest path."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Any

import _rollups_raw as raw
from _rollups_data import CLUSTER
from _rollups_data import World

from marketplace.connectors import types as remote
from marketplace.connectors.types import OrderStatus
from marketplace.extensions import db
from marketplace.reports import queries
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


PERIODS = {
    "month": (date(2026, 10, 1), date(2026, 10, 31)),
    "quarter": (date(2026, 7, 1), date(2026, 9, 30)),
    "year": (date(2025, 1, 1), date(2025, 12, 31)),
}


def scopes(world: World) -> dict[str, queries.Scope]:
    """A province (with its communes), a cluster of ten of its communes, one commune."""
    province = world.provinces[0]
    communes = world.communes[province]
    return {
        "province": queries.scope_for(province),
        "cluster": queries.Scope(tuple(communes[:CLUSTER])),
        "commune": queries.scope_for(communes[CLUSTER // 2]),
    }


def calls() -> list[tuple[str, Callable[..., Any], Callable[..., Any]]]:
    """(name, the dashboard's query, the raw GROUP BY), each returning comparable answers."""
    found: list[tuple[str, Callable[..., Any], Callable[..., Any]]] = [
        ("totals", queries.totals, raw.totals)
    ]
    for by in queries.BREAKDOWNS:
        found.append(
            (
                by,
                lambda s, a, b, by=by: dict(queries.breakdown(s, a, b, by)),
                lambda s, a, b, by=by: raw.breakdown(s, a, b, by),
            )
        )
    found.append(("top_products", queries.top_products, raw.top_products))
    return found


def _timed(
    function: Callable[..., Any], args: tuple[Any, ...], times: int
) -> tuple[Any, list[float]]:
    spent, answer = [], None
    for _ in range(times):
        started = time.perf_counter()
        answer = function(*args)
        spent.append((time.perf_counter() - started) * 1000)
    return answer, spent


def measure(world: World, repeat: int, raw_repeat: int) -> Result:
    """Every call per scope level × period: the rollup's times, the raw's, answers compared."""
    result, lines = (
        Result(),
        [f"{'scope':10} {'period':8} {'query p50/p95 ms':>18} {'raw p50/p95 ms':>18}"],
    )
    everything: list[float] = []
    everything_raw: list[float] = []
    for level, scope in scopes(world).items():
        for period, (start, end) in PERIODS.items():
            mine: list[float] = []
            theirs: list[float] = []
            for name, query, baseline in calls():
                answer, spent = _timed(query, (scope, start, end), repeat)
                expected, spent_raw = _timed(baseline, (scope, start, end), raw_repeat)
                mine += spent
                theirs += spent_raw
                if answer != expected:
                    result.mismatches.append(f"{level} {period} {name}: {answer} != raw {expected}")
            everything += mine
            everything_raw += theirs
            lines.append(
                f"{level:10} {period:8} {percentile(mine, 0.5):8.1f} /{percentile(mine, 0.95):8.1f}"
                f" {percentile(theirs, 0.5):8.1f} /{percentile(theirs, 0.95):8.1f}"
            )
    result.p95, result.raw_p95 = percentile(everything, 0.95), percentile(everything_raw, 0.95)
    result.table = "\n".join(lines)
    return result


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


def _new_order(world: World, cooperative: int, order_id: str, rng: random.Random) -> remote.Order:
    variants = world.cooperatives[cooperative][1]
    picked = rng.sample(variants, min(len(variants), rng.randint(1, 3)))
    placed = datetime.now(UTC) - timedelta(minutes=rng.randint(5, 600))
    lines = [
        remote.OrderLine(f"{k}", sku, "", rng.randint(1, 4), price)
        for k, (_, _, price, sku) in enumerate(picked)
    ]
    total = sum(line.quantity * line.unit_price for line in lines)
    return remote.Order(order_id, OrderStatus.TO_SHIP, "to_ship", placed, placed, total, lines)
