"""Shops: connect through the platform's consent page, keep tokens fresh, record health."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.catalog.models import Cooperative
from marketplace.common.models import utcnow
from marketplace.connectors import registry
from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.http import HttpClient
from marketplace.connectors.ratelimit import RedisTokenBucket
from marketplace.connectors.types import AppConfig
from marketplace.connectors.types import TokenSet
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.shops.errors import ShopHeldError
from marketplace.shops.errors import ShopMoveError
from marketplace.shops.models import PlatformApp
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus
from marketplace.shops.signals import shop_connected

log = logging.getLogger(__name__)
T = TypeVar("T")
# Longer than the HTTP client's worst case (4 attempts × 35 s + backoff), so the lock
# never expires while a refresh is in flight and a second worker spends the token.
REFRESH_LOCK_SECONDS = 300


class ShopError(ConnectorError):
    """A shop operation that cannot go on (no app registration, shop gone)."""


def _usable_apps() -> Select[Any]:
    """Enabled registrations. One with a sandbox (the demo's, whose secrets are published)
    counts only while the sandboxes are on: otherwise anyone could sign pushes with it."""
    query = select(PlatformApp).where(PlatformApp.enabled)
    if not current_app.config.get("SANDBOX_ENABLED"):
        query = query.where(PlatformApp.sandbox.is_(False))
    return query


def platform_app(platform: str) -> PlatformApp | None:
    """Our usable app registration for the platform, if an admin set one up."""
    return db.session.scalar(_usable_apps().where(PlatformApp.platform == platform))


def connectable_platforms() -> list[tuple[str, str]]:
    """(name, title) of every API connector that has a usable app registration."""
    apps = {a.platform for a in db.session.scalars(_usable_apps())}
    return [(name, cls.title) for name, cls in sorted(registry.available().items()) if name in apps]


def connected_shops(cooperative_id: int) -> list[Shop]:
    """The cooperative's shops that can be synced."""
    return list(
        db.session.scalars(
            select(Shop)
            .where(Shop.cooperative_id == cooperative_id, Shop.status == ShopStatus.CONNECTED)
            .order_by(Shop.platform, Shop.id)
        )
    )


def sandbox_storefronts() -> dict[str, str]:
    """By platform, the storefront page of the sandbox our app is registered with, if any."""
    apps = db.session.scalars(select(PlatformApp).where(PlatformApp.sandbox))
    return {
        a.platform: f"{a.auth_base_url.rstrip('/')}/storefront" for a in apps if a.auth_base_url
    }


def _app_config(app: PlatformApp, redirect_uri: str = "") -> AppConfig:
    return AppConfig(
        base_url=app.base_url,
        app_key=app.app_key,
        app_secret=app.app_secret,
        auth_base_url=app.auth_base_url or app.base_url,
        redirect_uri=redirect_uri,
        extra=json.loads(app.extra or "{}"),
    )


def tokens_of(shop: Shop) -> TokenSet:
    """The shop's tokens as the connector wants them."""
    return TokenSet(
        access_token=shop.access_token,
        refresh_token=shop.refresh_token,
        access_expires_at=shop.access_expires_at,
        refresh_expires_at=shop.refresh_expires_at,
        shop_id=shop.platform_shop_id,
        shop_name=shop.name,
        extra=json.loads(shop.token_extra or "{}"),
    )


def build_connector(platform: str, shop: Shop | None = None) -> Connector:
    """A connector for the platform (and shop), with the shared rate limiter."""
    app = platform_app(platform)
    if app is None:
        raise ShopError(f"no app registration for {platform}")
    key = f"{platform}:{shop.platform_shop_id if shop else 'app'}"
    limiter = RedisTokenBucket(
        rq.get_queue().connection, rate=app.requests_per_second, burst=app.requests_per_second
    )
    connector_cls = registry.get_connector(platform)
    return connector_cls(
        _app_config(app), HttpClient(key, limiter), tokens_of(shop) if shop else None
    )


def authorization_url(platform: str, redirect_uri: str, state: str) -> str:
    """Where to send the seller to grant our app access to their shop."""
    return build_connector(platform).authorize_url(redirect_uri, state)


def complete_authorization(
    cooperative: Cooperative, platform: str, code: str, params: dict[str, str]
) -> Shop:
    """Exchange the callback's code for tokens and store the shop (new or reconnected).

    A shop another cooperative holds is refused with ``ShopHeldError``: before the
    exchange when the callback names the shop (so the holder's tokens are not
    retired by a second consent), else right after it, and by the unique index
    when two connections race.
    """
    connector = build_connector(platform)
    named = connector.shop_id_from_callback(params)
    if named:
        _refuse_if_held(cooperative, platform, named)
    tokens = connector.exchange_code(code, params)
    return store_connected_shop(cooperative, platform, tokens)


def store_connected_shop(cooperative: Cooperative, platform: str, tokens: TokenSet) -> Shop:
    """Store the shop the platform just issued ``tokens`` for, as connected (its row of
    an earlier connection, else a new one). A shop another cooperative holds is refused
    with ``ShopHeldError``. Also how the demo connects its sandbox shops."""
    _refuse_if_held(cooperative, platform, tokens.shop_id)
    shop = _row_of(cooperative.id, platform, tokens.shop_id)
    first = shop.id is None
    _store_tokens(shop, tokens)
    shop.last_success_at, shop.last_error = utcnow(), None
    _flush_held(shop, cooperative)
    log.info("shop %r (%s %r) connected", shop.id, platform, tokens.shop_id)
    shop_connected.send(shop, first=first)
    return shop


def _row_of(cooperative_id: int, platform: str, platform_shop_id: str) -> Shop:
    """The cooperative's row for the platform shop (connected once before), or a new one."""
    return db.session.scalar(
        select(Shop).where(
            Shop.cooperative_id == cooperative_id,
            Shop.platform == platform,
            Shop.platform_shop_id == platform_shop_id,
        )
    ) or Shop(cooperative_id=cooperative_id, platform=platform, platform_shop_id=platform_shop_id)


def holder_of(platform: str, platform_shop_id: str, besides: int | None = None) -> Shop | None:
    """The shop row holding the platform shop (not disconnected), other than ``besides``'s."""
    query = select(Shop).where(
        Shop.platform == platform,
        Shop.platform_shop_id == platform_shop_id,
        Shop.status != ShopStatus.DISCONNECTED,
    )
    if besides is not None:
        query = query.where(Shop.cooperative_id != besides)
    return db.session.scalar(query)


def _held_error(holder: Shop) -> ShopHeldError:
    name = holder.cooperative.name
    return ShopHeldError(
        gettext(
            "This shop is already connected to %(cooperative)s. To hand it over, "
            "%(cooperative)s disconnects it on its Shops page, or an administrator "
            "moves it to your cooperative.",
            cooperative=name,
        ),
        name,
    )


def _refuse_if_held(cooperative: Cooperative, platform: str, platform_shop_id: str) -> None:
    holder = holder_of(platform, platform_shop_id, besides=cooperative.id)
    if holder is not None:
        raise _held_error(holder)


def _flush_held(shop: Shop, cooperative: Cooperative) -> None:
    """Flush in a SAVEPOINT: a connection that raced ours to the same shop makes the
    unique index refuse this one, which becomes ``ShopHeldError``."""
    try:
        with db.session.begin_nested():
            db.session.add(shop)
            db.session.flush()
    except IntegrityError:
        holder = holder_of(shop.platform, shop.platform_shop_id, besides=cooperative.id)
        if holder is None:
            raise
        raise _held_error(holder) from None


def _store_tokens(shop: Shop, tokens: TokenSet) -> None:
    shop.access_token, shop.refresh_token = tokens.access_token, tokens.refresh_token
    shop.access_expires_at, shop.refresh_expires_at = (
        tokens.access_expires_at,
        tokens.refresh_expires_at,
    )
    shop.token_extra = json.dumps(tokens.extra)
    shop.name = tokens.shop_name or shop.name or tokens.shop_id
    shop.status = ShopStatus.CONNECTED


def refresh_tokens(shop: Shop, seen_access_token: str) -> None:
    """Refresh once, under a lock, so two workers never both spend a single-use refresh token.

    A refresh is a commit point: the caller's work so far is committed first (so the
    next read sees what other workers committed, and no transaction waits for the lock
    or the platform), and the new tokens are committed at once, because the platform
    has already retired the old refresh token and a later rollback must not lose the
    new one.
    """
    lock = rq.get_queue().connection.lock(
        f"lock:shop-refresh:{shop.id}",
        timeout=REFRESH_LOCK_SECONDS,
        blocking_timeout=REFRESH_LOCK_SECONDS,
    )
    db.session.commit()
    with lock:
        db.session.refresh(shop)
        if shop.access_token != seen_access_token:
            log.info("shop %r already refreshed by another worker", shop.id)
            return
        connector = build_connector(shop.platform, shop)
        try:
            tokens = outside_transaction(connector.refresh)
        except AuthError as exc:
            _mark(shop, ShopStatus.NEEDS_REAUTH, exc.message)
            db.session.commit()
            raise
        _store_tokens(shop, tokens)
        db.session.commit()
        log.info("shop %r tokens refreshed", shop.id)


def outside_transaction(request: Callable[[], T]) -> T:
    """Commit, then make the platform request: no transaction is ever held across network
    I/O or the rate limiter's sleeps. On SQLite a held write lock would stop every other
    writer (the manager's saves, the sandbox's own requests) for the whole call, and even
    a read transaction pins an old snapshot. The caller must have read what ``request``
    needs into plain values: an ORM attribute read inside it would begin a new one."""
    db.session.commit()
    return request()


def _mark(shop: Shop, status: ShopStatus, error: str) -> None:
    shop.status = status
    shop.last_error, shop.last_error_at = error, utcnow()


def call(shop: Shop, action: Callable[[Connector], T]) -> T:
    """Run ``action`` with a connector for the shop: refresh ahead of expiry, and once more
    when the platform says the token expired; record success or the error.

    A commit point: the caller's work so far is committed before the platform is called
    (``outside_transaction``), so ``action`` must take plain values, not ORM objects."""
    if shop.status == ShopStatus.NEEDS_REAUTH:
        raise AuthError("the shop must be authorized again", refreshable=False)
    connector = build_connector(shop.platform, shop)
    if connector.needs_refresh(utcnow()):
        refresh_tokens(shop, connector.tokens.access_token if connector.tokens else "")
        connector = build_connector(shop.platform, shop)
    try:
        try:
            result = outside_transaction(lambda: action(connector))
        except AuthError as exc:
            if not exc.refreshable:
                raise
            refresh_tokens(shop, connector.tokens.access_token if connector.tokens else "")
            retry = build_connector(shop.platform, shop)
            result = outside_transaction(lambda: action(retry))
    except AuthError as exc:
        if not exc.refreshable:
            _mark(shop, ShopStatus.NEEDS_REAUTH, exc.message)
        raise
    except ConnectorError as exc:
        shop.last_error, shop.last_error_at = exc.message, utcnow()
        raise
    shop.last_success_at = utcnow()
    return result


def check_health(shop: Shop) -> bool:
    """A cheap read to prove the shop answers; the outcome lands on the shop."""
    try:
        call(shop, lambda connector: connector.list_items(None))
    except ConnectorError:
        return False
    return True


def disconnect(shop: Shop) -> None:
    """Forget the shop's tokens; listings stay recorded for a later reconnection."""
    shop.status = ShopStatus.DISCONNECTED
    shop.access_token = shop.refresh_token = ""
    db.session.flush()
    log.info("shop %r disconnected", shop.id)


def reencrypt_secrets() -> int:
    """Rewrite every encrypted column so it is encrypted with the newest key.

    Reading decrypts with any configured key; marking the values changed makes the
    ORM write them back through ``EncryptedText``, which encrypts with the first key.
    """
    from sqlalchemy.orm.attributes import flag_modified

    count = 0
    for model, columns in (
        (PlatformApp, ("app_secret",)),
        (Shop, ("access_token", "refresh_token", "token_extra")),
    ):
        for row in db.session.scalars(select(model)):
            for column in columns:
                flag_modified(row, column)
            count += 1
    db.session.flush()
    return count


def move_shop(shop: Shop, cooperative: Cooperative) -> Shop:
    """Hand a connected platform shop to another cooperative (an admin's decision).

    The old row is disconnected and keeps its listing links, mappings and orders: those
    bind the old cooperative's products, and a sync of the new holder must never
    overwrite them. The new holder gets its own row (its earlier one when it held the
    shop before) with the tokens, and starts from an import like any new connection.
    """
    if shop.status == ShopStatus.DISCONNECTED or shop.cooperative_id == cooperative.id:
        raise ShopMoveError(gettext("Only a connected shop can move to another cooperative."))
    tokens, status, name = tokens_of(shop), shop.status, shop.name
    disconnect(shop)  # first, flushed alone: the unique index admits one holder at a time
    target = _row_of(cooperative.id, shop.platform, shop.platform_shop_id)
    _store_tokens(target, tokens)
    target.status, target.last_error, target.name = status, None, name
    _flush_held(target, cooperative)
    log.info("shop %r moved to cooperative %r as shop %r", shop.id, cooperative.id, target.id)
    return target
