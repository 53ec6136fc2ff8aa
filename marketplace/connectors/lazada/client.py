"""The base of the Lazada connector: signed calls to the country and auth gateways,
and their envelope."""

from __future__ import annotations

from typing import Any

import requests

from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import Retryable
from marketplace.connectors.lazada.errors import PLATFORM
from marketplace.connectors.lazada.errors import error_for
from marketplace.connectors.lazada.signing import sign

API_GATEWAY = "https://api.lazada.vn/rest"
AUTH_HOST = "https://auth.lazada.com"

Params = dict[str, str]


def parse_response(response: requests.Response) -> dict[str, Any]:
    """The JSON body of a successful call, or the typed error (lazada.md §5.1)."""
    try:
        body = response.json()
    except ValueError as exc:
        raise Retryable(f"HTTP {response.status_code}: not JSON", platform=PLATFORM) from exc
    if not isinstance(body, dict):
        raise Retryable("unexpected response", platform=PLATFORM)
    if str(body.get("code", "")) != "0":
        raise error_for(body)
    return body


class LazadaClient(Connector):
    """Transport shared by the capability mixins."""

    @property
    def _gateway(self) -> str:
        return (self.app.base_url or API_GATEWAY).rstrip("/")

    @property
    def _auth_host(self) -> str:
        return (self.app.auth_base_url or AUTH_HOST).rstrip("/")

    def _signed(self, path: str, params: Params, token: bool) -> Params:
        """``params`` with the app key, timestamp, token and signature added."""
        # lazada.md §1.2: timestamp in ms, rounded to the second; empty values never sent.
        full = {k: v for k, v in params.items() if v != ""}
        full.update(
            app_key=self.app.app_key,
            sign_method="sha256",
            timestamp=f"{int(self.now())}000",
        )
        if token:
            if self.tokens is None:
                raise AuthError("no tokens", refreshable=False, platform=PLATFORM)
            full["access_token"] = self.tokens.access_token
        full["sign"] = sign(self.app.app_secret, path, full)[1]
        return full

    def _call(
        self,
        path: str,
        params: Params | None = None,
        *,
        method: str = "GET",
        token: bool = True,
        gateway: str | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> dict[str, Any]:
        """One API call's unwrapped envelope; errors become our typed errors."""
        url = (gateway or self._gateway) + path

        # Signed inside build() so that each retry gets a fresh timestamp.
        def build() -> requests.Request:
            signed = self._signed(path, params or {}, token)
            if method == "GET":
                return requests.Request("GET", url, params=signed)
            return requests.Request("POST", url, data=signed, files=files)

        return self.http.call(build, parse_response)

    def _post(self, path: str, params: Params) -> dict[str, Any]:
        """A signed POST to the country gateway."""
        return self._call(path, params, method="POST")
