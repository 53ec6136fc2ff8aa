"""Shopee Open Platform v2: the connector, and the signing helpers the CLI and sandbox use."""

from __future__ import annotations

from marketplace.connectors.shopee.connector import ShopeeConnector
from marketplace.connectors.shopee.signing import base_string
from marketplace.connectors.shopee.signing import push_sign
from marketplace.connectors.shopee.signing import sign

__all__ = ["ShopeeConnector", "base_string", "push_sign", "sign"]
