"""The content hash is taken from the payload itself: every field sent counts.

A field added to ``ItemPayload`` or ``VariantPayload`` must change the hash, or a change
to it would never trigger an update; only price and stock (sent by price/stock writes)
and the variant's platform id (an address, not content) are left out of an update's hash.
"""

from __future__ import annotations

from dataclasses import fields
from dataclasses import replace
from typing import Any

import pytest

from marketplace.connectors.types import ImageRef
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import VariantPayload
from marketplace.listings.sync.plan import NOT_CONTENT
from marketplace.listings.sync.plan import PRICE_STOCK_FIELDS
from marketplace.listings.sync.plan import payload_hash


def variant(**changes: Any) -> VariantPayload:
    base = VariantPayload(
        seller_sku="CHE-100",
        price=120_000,
        stock=7,
        list_price=150_000,
        options={"Khối lượng": "100 g"},
        weight_g=100,
        length_cm=10,
        width_cm=8,
        height_cm=5,
        barcode="8930000000001",
        images=[ImageRef("a" * 64, "")],
        platform_variant_id="v-1",
    )
    return replace(base, **changes)


def item(**changes: Any) -> ItemPayload:
    base = ItemPayload(
        seller_sku="OCOP-1",
        name="Chè Shan tuyết",
        description_html="<p>Chè</p>",
        category_id="100",
        images=[ImageRef("b" * 64, "")],
        variants=[variant()],
        attributes={"1": "Trà xanh"},
        brand="Mộc Châu",
        weight_g=100,
    )
    return replace(base, **changes)


def other(value: Any) -> Any:
    """A different value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, dict):
        return {**value, "new": "value"}
    if isinstance(value, list):
        return [*value, ImageRef("c" * 64, "")]
    if value is None:
        return 1
    raise TypeError(type(value))


ITEM_FIELDS = [f.name for f in fields(ItemPayload) if f.name != "variants"]
VARIANT_FIELDS = [f.name for f in fields(VariantPayload)]


@pytest.mark.parametrize("name", ITEM_FIELDS, ids=ITEM_FIELDS)
def test_every_item_field_changes_the_hash(name: str) -> None:
    changed = item(**{name: other(getattr(item(), name))})
    assert payload_hash(changed) != payload_hash(item())


@pytest.mark.parametrize("name", VARIANT_FIELDS, ids=VARIANT_FIELDS)
def test_every_variant_field_changes_the_hash_unless_it_is_not_content(name: str) -> None:
    changed = item(variants=[variant(**{name: other(getattr(variant(), name))})])
    if name in NOT_CONTENT:
        assert payload_hash(changed, with_price_stock=True) == payload_hash(
            item(), with_price_stock=True
        )
    elif name in PRICE_STOCK_FIELDS:
        assert payload_hash(changed) == payload_hash(item())
        assert payload_hash(changed, with_price_stock=True) != payload_hash(
            item(), with_price_stock=True
        )
    else:
        assert payload_hash(changed) != payload_hash(item())


def test_a_new_variant_changes_the_hash() -> None:
    two = item(variants=[variant(), variant(seller_sku="CHE-200")])
    assert payload_hash(two) != payload_hash(item())


def test_the_hash_is_stable() -> None:
    assert payload_hash(item()) == payload_hash(item())
    assert len(payload_hash(item())) == 64


def test_only_price_stock_and_the_variant_address_are_left_out() -> None:
    assert set(PRICE_STOCK_FIELDS) == {"price", "stock", "list_price"}
    assert set(NOT_CONTENT) == {"platform_variant_id"}
