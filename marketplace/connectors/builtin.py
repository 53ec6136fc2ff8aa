"""Importing this module registers the connectors that ship with the project."""

from __future__ import annotations

from marketplace.connectors import lazada  # noqa: F401
from marketplace.connectors import shopee  # noqa: F401
from marketplace.connectors import tiktok  # noqa: F401
