"""The Shopee sandbox's SKU index: one document read per SKU check, same answers as a scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from marketplace.sandbox.common import current_sandbox
from marketplace.sandbox.shopee import create_app
from marketplace.sandbox.shopee.gateway import ApiError
from marketplace.sandbox.shopee.product_base import check_sku
from marketplace.sandbox.shopee.product_base import item_count
from marketplace.sandbox.shopee.product_base import save_item
from marketplace.sandbox.shopee.product_base import sku_owner

pytestmark = pytest.mark.worker  # no database needed


def _item(
    item_id: int, sku: str, status: str = "NORMAL", models: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "shop_id": 7,
        "item_sku": sku,
        "item_status": status,
        "model": [{"model_sku": m} for m in models],
    }


class TestSkuIndex:
    def test_a_store_from_before_the_index_is_indexed_on_first_use(self, tmp_path: Path) -> None:
        with create_app(str(tmp_path / "shopee.db")).app_context():
            store = current_sandbox().store
            store.put("items", "1", _item(1, "OLD", models=("OLD-1", "OLD-2")))
            store.put("items", "2", _item(2, "GONE", status="SELLER_DELETE"))
            assert item_count(7) == 2
            assert sku_owner(7, "OLD-2") == 1
            assert sku_owner(7, "GONE") is None  # a deleted item's SKU is free again
            with pytest.raises(ApiError, match="item_sku OLD already exists"):
                check_sku(7, "OLD")
            check_sku(7, "OLD", except_item=1)  # an item may keep its own SKU
            check_sku(8, "OLD")  # another shop's SKUs are not this shop's

    def test_new_items_and_changed_skus_keep_the_index_true(self, tmp_path: Path) -> None:
        with create_app(str(tmp_path / "shopee.db")).app_context():
            save_item(_item(1, "A", models=("A-1",)), new=True)
            save_item(_item(2, "B"), new=True)
            assert (item_count(7), sku_owner(7, "A-1"), sku_owner(7, "B")) == (2, 1, 2)
            save_item(_item(1, "A2"))  # the SKU changed and the models went
            assert (sku_owner(7, "A"), sku_owner(7, "A-1"), sku_owner(7, "A2")) == (None, None, 1)
            assert item_count(7) == 2
