"""A shop connected to a served sandbox, the way a manager connects one: the one set-up
shared by the sync tests, the sales tests and the sync benchmark.

Call inside an app context; the caller commits.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from marketplace.catalog.models import Cooperative
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.sync import mapping as mapping_service
from marketplace.shops import services
from marketplace.shops.models import PlatformApp
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from tests.connectors.harness import PlatformEnv

CALLBACK = "http://127.0.0.1/callback"  # the redirect the Lazada test app is registered with


def register_app(env: PlatformEnv, requests_per_second: int | None = None) -> PlatformApp:
    """Point the platform's app row at this sandbox (created, or re-pointed at a fresh one)."""
    row = db.session.scalar(select(PlatformApp).where(PlatformApp.platform == env.name))
    row = row or PlatformApp(platform=env.name)
    row.base_url, row.auth_base_url = env.app.base_url, env.app.auth_base_url
    row.app_key, row.app_secret = env.app.app_key, env.app.app_secret
    row.extra = json.dumps(env.app.extra)
    if requests_per_second is not None:  # the sandboxes do not limit; keep tests fast
        row.requests_per_second = requests_per_second
    db.session.add(row)
    # A fresh sandbox has its own category tree: forget the one cached for an earlier sandbox.
    redis = rq.get_queue().connection
    for key in redis.scan_iter(f"cache:*:{env.name}*"):
        redis.delete(key)
    db.session.flush()
    return row


def connect_shop(
    env: PlatformEnv,
    cooperative: Cooperative,
    category_id: int,
    requests_per_second: int | None = None,
) -> Shop:
    """Register the app, pass the sandbox's consent page, map the category to its first leaf."""
    register_app(env, requests_per_second)
    release_platform_shops(env.name, cooperative)
    params = env.consent(services.authorization_url(env.name, CALLBACK, "test"))
    params.pop("state", None)
    shop = services.complete_authorization(cooperative, env.name, params.pop("code"), params)
    map_first_leaf(shop, category_id)
    return shop


def release_platform_shops(platform: str, cooperative: Cooperative) -> None:
    """Mark the platform's shops of other cooperatives disconnected. Each sandbox serves
    one demo shop that the tests of a run connect again and again, each time for a new
    cooperative; a platform shop is held by one cooperative at a time."""
    for shop in db.session.scalars(
        select(Shop).where(
            Shop.platform == platform,
            Shop.cooperative_id != cooperative.id,
            Shop.status != ShopStatus.DISCONNECTED,
        )
    ):
        shop.status = ShopStatus.DISCONNECTED
    db.session.flush()


def map_first_leaf(shop: Shop, category_id: int) -> None:
    """Map our category to the platform's first leaf, its required attributes filled in."""
    leaf = mapping_service.leaf_categories(shop)[0]
    values = {
        a.platform_id: a.options[0] if a.options else "Sơn La"
        for a in mapping_service.attributes(shop, leaf.platform_id)
        if a.required
    }
    mapping_service.save_mapping(shop, category_id, leaf.platform_id, values)
