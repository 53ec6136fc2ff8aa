"""Lazada Open Platform (LazOP): the connector and the signing helper (lazada.md)."""

from __future__ import annotations

from marketplace.connectors.lazada.connector import LazadaConnector
from marketplace.connectors.lazada.signing import sign

__all__ = ["LazadaConnector", "sign"]
