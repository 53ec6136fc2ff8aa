"""One contract, every API connector: each capability against its sandbox over real HTTP."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest

from marketplace.connectors import registry
from marketplace.connectors.base import Connector
from marketplace.connectors.types import Capability
from marketplace.connectors.types import ItemPayload
from marketplace.connectors.types import PriceStock
from marketplace.connectors.types import TokenSet
from marketplace.connectors.types import VariantPayload
from tests.connectors.harness import PlatformEnv
from tests.connectors.harness import jpeg
from tests.connectors.harness import serve

API_CONNECTORS = sorted(
    name for name, cls in registry.available().items() if Capability.AUTH in cls.capabilities
)
pytestmark = pytest.mark.worker  # the sandboxes keep their own state; no test database needed


@pytest.fixture(params=API_CONNECTORS, ids=API_CONNECTORS, scope="module")
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformEnv]:
    name: str = request.param
    sandbox = importlib.import_module(f"marketplace.sandbox.{name}")
    env_module = importlib.import_module(f"tests.connectors.env_{name}")
    state = tmp_path_factory.mktemp(name) / f"{name}.db"
    with serve(sandbox.create_app(str(state))) as url:
        yield env_module.build_env(url)


@pytest.fixture(scope="module")
def tokens(env: PlatformEnv) -> TokenSet:
    return env.authorize()


@pytest.fixture(scope="module")
def connector(env: PlatformEnv, tokens: TokenSet) -> Connector:
    return env.connector(tokens)


def leaf_with_attributes(connector: Connector) -> tuple[str, dict[str, str]]:
    """A leaf category and a value for each of its required attributes."""
    leaf = next(c for c in connector.categories() if c.leaf)
    values = {
        a.platform_id: (a.options[0] if a.options else "Sơn La")
        for a in connector.category_attributes(leaf.platform_id)
        if a.required
    }
    return leaf.platform_id, values


@pytest.fixture(scope="module")
def listed(env: PlatformEnv, connector: Connector) -> dict[str, Any]:
    """A listing with three variants, created once for the module."""
    image = connector.upload_image(jpeg(), "main.jpg")
    category_id, attributes = leaf_with_attributes(connector)
    skus = [f"CT-{env.name.upper()}-{n}" for n in (250, 500, 1000)]
    item = connector.create_item(
        ItemPayload(
            seller_sku=f"CT-{env.name.upper()}",
            name="Chè Shan Tuyết Mộc Châu hộp quà",
            description_html="<p>Chè shan tuyết cổ thụ, hái tay, sao thủ công.</p>",
            category_id=category_id,
            images=[image],
            attributes=attributes,
            brand="",
            weight_g=300,
            variants=[
                VariantPayload(
                    seller_sku=sku,
                    price=120_000 * (i + 1),
                    stock=10 + i,
                    options={"Khối lượng": f"{sku.rsplit('-', 1)[1]} g"},
                    weight_g=300,
                    length_cm=20,
                    width_cm=10,
                    height_cm=8,
                )
                for i, sku in enumerate(skus)
            ],
        )
    )
    return {"item": item, "skus": skus, "image": image}


class TestAuth:
    def test_authorize_gives_tokens_for_a_shop(self, tokens: TokenSet) -> None:
        assert tokens.access_token
        assert tokens.refresh_token
        assert tokens.shop_id
        assert tokens.access_expires_at > datetime.now(UTC)

    def test_refresh_gives_a_new_access_token(self, env: PlatformEnv) -> None:
        fresh = env.authorize()
        refreshed = env.connector(fresh).refresh()
        assert refreshed.access_token != fresh.access_token
        assert refreshed.shop_id == fresh.shop_id


class TestCatalogue:
    def test_upload_image(self, listed: dict[str, Any]) -> None:
        assert listed["image"].platform_id
        assert listed["image"].url

    def test_upload_images_gives_a_ref_each_in_as_few_calls_as_allowed(
        self, connector: Connector
    ) -> None:
        photos = [(jpeg(600, (40 * n, 90, 60)), f"batch-{n}.jpg") for n in range(3)]
        before = connector.http.calls
        refs = connector.upload_images(photos)
        assert len({ref.platform_id for ref in refs}) == 3
        assert all(ref.url for ref in refs)
        batch = connector.image_upload_batch
        assert connector.http.calls - before == (len(photos) + batch - 1) // batch

    def test_create_returns_every_variant(self, listed: dict[str, Any]) -> None:
        item = listed["item"]
        assert item.platform_item_id
        assert sorted(v.seller_sku for v in item.variants) == sorted(listed["skus"])
        assert all(v.platform_variant_id for v in item.variants)

    @pytest.mark.parametrize("which", ["parent", "variant"])
    def test_find_by_seller_sku(
        self, connector: Connector, listed: dict[str, Any], which: str
    ) -> None:
        sku = listed["item"].seller_sku if which == "parent" else listed["skus"][1]
        found = connector.find_by_seller_sku(sku)
        assert found is not None
        assert found.platform_item_id == listed["item"].platform_item_id

    def test_unknown_sku_is_none(self, connector: Connector) -> None:
        assert connector.find_by_seller_sku("KHONG-CO-SKU-NAY") is None

    def test_list_pages_through_to_the_item(
        self, connector: Connector, listed: dict[str, Any]
    ) -> None:
        seen: list[str] = []
        cursor: str | None = None
        for _ in range(100):
            page = connector.list_items(cursor)
            seen += [i.platform_item_id for i in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert listed["item"].platform_item_id in seen

    def test_price_stock_batch_larger_than_one_call(
        self, env: PlatformEnv, connector: Connector, listed: dict[str, Any]
    ) -> None:
        item = connector.find_by_seller_sku(listed["skus"][0])
        assert item is not None
        updates = [
            PriceStock(
                item.platform_item_id, v.platform_variant_id, v.seller_sku, 99_000 + n, 5 + n
            )
            for n, v in enumerate(item.variants)
        ]
        results = connector.update_price_stock(updates)
        assert [r.ok for r in results] == [True] * len(updates)
        after = connector.find_by_seller_sku(listed["skus"][0])
        assert after is not None
        got = {v.seller_sku: (v.price, v.stock) for v in after.variants}
        assert got == {u.seller_sku: (u.price, u.stock) for u in updates}

    def test_delist_and_relist(self, connector: Connector, listed: dict[str, Any]) -> None:
        item_id = listed["item"].platform_item_id
        connector.delist(item_id)
        found = connector.find_by_seller_sku(listed["skus"][0])
        assert found is not None
        assert found.status == "delisted"
        connector.relist(item_id)
        found = connector.find_by_seller_sku(listed["skus"][0])
        assert found is not None
        assert found.status == "live"


class TestOrders:
    def test_orders_over_several_windows_and_pages(
        self, env: PlatformEnv, connector: Connector, listed: dict[str, Any]
    ) -> None:
        env.simulate_orders(listed["skus"], 30, 40)
        now = datetime.now(UTC) + timedelta(minutes=5)
        start = now - timedelta(days=41)
        window = timedelta(days=connector.order_window_days)
        ids: list[str] = []
        while start < now:
            end = min(start + window, now)
            cursor: str | None = None
            while True:
                page = connector.list_orders(start, end, cursor)
                ids += page.items
                cursor = page.next_cursor
                if cursor is None:
                    break
            start = end
        assert len(set(ids)) >= 30
        orders = connector.order_details(sorted(set(ids)))
        assert len(orders) == len(set(ids))
        skus = {line.seller_sku for order in orders for line in order.lines}
        assert skus <= set(listed["skus"])
        assert skus
        statuses = {order.status.value for order in orders}
        assert "cancelled" in statuses

        settlements = connector.settlements([o.platform_order_id for o in orders[:10]])
        assert settlements
        for settlement in settlements:
            assert settlement.net == settlement.gross - sum(settlement.fees.values())
