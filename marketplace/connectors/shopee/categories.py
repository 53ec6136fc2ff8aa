"""Categories, attribute trees and brands (shopee.md §5.1)."""

from __future__ import annotations

from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import CategoryNode

BRAND_PAGE = 100  # get_brand_list page_size max (§5.1)


class CategoriesMixin(ShopeeClient):
    """The category tree and what each leaf category accepts."""

    def categories(self) -> list[CategoryNode]:
        answer = self._get("/api/v2/product/get_category", language="vi")
        return [
            CategoryNode(
                platform_id=str(c["category_id"]),
                name=str(c.get("display_category_name") or c.get("original_category_name")),
                parent_id=str(c["parent_category_id"]) if c.get("parent_category_id") else None,
                leaf=not c.get("has_children"),
            )
            for c in answer.get("category_list") or []
        ]

    def _attribute_tree(self, category_id: str) -> list[Json]:
        answer = self._get(
            "/api/v2/product/get_attribute_tree", category_id_list=category_id, language="vi"
        )
        for entry in answer.get("list") or []:
            if str(entry.get("category_id")) == str(category_id):
                return list(entry.get("attribute_tree") or [])
        return []

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        return [
            AttributeSpec(
                platform_id=str(a["attribute_id"]),
                name=str(a.get("name") or ""),
                required=bool(a.get("mandatory")),
                options=tuple(str(v.get("name")) for v in a.get("attribute_value_list") or []),
            )
            for a in self._attribute_tree(category_id)
        ]

    def brands(self, category_id: str) -> list[Brand]:
        found: list[Brand] = []
        offset: int | None = 0
        while offset is not None:
            answer = self._get(
                "/api/v2/product/get_brand_list",
                offset=offset,
                page_size=BRAND_PAGE,
                category_id=category_id,
                status=1,
            )
            found += [_brand(b) for b in answer.get("brand_list") or []]
            offset = int(answer["next_offset"]) if answer.get("has_next_page") else None
        return found


def _brand(data: Json) -> Brand:
    return Brand(
        platform_id=str(data["brand_id"]),
        name=str(data.get("display_brand_name") or data.get("original_brand_name")),
    )
