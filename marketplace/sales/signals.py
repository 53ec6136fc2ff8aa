"""What the sales side announces to the packages above it, which it must not import.

``stock_moved`` is sent by an order pull that changed reservations or on-hand stock,
with the shop that was pulled as sender; the listings package pushes the new figures
to every shop of the cooperative.

``variant_pushed_as`` asks, for an order line whose seller SKU is none of ours, which of
our variants was pushed to the shop (the sender) under the line's
``platform_variant_id``; a receiver returns our variant id or None.

Receivers connect when their module is imported, which ``create_app`` does for every
process (``listings.services`` through the blueprints, ``listings.sync.tasks`` through
``jobs.discover``).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

stock_moved = _signals.signal("stock-moved")
variant_pushed_as = _signals.signal("variant-pushed-as")
