"""Price and stock writes, per model (shopee.md §5.1)."""

from __future__ import annotations

from collections.abc import Sequence

from marketplace.connectors.errors import NotFound
from marketplace.connectors.errors import Rejected
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.shopee.client import chunks
from marketplace.connectors.shopee.wire import PLATFORM
from marketplace.connectors.shopee.wire import money_out
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import WriteResult

MODEL_BATCH = 50  # update_price / update_stock models per call (§5.1)
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
