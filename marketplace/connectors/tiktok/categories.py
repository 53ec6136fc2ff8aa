"""Categories, their attributes and brands (tiktok.md §5)."""

from __future__ import annotations

from typing import Any

from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import CategoryNode


def _category_node(doc: dict[str, Any]) -> CategoryNode:
    """One category of the tree; parent "0" or "" marks a root."""
    parent = str(doc.get("parent_id", "0"))
    return CategoryNode(
        platform_id=str(doc["id"]),
        name=str(doc.get("local_name", "")),
        parent_id=None if parent in {"", "0"} else str(doc["parent_id"]),
        leaf=bool(doc.get("is_leaf")),
    )


def _attribute_spec(doc: dict[str, Any]) -> AttributeSpec:
    """One product attribute of a category."""
    return AttributeSpec(
        platform_id=str(doc["id"]),
        name=str(doc.get("name", "")),
        # UNVERIFIED spelling: the 202309 docs spell the flag "is_requried".
        required=bool(doc.get("is_requried", doc.get("is_required", False))),
        options=tuple(str(v.get("name", "")) for v in doc.get("values") or []),
    )


class CategoriesMixin(TikTokClient):
    """The CATEGORIES capability."""

    def categories(self) -> list[CategoryNode]:
        """The shop's category tree, flattened."""
        data = self._call("GET", "/product/202309/categories")
        return [_category_node(c) for c in data.get("categories") or []]

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        """The product attributes of a category (sales attributes left out)."""
        data = self._call("GET", f"/product/202309/categories/{category_id}/attributes")
        return [
            _attribute_spec(a)
            for a in data.get("attributes") or []
            if a.get("type", "PRODUCT_PROPERTY") == "PRODUCT_PROPERTY"
        ]

    def brands(self, category_id: str) -> list[Brand]:
        """Every brand of the category, over all pages."""
        found: list[Brand] = []
        cursor: str | None = None
        while True:
            query: dict[str, Any] = {"category_id": category_id, "page_size": 100}
            if cursor:
                query["page_token"] = cursor
            data = self._call("GET", "/product/202309/brands", query=query)
            found += [Brand(str(b["id"]), str(b.get("name", ""))) for b in data.get("brands") or []]
            cursor = data.get("next_page_token") or None
            if cursor is None:
                return found
