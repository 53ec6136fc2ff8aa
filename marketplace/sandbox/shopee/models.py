"""Models (variations) of an item: init_tier_variation, get_model_list, price and stock (§5.3)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee import seed
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.gateway import Caller
from marketplace.sandbox.shopee.gateway import arg_int
from marketplace.sandbox.shopee.gateway import body
from marketplace.sandbox.shopee.gateway import envelope
from marketplace.sandbox.shopee.gateway import require
from marketplace.sandbox.shopee.gateway import verify
from marketplace.sandbox.shopee.product_base import Json
from marketplace.sandbox.shopee.product_base import bp
from marketplace.sandbox.shopee.product_base import check_price
from marketplace.sandbox.shopee.product_base import check_stock
from marketplace.sandbox.shopee.product_base import find_item
from marketplace.sandbox.shopee.product_base import model_view
from marketplace.sandbox.shopee.product_base import save_item
from marketplace.sandbox.shopee.product_base import sku_owner
from marketplace.sandbox.shopee.product_base import written

MAX_TIERS = 2  # §5.3
MAX_BATCH = 50  # models per update_price / update_stock call (§5.1)
# Sets one model's field from a request entry; answers the success_list entry.
Apply = Callable[[Json, Json, int], Json]


@bp.post("/api/v2/product/init_tier_variation")
def init_tier_variation() -> Response:
    """Models for an item created without them (§5.3: ≤2 tiers, tier_index from 0)."""
    caller = verify("shop")
    data = body()
    require(data, "item_id", "tier_variation", "model")
    item = find_item(caller, data["item_id"])
    if item["model"]:
        # UNVERIFIED (shopee.md §5.3): the code for "models exist already" is our choice.
        raise ApiError("product.error_tier_variation_exists", "Tier variation already exists.")
    tiers = data["tier_variation"]
    _check_tiers(tiers)
    models = _new_models(caller, item, tiers, data["model"])
    prices = [m["original_price"] for m in models]
    if max(prices) > min(prices) * seed.LIMITS["max_price_ratio"]:
        raise ApiError("error_invalid_price", "Max/min model price ratio is over 5.")
    item["tier_variation"] = tiers
    item["model"] = models
    save_item(item)
    answer = {
        "item_id": item["item_id"],
        "tier_variation": tiers,
        "model": [model_view(m) for m in models],
    }
    return written(envelope(answer))


def _check_tiers(tiers: list[Json]) -> None:
    """1–2 tiers, each named, with distinct options within the length limits."""
    limits = seed.LIMITS
    if not 1 <= len(tiers) <= MAX_TIERS:
        raise ApiError("error_param", "Wrong parameters, detail: tier_variation must be 1-2 tiers.")
    for tier in tiers:
        name = str(tier.get("name") or "")
        if not 1 <= len(name) <= limits["tier_variation_name_length_limit"]["max_limit"]:
            raise ApiError("error_param", "Wrong parameters, detail: tier_variation name length.")
        options = [str(o.get("option") or "") for o in tier.get("option_list") or []]
        if not options or len(set(options)) != len(options):
            raise ApiError("error_param", "Wrong parameters, detail: tier_variation option_list.")
        for option in options:
            if not 1 <= len(option) <= limits["tier_variation_option_length_limit"]["max_limit"]:
                raise ApiError("error_param", "Wrong parameters, detail: option length.")


def _new_models(caller: Caller, item: Json, tiers: list[Json], entries: list[Json]) -> list[Json]:
    """The request's models, checked for tier_index and SKU clashes, with new model ids."""
    used = {item.get("item_sku", "")}
    seen_index: set[tuple[int, ...]] = set()
    models: list[Json] = []
    for entry in entries:
        index = tuple(entry.get("tier_index") or [])
        _check_index(index, tiers, seen_index)
        seen_index.add(index)
        sku = str(entry.get("model_sku") or "")
        if sku and (sku in used or sku_owner(caller.shop_id, sku) not in (None, item["item_id"])):
            raise ApiError(
                "product.error_item_sku_duplicate", f"model_sku {sku} already exists in this shop."
            )
        used.add(sku)
        models.append(_new_model(entry, index, sku))
    return models


def _check_index(index: tuple[int, ...], tiers: list[Json], seen: set[tuple[int, ...]]) -> None:
    """One option per tier, within range, and no two models on the same options."""
    if len(index) != len(tiers) or any(
        not 0 <= i < len(tiers[t]["option_list"]) for t, i in enumerate(index)
    ):
        raise ApiError("error_param", "Wrong parameters, detail: tier_index is invalid.")
    if index in seen:
        raise ApiError("error_param", "Wrong parameters, detail: tier_index is duplicated.")


def _new_model(entry: Json, index: tuple[int, ...], sku: str) -> Json:
    # Drawn before the price and stock checks, so a refused model still uses up its id.
    return {
        "model_id": current_sandbox().store.next_id("shopee_model", 9_000_000_001),
        "tier_index": list(index),
        "model_sku": sku,
        "model_status": "MODEL_NORMAL",
        "original_price": check_price(entry.get("original_price")),
        "stock": check_stock(entry.get("seller_stock")),
    }


@bp.get("/api/v2/product/get_model_list")
def get_model_list() -> Response:
    caller = verify("shop")
    item = find_item(caller, arg_int("item_id"))
    return envelope(
        {
            "tier_variation": item["tier_variation"],
            "model": [model_view(m) for m in item["model"]],
            "standardise_tier_variation": [],
        }
    )


def _per_model(caller: Caller, data: Json, list_name: str) -> tuple[Json, list[Json]]:
    require(data, "item_id", list_name)
    item = find_item(caller, data["item_id"])
    entries = data[list_name]
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH:
        raise ApiError("error_param", f"Wrong parameters, detail: {list_name} must be 1-50.")
    return item, entries


def _target(item: Json, model_id: int) -> Json | None:
    """The model to write; a model-less item is its own model 0."""
    if not item["model"]:
        return item if model_id == 0 else None
    return next((m for m in item["model"] if m["model_id"] == model_id), None)


def _write_models(list_name: str, apply: Apply) -> Response:
    """update_price / update_stock: apply each entry, failures per model (§5.1)."""
    caller = verify("shop")
    item, entries = _per_model(caller, body(), list_name)
    success, failure = [], []
    for entry in entries:
        model_id = int(entry.get("model_id") or 0)
        target = _target(item, model_id)
        if target is None:
            failure.append({"model_id": model_id, "failed_reason": "model_id is not found"})
            continue
        try:
            success.append(apply(target, entry, model_id))
        except ApiError as exc:
            failure.append({"model_id": model_id, "failed_reason": exc.message})
    save_item(item)
    return written(envelope({"failure_list": failure, "success_list": success}))


def _apply_price(target: Json, entry: Json, model_id: int) -> Json:
    target["original_price"] = check_price(entry.get("original_price"))
    return {"model_id": model_id, "original_price": target["original_price"]}


def _apply_stock(target: Json, entry: Json, model_id: int) -> Json:
    target["stock"] = check_stock(entry.get("seller_stock"))
    return {"model_id": model_id, "location_id": "VNZ", "stock": target["stock"]}


@bp.post("/api/v2/product/update_price")
def update_price() -> Response:
    return _write_models("price_list", _apply_price)


@bp.post("/api/v2/product/update_stock")
def update_stock() -> Response:
    return _write_models("stock_list", _apply_stock)
