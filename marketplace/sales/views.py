"""``POST /webhooks/<platform>``: platform pushes, verified, deduplicated, answered fast.

The push only says that something changed; the work (fetching the order, moving
stock) happens in the shop's order-pull job, so the platform gets its 2xx within
its deadline (Lazada: 500 ms) and a lost push is caught by the minute's pull anyway.
"""

from __future__ import annotations

import logging
import time

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import request
from sqlalchemy import select

from marketplace.connectors.errors import AuthError
from marketplace.connectors.types import PushNotice
from marketplace.extensions import csrf
from marketplace.extensions import db
from marketplace.sales import services as sales_services
from marketplace.sales import tasks
from marketplace.sales.errors import DuplicatePushError
from marketplace.shops import services as shop_services
from marketplace.shops.models import Shop
from marketplace.shops.models import ShopStatus

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
FUTURE_SKEW_S = 300  # clocks disagree a little; a push from the future beyond that is forged


def _callback_url() -> str:
    """The URL the platform signed: ours as registered with it, not as a proxy rewrote it."""
    base = current_app.config.get("SERVER_BASE_URL") or request.host_url
    query = request.query_string.decode()
    return base.rstrip("/") + request.path + (f"?{query}" if query else "")


def _first_time(platform: str, body: bytes, notice: PushNotice) -> bool:
    """Record the push; False when the same push was already accepted."""
    try:
        sales_services.record_push(
            platform, body, notice.platform_shop_id, notice.kind, notice.order_ids
        )
    except DuplicatePushError:
        return False
    return True


def _body() -> bytes:
    """The raw body, read with a limit: a chunked request has no Content-Length to check."""
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    body = request.stream.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        abort(413)
    return body


def _in_window(sent_at: int | None, max_age_s: int) -> bool:
    """A push the platform could still be sending: not older than its retries, not future."""
    if sent_at is None:
        return True
    if sent_at > 10**11:  # milliseconds
        sent_at //= 1000
    now = time.time()
    return now - max_age_s <= sent_at <= now + FUTURE_SKEW_S


@bp.post("/<platform>")
@csrf.exempt
def receive(platform: str) -> Response:
    if shop_services.platform_app(platform) is None:
        abort(404)
    body = _body()
    connector = shop_services.build_connector(platform)
    try:
        notice = connector.read_push(_callback_url(), dict(request.headers), body)
    except NotImplementedError:
        abort(404)
    except AuthError:
        log.warning("%s push refused: bad signature", platform)
        abort(401)
    except ValueError as exc:  # JSON errors are ValueErrors too
        log.warning("%s push refused: %s", platform, exc)
        abort(400)
    if not _in_window(notice.sent_at, connector.push_max_age_s):
        log.warning("%s push refused: sent at %s, outside the window", platform, notice.sent_at)
        abort(400)
    if _first_time(platform, body, notice) and notice.order_ids:
        shops = db.session.scalars(
            select(Shop).where(
                Shop.platform == platform,
                Shop.platform_shop_id == notice.platform_shop_id,
                Shop.status == ShopStatus.CONNECTED,
            )
        )
        for shop in shops:
            tasks.pull_shop_orders.enqueue(shop_id=shop.id, for_cooperative=shop.cooperative_id)
    db.session.commit()
    # Shopee wants an empty 2xx body; the others accept it too.
    return Response(status=200)
