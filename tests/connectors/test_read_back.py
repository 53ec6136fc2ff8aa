"""Reading price and stock back after a write, on every API connector, in few calls."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.connectors.base import Connector
from marketplace.connectors.lazada.price_stock import READ_BATCH
from marketplace.connectors.tiktok.catalogue import PRODUCT_PAGE_MAX
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import RemoteItem
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantPayload
from marketplace.connectors.types import VariantRef
from tests.connectors import test_contract
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.test_contract import leaf_with_attributes

pytestmark = pytest.mark.worker
# The contract suite's sandbox, shop and three-variant listing, one set for this module.
env = test_contract.env
tokens = test_contract.tokens
connector = test_contract.connector
listed = test_contract.listed
# Calls to read back one three-variant item and one model-less item: Shopee reads a
# model-less item through get_item_base_info and each item with models through its own
# get_model_list; Lazada and TikTok find both with one SKU-filtered search.
READ_CALLS = {"shopee": 2, "lazada": 1, "tiktok": 1}
# SKUs one SKU-filtered search reads back (Shopee reads by item, not by SKU).
SKUS_PER_SEARCH = {"lazada": READ_BATCH, "tiktok": PRODUCT_PAGE_MAX}


@pytest.fixture(scope="module")
def single(env: PlatformEnv, connector: Connector) -> RemoteItem:
    """A listing with one variant and no options (Shopee's model-less item)."""
    category_id, attributes = leaf_with_attributes(connector)
    return connector.create_item(
        ItemPayload(
            seller_sku=f"MAT-{env.name.upper()}",
            name="Mật ong hoa bạc hà Mèo Vạc",
            description_html="<p>Mật ong nguyên chất từ hoa bạc hà cao nguyên đá.</p>",
            category_id=category_id,
            images=[connector.upload_image(jpeg(), "mat.jpg")],
            attributes=attributes,
            weight_g=700,
            variants=[
                VariantPayload(
                    seller_sku=f"MAT-{env.name.upper()}-500",
                    price=250_000,
                    stock=12,
                    weight_g=700,
                    length_cm=10,
                    width_cm=10,
                    height_cm=15,
                )
            ],
        )
    )


def refs(item: RemoteItem) -> list[VariantRef]:
    return [
        VariantRef(item.platform_item_id, v.platform_variant_id, v.seller_sku)
        for v in item.variants
    ]


class TestReadBack:
    def test_reads_back_what_was_written(
        self,
        env: PlatformEnv,
        connector: Connector,
        listed: dict[str, Any],
        single: RemoteItem,
    ) -> None:
        items = [listed["item"], single]
        wanted = [
            PriceStock(ref.platform_item_id, ref.platform_variant_id, ref.seller_sku, price, stock)
            for ref, (price, stock) in zip(
                [r for item in items for r in refs(item)],
                [(131_000, 7), (262_000, 0), (390_000, 3), (255_000, 40)],
                strict=True,
            )
        ]
        assert all(r.ok for r in connector.update_price_stock(wanted))
        reader = env.connector(connector.tokens)  # a fresh HTTP client counts its own calls
        seen = reader.read_price_stock([r for item in items for r in refs(item)])
        assert [(v.seller_sku, v.price, v.stock) if v else None for v in seen] == [
            (w.seller_sku, w.price, w.stock) for w in wanted
        ]
        assert reader.http.calls == READ_CALLS[env.name]

    def test_a_variant_the_platform_does_not_have_reads_as_none(
        self,
        connector: Connector,
        listed: dict[str, Any],
    ) -> None:
        known = refs(listed["item"])[0]
        unknown_variant = VariantRef(known.platform_item_id, "424242", "KHONG-CO-SKU-NAY")
        seen = connector.read_price_stock([unknown_variant, known])
        assert seen[0] is None
        assert seen[1] is not None
        assert seen[1].seller_sku == known.seller_sku

    def test_a_batch_larger_than_one_call(
        self,
        env: PlatformEnv,
        tokens: TokenSet,
        listed: dict[str, Any],
        single: RemoteItem,
    ) -> None:
        # One SKU more than a search takes, padded with SKUs nobody has, needs two searches,
        # and the last SKU we have comes from the second; Shopee reads per item, unpadded.
        reader = env.connector(tokens)
        wanted = refs(listed["item"]) + refs(single)
        batch = SKUS_PER_SEARCH.get(env.name)
        absent = [
            VariantRef(single.platform_item_id, "", f"KHONG-CO-{n}")
            for n in range(batch + 1 - len(wanted) if batch else 0)
        ]
        asked = wanted[:-1] + absent + wanted[-1:]
        seen = reader.read_price_stock(asked)
        expected = [None if ref in absent else ref.seller_sku for ref in asked]
        assert [v.seller_sku if v else None for v in seen] == expected
        assert reader.http.calls == 2
