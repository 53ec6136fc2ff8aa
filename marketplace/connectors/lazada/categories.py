"""Lazada's category tree, category attributes and brands (lazada.md §3.2)."""

from __future__ import annotations

from typing import Any

from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.types import AttributeSpec
from marketplace.connectors.types import Brand
from marketplace.connectors.types import CategoryNode

# Attributes the connector fills from ItemPayload fields, hidden from category_attributes.
OWN_ATTRIBUTES = frozenset(
    {"name", "description", "short_description", "brand", "brand_id", "model"}
)
BRANDS_PAGE = 200


def _nodes(children: list[dict[str, Any]], parent: str | None) -> list[CategoryNode]:
    """The subtree under ``parent``, depth first, parents before children."""
    nodes: list[CategoryNode] = []
    for child in children:
        node_id = str(child["category_id"])
        leaf = bool(child.get("leaf"))
        nodes.append(CategoryNode(node_id, str(child.get("name", "")), parent, leaf))
        nodes += _nodes(child.get("children") or [], node_id)
    return nodes


class CategoriesMixin(LazadaClient):
    """The ``CATEGORIES`` capability."""

    def categories(self) -> list[CategoryNode]:
        """The whole Vietnamese category tree, flattened."""
        data = self._call("/category/tree/get", {"language_code": "vi_VN"}, token=False)
        return _nodes(data.get("data") or [], None)

    def category_attributes(self, category_id: str) -> list[AttributeSpec]:
        """The category's attributes, minus sale properties and those we fill ourselves."""
        params = {"primary_category_id": category_id, "language_code": "vi_VN"}
        data = self._call("/category/attributes/get", params).get("data") or []
        return [
            AttributeSpec(
                platform_id=str(a["name"]),
                name=str(a.get("label") or a["name"]),
                required=str(a.get("is_mandatory", "0")) in ("1", "True", "true"),
                options=tuple(str(o.get("name", "")) for o in a.get("options") or []),
            )
            for a in data
            if a.get("name") not in OWN_ATTRIBUTES and str(a.get("is_sale_prop", "0")) != "1"
        ]

    def brands(self, category_id: str) -> list[Brand]:
        """Every brand the shop may use."""
        # Lazada's brands are shop-wide: category_id does not narrow them.
        found: list[Brand] = []
        start = 0
        while True:
            params = {"startRow": str(start), "pageSize": str(BRANDS_PAGE)}
            data = self._call("/category/brands/query", params).get("data") or {}
            module = data.get("module") or []
            found += [Brand(str(b["brand_id"]), str(b.get("name", ""))) for b in module]
            start += len(module)
            if not module or start >= int(data.get("total_record") or 0):
                return found
