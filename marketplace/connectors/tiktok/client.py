"""The plumbing every TikTok Shop capability shares: hosts, envelopes and signed calls."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import requests

from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.tiktok.errors import PLATFORM
from marketplace.connectors.tiktok.errors import error_for
from marketplace.connectors.tiktok.errors import token_error
from marketplace.connectors.tiktok.signing import sign
from marketplace.connectors.types import TokenSet

API_BASE = "https://open-api.tiktokglobalshop.com"
AUTHORIZE_BASE = "https://services.tiktokshop.com"  # tiktok.md §3.1 (rest of world)
AUTH_HOST = "https://auth.tiktok-shops.com"
# The real authorization pages live on another host than the token endpoints.
AUTH_HOSTS = {AUTHORIZE_BASE: AUTH_HOST, "https://services.tiktokshops.us": AUTH_HOST}


def chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """``values`` cut into consecutive slices of at most ``size``."""
    return [values[i : i + size] for i in range(0, len(values), size)]


def _json(response: requests.Response) -> dict[str, Any]:
    """The answer's JSON object, or ConnectorError when it is something else."""
    try:
        doc = response.json()
    except ValueError:
        raise ConnectorError(f"HTTP {response.status_code}: not JSON", platform=PLATFORM) from None
    if not isinstance(doc, dict):
        raise ConnectorError("unexpected answer", platform=PLATFORM)
    return doc


def parse_response(response: requests.Response) -> dict[str, Any]:
    """The ``data`` of a successful envelope, or the typed error of its ``code``."""
    doc = _json(response)
    code = int(doc.get("code", -1))
    if code != 0:
        raise error_for(code, str(doc.get("message", "")))
    data = doc.get("data")
    return data if isinstance(data, dict) else {}


def parse_token(response: requests.Response) -> dict[str, Any]:
    """The ``data`` of a token answer, or the AuthError its ``code`` means."""
    doc = _json(response)
    code = int(doc.get("code", -1))
    if code != 0:
        raise token_error(code, str(doc.get("message", "")))
    data = doc.get("data")
    if not isinstance(data, dict) or not data.get("access_token"):
        raise AuthError("token answer without access_token", refreshable=False, platform=PLATFORM)
    return data


class TikTokClient(Connector):
    """Hosts, tokens and signed requests; the capability mixins build on it."""

    @property
    def service_id(self) -> str:
        """The app's service_id, or its app_key when none is registered."""
        # Without a registered service_id, fall back to the app_key (the sandbox accepts it).
        return self.app.extra.get("service_id") or self.app.app_key

    def _authorize_base(self) -> str:
        """The host of the seller's authorization page."""
        return (self.app.auth_base_url or AUTHORIZE_BASE).rstrip("/")

    def _token_base(self) -> str:
        """The host of the token endpoints."""
        base = self._authorize_base()
        return AUTH_HOSTS.get(base, base)

    def _tokens(self) -> TokenSet:
        """The shop's tokens, or AuthError when the shop is not connected."""
        if self.tokens is None:
            raise AuthError("shop not connected", refreshable=False, platform=PLATFORM)
        return self.tokens

    def _signed_params(
        self, path: str, query: dict[str, Any] | None, cipher: str | None, signed_body: str
    ) -> dict[str, str]:
        """The query with shop_cipher, app_key, a fresh timestamp and their sign."""
        params = {k: str(v) for k, v in (query or {}).items()}
        if cipher is not None:
            params["shop_cipher"] = cipher
        params["app_key"] = self.app.app_key
        params["timestamp"] = str(int(self.now()))
        params["sign"] = sign(self.app.app_secret, path, params, signed_body)[1]
        return params

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        shop: bool = True,
        tokens: TokenSet | None = None,
    ) -> dict[str, Any]:
        """A signed API call; rebuilt (fresh timestamp and sign) on every attempt."""
        grant = tokens or self._tokens()
        raw = "" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        url = self.app.base_url.rstrip("/") + path

        def build() -> requests.Request:
            # Multipart bodies are not signed (tiktok.md §1.1 step 5).
            signed = "" if files else raw
            params = self._signed_params(path, query, grant.shop_id if shop else None, signed)
            headers = {"x-tts-access-token": grant.access_token}
            if files is not None:
                return requests.Request(
                    method, url, params=params, headers=headers, files=files, data=form
                )
            if body is None:
                return requests.Request(method, url, params=params, headers=headers)
            headers["Content-Type"] = "application/json"
            return requests.Request(
                method, url, params=params, headers=headers, data=raw.encode("utf-8")
            )

        return self.http.call(build, parse_response)
