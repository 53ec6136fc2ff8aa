"""LazOP request signing (lazada.md §1): shared by the connector and its sandbox."""

from __future__ import annotations

import hashlib
import hmac


def sign(app_secret: str, path: str, params: dict[str, str], body: str = "") -> tuple[str, str]:
    """The string that is signed and its UPPERCASE hex HMAC-SHA256 (lazada.md §1.1).

    ``path`` is the API path after ``/rest`` (``/orders/get``); ``params`` holds every
    text parameter (``sign`` is skipped, files must not be passed). Names are sorted in
    byte order and written ``namevalue`` with no separators; an empty value contributes
    its name alone, as the Python SDK does (vector L4). ``body`` is appended raw (the
    Java sample's variant; the connector never uses it).
    """
    base = path + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")
    base += body
    digest = hmac.new(app_secret.encode(), base.encode(), hashlib.sha256).hexdigest().upper()
    return base, digest
