"""What the sales side announces to the packages above it, which it must not import.

``stock_moved`` is sent by an order pull that changed reservations or on-hand stock,
with the shop that was pulled as sender; the listings package pushes the new figures
to every shop of the cooperative.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

stock_moved = _signals.signal("stock-moved")
