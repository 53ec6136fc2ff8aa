"""Price and stock writes, per model (shopee.md §5.1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.shopee.client import chunks
from marketplace.connectors.shopee.convert import money_in
from marketplace.connectors.shopee.convert import money_out
from marketplace.connectors.shopee.errors import PLATFORM
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteVariant
from marketplace.connectors.types import VariantRef
from marketplace.connectors.types import WriteResult

MODEL_BATCH = 50  # update_price / update_stock models per call (§5.1)
BASE_INFO_BATCH = 50  # get_item_base_info ids per call (§5.1)
Entry = tuple[int, PriceStock]  # the update's index in the caller's list, and the update


class PriceStockMixin(ShopeeClient):
    """update_price and update_stock, with per-model failures as per-update errors."""

    def update_price_stock(self, updates: Sequence[PriceStock]) -> list[WriteResult]:
        """update_price + update_stock per item, ≤50 models per call (§5.1)."""
        results: dict[int, WriteResult] = {}
        by_item: dict[str, list[Entry]] = {}
        for index, update in enumerate(updates):
            by_item.setdefault(update.platform_item_id, []).append((index, update))
        for item_id, entries in by_item.items():
            for chunk in chunks(entries, MODEL_BATCH):
                self._write_chunk(item_id, chunk, results)
        return [results[i] for i in range(len(updates))]

    def _write_chunk(
        self, item_id: str, chunk: Sequence[Entry], results: dict[int, WriteResult]
    ) -> None:
        by_model = {int(u.platform_variant_id or 0): (i, u) for i, u in chunk}
        for i, u in chunk:
            results[i] = WriteResult(seller_sku=u.seller_sku)
        for path, body in _calls(item_id, by_model):
            try:
                answer = self._post(path, body)
            except (Rejected, NotFound) as exc:
                for i, _ in chunk:
                    results[i].error = results[i].error or exc
                continue
            _record_failures(path, answer, by_model, results)

    def read_price_stock(self, variants: Sequence[VariantRef]) -> list[RemoteVariant | None]:
        """Model-less items through get_item_base_info (≤50 per call), the others through
        one get_model_list each: base info omits the price of items with models (§5.4)."""
        seen: dict[tuple[str, str], RemoteVariant] = {}
        single = list(dict.fromkeys(v.platform_item_id for v in variants if _model(v) == "0"))
        for chunk in chunks(single, BASE_INFO_BATCH):
            self._read_items(chunk, seen)
        for item_id in dict.fromkeys(v.platform_item_id for v in variants if _model(v) != "0"):
            self._read_models(item_id, seen)
        return [_as_asked(seen.get((v.platform_item_id, _model(v))), v) for v in variants]

    def _read_items(
        self, item_ids: Sequence[str], seen: dict[tuple[str, str], RemoteVariant]
    ) -> None:
        answer = self._get("/api/v2/product/get_item_base_info", item_id_list=",".join(item_ids))
        for info in answer.get("item_list") or []:
            if not info.get("has_model"):
                seen[(str(info["item_id"]), "0")] = _seen(
                    info, str(info.get("item_sku") or ""), "0"
                )

    def _read_models(self, item_id: str, seen: dict[tuple[str, str], RemoteVariant]) -> None:
        try:
            answer = self._get("/api/v2/product/get_model_list", item_id=item_id)
        except NotFound:
            return  # the item is gone: its variants read back as None
        for model in answer.get("model") or []:
            model_id = str(model["model_id"])
            seen[(item_id, model_id)] = _seen(model, str(model.get("model_sku") or ""), model_id)


def _as_asked(found: RemoteVariant | None, ref: VariantRef) -> RemoteVariant | None:
    """A model-less item keeps only the parent SKU (``item_sku``); its one variant is the
    one we asked about, under the SKU our catalogue (and ``create_item``) gives it."""
    if found is None or _model(ref) != "0":
        return found
    return replace(found, seller_sku=ref.seller_sku)


def _model(variant: VariantRef) -> str:
    """The variant's model id; "0" for a model-less item (§5.1)."""
    return variant.platform_variant_id or "0"


def _seen(info: Json, seller_sku: str, model_id: str) -> RemoteVariant:
    """A model's (or a model-less item's) original price and the seller stock we write."""
    stock = info.get("stock_info_v2") or {}
    return RemoteVariant(
        seller_sku=seller_sku,
        platform_variant_id=model_id,
        price=money_in((info.get("price_info") or [{}])[0].get("original_price")),
        stock=sum(int(s.get("stock") or 0) for s in stock.get("seller_stock") or []),
    )


def _calls(item_id: str, by_model: dict[int, Entry]) -> list[tuple[str, Json]]:
    """The update_price and update_stock requests for one item's models."""
    prices = [
        {"model_id": m, "original_price": money_out(u.price)} for m, (_, u) in by_model.items()
    ]
    stocks = [
        {"model_id": m, "seller_stock": [{"stock": u.stock}]} for m, (_, u) in by_model.items()
    ]
    return [
        ("/api/v2/product/update_price", {"item_id": int(item_id), "price_list": prices}),
        ("/api/v2/product/update_stock", {"item_id": int(item_id), "stock_list": stocks}),
    ]


def _record_failures(
    path: str, answer: Json, by_model: dict[int, Entry], results: dict[int, WriteResult]
) -> None:
    """Each failure_list entry as its update's error, unless an earlier call already failed."""
    for failure in answer.get("failure_list") or []:
        entry = by_model.get(int(failure.get("model_id") or 0))
        if entry is not None and results[entry[0]].error is None:
            reason = str(failure.get("failed_reason") or "failed")
            results[entry[0]].error = Rejected(
                reason, field="price" if "price" in path else "stock", platform=PLATFORM
            )
