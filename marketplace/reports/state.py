"""What is true now rather than summed over days: connected accounts, products online, how
fresh the figures are and which closed months were changed after they ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select

from marketplace.catalog.models import Cooperative
from marketplace.extensions import db
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.reports.period import Period
from marketplace.reports.period import add_months
from marketplace.reports.queries import Scope
from marketplace.sales.models import SalesDaily
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Accounts:
    platform: str
    shops: int
    cooperatives: int
    products_online: int


def _connected(query: Any, scope: Scope) -> Any:
    query = query.join(Cooperative, Cooperative.id == Shop.cooperative_id).where(
        Cooperative.area_id.in_(scope.area_ids), Shop.status == ShopStatus.CONNECTED
    )
    if scope.cooperative_id is not None:
        query = query.where(Shop.cooperative_id == scope.cooperative_id)
    return query


def accounts(scope: Scope) -> tuple[list[Accounts], Accounts]:
    """Connected shops, their cooperatives and distinct products with a live listing, by
    platform and in all (a product on two platforms counts once in all)."""
    shops = db.session.execute(
        _connected(
            select(
                Shop.platform, func.count(Shop.id), func.count(func.distinct(Shop.cooperative_id))
            ),
            scope,
        ).group_by(Shop.platform)
    ).all()
    live = select(Shop.platform, func.count(func.distinct(Listing.product_id))).join(
        Shop, Shop.id == Listing.shop_id
    )
    live = _connected(live, scope).where(Listing.status == ListingStatus.LIVE)
    online: dict[str, int] = {
        p: int(n) for p, n in db.session.execute(live.group_by(Shop.platform))
    }
    total = db.session.execute(
        _connected(
            select(
                func.count(func.distinct(Shop.cooperative_id)),
                func.count(func.distinct(Listing.product_id)),
            )
            .select_from(Shop)
            .outerjoin(
                Listing, (Listing.shop_id == Shop.id) & (Listing.status == ListingStatus.LIVE)
            ),
            scope,
        )
    ).one()
    rows = [Accounts(p, int(n), int(c), int(online.get(p, 0))) for p, n, c in shops]
    rows.sort(key=lambda a: (-a.shops, a.platform))
    return rows, Accounts("", sum(a.shops for a in rows), int(total[0]), int(total[1] or 0))


def freshness(scope: Scope) -> datetime | None:
    """The moment "figures up to" names: the oldest last order pull among the scope's
    connected shops — every shop's orders are in up to then. Where no shop was ever pulled
    (sales from files, or none yet), the newest change to the scope's rollups."""
    pulled = db.session.scalar(_connected(select(func.min(Shop.last_orders_pulled_at)), scope))
    d = SalesDaily
    newest = select(func.max(d.updated_at)).where(d.area_id.in_(scope.area_ids))
    if scope.cooperative_id is not None:
        newest = newest.where(d.cooperative_id == scope.cooperative_id)
    changed = db.session.scalar(newest)  # asked always: a constant number of queries
    return pulled or changed


def restated_months(scope: Scope, period: Period, now: datetime) -> list[tuple[date, datetime]]:
    """Months of the period that had ended and whose rows were changed afterwards."""
    d = SalesDaily
    year, month = extract("year", d.day), extract("month", d.day)
    query = select(year, month, func.max(d.updated_at)).where(
        d.area_id.in_(scope.area_ids), d.day >= period.start, d.day <= period.end
    )
    if scope.cooperative_id is not None:
        query = query.where(d.cooperative_id == scope.cooperative_id)
    found = []
    for y, m, changed in db.session.execute(query.group_by(year, month)):
        first = date(int(y), int(m), 1)
        closed = datetime.combine(add_months(first, 1), datetime.min.time(), VIETNAM)
        if changed is not None and closed <= now and changed.astimezone(UTC) > closed:
            found.append((first, changed))
    return sorted(found)
