"""The demo's order history as a plan: which orders each demo shop had, day by day.

Pure and deterministic (one seeded random generator per cooperative, the same ``now``
gives the same plan); ``demo_history`` writes it. A day's orders follow the cooperative's
size, growth over the two years, the weekday, the mega-sale days (9.9, 10.10 …), the
season of its fresh produce (``SEASONS``: plums in May–June, mangoes June–August) and,
for everything else, the gift weeks before Tết, with the carriers' rest around Tết.
Each order is a list of states as the minute's pull would have seen them: placed (to
ship), then completed and settled some days later (or still shipped if recent), now and
then cancelled or (partly) returned after settlement.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta

from marketplace.connectors.types import OrderStatus
from marketplace.demo_data import DAILY_ORDERS
from marketplace.demo_data import FEE_RATES
from marketplace.demo_data import HISTORY_DAYS
from marketplace.demo_data import HOUSEHOLD_TAX_FROM
from marketplace.demo_data import HOUSEHOLD_TAX_RATE
from marketplace.demo_data import PLATFORM_SHARES
from marketplace.demo_data import PROVINCES
from marketplace.demo_data import SEASONS
from marketplace.demo_data import SEED
from marketplace.demo_data import TET
from marketplace.demo_data import UNKNOWN_SKUS
from marketplace.demo_data import WEEKDAY

VIETNAM_OFFSET = timedelta(hours=7)  # no daylight saving in Vietnam
HOUR_WEIGHTS = (1, 1, 0, 0, 0, 1, 2, 3, 4, 5, 5, 6, 6, 5, 5, 5, 5, 5, 6, 8, 10, 11, 9, 4)
PULL_DELAY = timedelta(minutes=2)  # the minute's pull sees a new order this much later
FINAL_AFTER = timedelta(days=14)  # platforms stop revising a settlement after this long
CANCEL_SHARE, RETURN_SHARE, UNKNOWN_SHARE = 0.05, 0.035, 0.0015


@dataclass(frozen=True)
class Item:
    """A variant a demo cooperative sells, and how it sells."""

    variant_id: int
    product_id: int
    sku: str
    name: str
    price: int
    popularity: float
    season: tuple[int, int] | None  # fresh produce: its months; None: all year, Tết gifts


@dataclass
class Line:
    sku: str
    name: str
    variant_id: int | None
    quantity: int
    unit_price: int


@dataclass
class State:
    """The order as one pull saw it: status, units returned per line, the money."""

    at: datetime
    status: OrderStatus
    returned: tuple[int, ...]
    gross: int | None = None
    fees: dict[str, int] = field(default_factory=dict)
    net: int | None = None


@dataclass
class PlannedOrder:
    platform: str
    platform_order_id: str
    placed_at: datetime
    region: str
    lines: list[Line]
    states: list[State]

    @property
    def final(self) -> State:
        return self.states[-1]


def season_weight(item: Item, day: date) -> float:
    """How much of an item sells on a day, relative to its usual: 0 out of its season."""
    if item.season is not None:
        first, last = item.season
        return 1.0 if first <= day.month <= last else 0.0
    return tet_boost(day)


def tet_boost(day: date) -> float:
    """Gift buying before Tết: rising over six weeks to four times the usual a week before."""
    for tet in TET:
        before = (tet - day).days
        if 7 <= before <= 42:
            return 1.0 + 3.0 * (42 - before) / 35
        if 0 < before < 7:
            return 3.0
    return 1.0


def carriers_rest(day: date) -> float:
    """Almost nothing ships from two days before Tết to five days after it."""
    return 0.2 if any(-5 <= (tet - day).days <= 2 for tet in TET) else 1.0


def season_of(name: str) -> tuple[int, int] | None:
    return next((months for word, months in SEASONS.items() if name.startswith(word)), None)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: the means here are small."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class CooperativePlan:
    """The orders of one cooperative's shops over the history, from one seeded generator."""

    def __init__(self, key: str, items: list[Item], platforms: list[str], household: bool):
        self.key, self.items, self.platforms, self.household = key, items, platforms, household
        self.rng = random.Random(f"{SEED}-history-{key}")
        self.serial = 0
        self.provinces, self.province_weights = list(PROVINCES), list(PROVINCES.values())

    def orders(self, now: datetime) -> list[PlannedOrder]:
        """Every order placed from ``HISTORY_DAYS`` before ``now``'s day to the day before."""
        today = (now + VIETNAM_OFFSET).date()
        days = [today - timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1)]
        usual = sum(self._weights_total(d) for d in days) / len(days) or 1.0
        planned = []
        for index, day in enumerate(days):
            growth = 0.45 + 0.55 * index / len(days)
            mean = DAILY_ORDERS.get(self.key, 2.0) * growth * WEEKDAY[day.weekday()]
            mean *= self._weights_total(day) / usual * carriers_rest(day)
            mean *= 1.8 if day.day == day.month else 1.0  # the platforms' mega-sale days
            for _ in range(_poisson(self.rng, mean)):
                planned.append(self._order(day, index / len(days), now))
        return planned

    def _weights(self, day: date) -> list[float]:
        return [item.popularity * season_weight(item, day) for item in self.items]

    def _weights_total(self, day: date) -> float:
        return sum(self._weights(day))

    def _platform(self, progress: float) -> str:
        shares = [
            PLATFORM_SHARES[p][0] + (PLATFORM_SHARES[p][1] - PLATFORM_SHARES[p][0]) * progress
            for p in self.platforms
        ]
        return self.rng.choices(self.platforms, shares)[0]

    def _order(self, day: date, progress: float, now: datetime) -> PlannedOrder:
        rng = self.rng
        platform = self._platform(progress)
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
        placed = (local - VIETNAM_OFFSET).replace(tzinfo=UTC)
        self.serial += 1
        lines = self._lines(day)
        return PlannedOrder(
            platform=platform,
            platform_order_id=history_order_id(platform, self.key, self.serial, day),
            placed_at=placed,
            region=rng.choices(self.provinces, self.province_weights)[0],
            lines=lines,
            states=self._states(platform, placed, lines, now),
        )

    def _lines(self, day: date) -> list[Line]:
        rng, weights = self.rng, self._weights(day)
        count = min(rng.choices((1, 2, 3), (75, 20, 5))[0], sum(1 for w in weights if w))
        chosen: list[Item] = []
        while len(chosen) < count:
            item = rng.choices(self.items, weights)[0]
            if all(item.product_id != c.product_id for c in chosen):
                chosen.append(item)
        discount = 0.9 if day.day == day.month else rng.choice((1, 1, 1, 1, 1, 1, 0.95, 0.9))
        lines = [
            Line(
                sku=item.sku,
                name=item.name,
                variant_id=item.variant_id,
                quantity=self._quantity(item),
                unit_price=int(item.price * discount) // 1000 * 1000,
            )
            for item in chosen
        ]
        if rng.random() < UNKNOWN_SHARE:  # a gift set listed before the catalogue was kept
            sku = rng.choice(UNKNOWN_SKUS)
            lines.append(Line(sku, f"Hộp quà {sku}", None, 1, rng.choice((250, 350, 450)) * 1000))
        return lines

    def _quantity(self, item: Item) -> int:
        if item.season:  # fresh fruit goes by the box
            return self.rng.choices((1, 2), (80, 20))[0]
        return self.rng.choices((1, 2, 3, 4, 5), (65, 20, 8, 4, 3))[0]

    def _states(
        self, platform: str, placed: datetime, lines: list[Line], now: datetime
    ) -> list[State]:
        rng, kept = self.rng, tuple(0 for _ in lines)
        seen = State(placed + PULL_DELAY, OrderStatus.TO_SHIP, kept)
        if rng.random() < CANCEL_SHARE:
            cancelled = State(
                placed + timedelta(hours=rng.uniform(0.5, 36)), OrderStatus.CANCELLED, kept
            )
            cancelled.at = min(cancelled.at, now)
            # Half are cancelled before the first pull sees them: nothing is ever booked.
            return [seen, cancelled] if rng.random() < 0.5 else [cancelled]
        settled_at = placed + timedelta(days=rng.uniform(5, 12))
        if settled_at > now:
            shipped_at = placed + timedelta(hours=rng.uniform(3, 24))
            return [seen, State(min(shipped_at, now), OrderStatus.SHIPPED, kept)]
        money = Money(platform, rng, self.household and placed.date() >= HOUSEHOLD_TAX_FROM)
        done = money.state(settled_at, OrderStatus.COMPLETED, lines, kept)
        returned_at = settled_at + timedelta(days=rng.uniform(2, 10))
        if rng.random() >= RETURN_SHARE or returned_at > now:
            return [seen, done]
        return [seen, done, self._returned(money, returned_at, lines)]

    def _returned(self, money: Money, at: datetime, lines: list[Line]) -> State:
        """A return after settlement: one line partly when it had several units, else all."""
        partial = [i for i, line in enumerate(lines) if line.quantity > 1]
        if not partial or self.rng.random() < 0.4:
            return money.state(at, OrderStatus.RETURNED, lines, tuple(x.quantity for x in lines))
        index = self.rng.choice(partial)
        returned = tuple(
            self.rng.randint(1, line.quantity - 1) if i == index else 0
            for i, line in enumerate(lines)
        )
        return money.state(at, OrderStatus.COMPLETED, lines, returned)


class Money:
    """One order's settlement: fees by kind on the goods kept, the seller's shipping share
    and voucher drawn once, so a return's revision changes only what depends on the goods."""

    def __init__(self, platform: str, rng: random.Random, taxed: bool) -> None:
        self.rates = FEE_RATES[platform]
        self.shipping = rng.choice((0, 0, 0, 0, 5000, 10000, 15000))
        self.voucher_rate = rng.choice((0.05, 0.1)) if rng.random() < 0.15 else 0.0
        self.tax_rate = HOUSEHOLD_TAX_RATE if taxed else 0.0

    def state(
        self, at: datetime, status: OrderStatus, lines: list[Line], returned: tuple[int, ...]
    ) -> State:
        goods = 0
        if status != OrderStatus.RETURNED:
            goods = sum(
                (x.quantity - r) * x.unit_price for x, r in zip(lines, returned, strict=True)
            )
        fees = {kind: round(goods * rate) for kind, rate in self.rates.items()}
        fees["shipping"] = self.shipping
        fees["voucher"] = int(goods * self.voucher_rate) // 1000 * 1000
        fees["tax"] = round(goods * self.tax_rate)
        return State(at, status, returned, goods, fees, goods - sum(fees.values()))


def history_order_id(platform: str, key: str, serial: int, day: date) -> str:
    """An order id in the platform's own shape that the sandboxes never hand out:
    Shopee's order_sn (date + letters the sandbox's hex never has), Lazada's and
    TikTok's numbers in ranges below and above the sandbox's."""
    coop = sum(ord(c) for c in key) % 100
    if platform == "shopee":
        return f"{day:%y%m%d}DM{coop:02d}{serial:05d}"
    if platform == "lazada":
        return f"48{coop:02d}{serial:08d}"
    return f"5769{coop:02d}{serial:012d}"


HISTORY_ID_LIKE = {"shopee": "______DM%", "lazada": "48%", "tiktok": "5769%"}
