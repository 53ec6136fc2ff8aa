"""Importing this module registers the connectors that ship with the project."""

from __future__ import annotations

import contextlib

# Each platform module registers itself; one that is not written yet is simply absent.
for _module in ("shopee", "lazada", "tiktok"):
    with contextlib.suppress(ModuleNotFoundError):
        __import__(f"marketplace.connectors.{_module}")
