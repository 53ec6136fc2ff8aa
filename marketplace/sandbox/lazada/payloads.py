"""Product payloads in XML or JSON (lazada.md §3.1)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from marketplace.sandbox.lazada.gateway import ApiError

# XML cannot tell a one-element list from a single value: these tags are always lists.
_LIST_TAGS = {"Image", "Sku", "Url", "SkuId", "MultiWarehouseInventory"}


def _xml(element: ET.Element) -> Any:
    """The element as text, or as a dict of its children."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        value = _xml(child)
        if child.tag in _LIST_TAGS:
            out.setdefault(child.tag, []).append(value)
        else:
            out[child.tag] = value
    return out


def _request(text: str) -> Any:
    """The payload's ``Request``, from XML or JSON."""
    if text.lstrip().startswith("<"):
        try:
            root = ET.fromstring(text)  # noqa: S314 - expat refuses entity expansion bombs
        except ET.ParseError as exc:
            raise ApiError("5", "Invalid Request Format") from exc
        return _xml(root)
    try:
        return json.loads(text).get("Request")
    except (ValueError, AttributeError) as exc:
        raise ApiError("1001", "The input parameter is not JSON format as required") from exc


def parse_payload(text: str) -> dict[str, Any]:
    """``Request > Product`` from an XML or JSON payload (lazada.md §3.1)."""
    request = _request(text)
    product = request.get("Product") if isinstance(request, dict) else None
    if not isinstance(product, dict):
        raise ApiError("1001", "The input parameter is not JSON format as required")
    for group, tag in (("Images", "Image"), ("Skus", "Sku")):
        section = product.get(group)
        if isinstance(section, dict) and tag in section and not isinstance(section[tag], list):
            raise ApiError("1001", f"{group}.{tag} must be an array")
    return product


def as_list(product: dict[str, Any], group: str, tag: str) -> list[Any]:
    """``product[group][tag]`` as a list, empty when missing."""
    section = product.get(group)
    if not isinstance(section, dict):
        return []
    value = section.get(tag, [])
    return list(value) if isinstance(value, list) else [value]
