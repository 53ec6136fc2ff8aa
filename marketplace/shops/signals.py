"""What the shops package announces to the packages above it, which it must not import.

``shop_connected`` is sent by ``services.complete_authorization`` with the shop as
sender and ``first=True`` when the platform shop got a new row (never connected to this
cooperative before); the sales package queues the pull of its past orders. Receivers
connect when their module is imported (``sales.history.tasks`` through ``jobs.discover``).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

shop_connected = _signals.signal("shop-connected")
