"""Signed calls to the Shopee Open Platform v2 and their envelope, shared by the mixins."""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

import requests

from marketplace.connectors.base import Connector
from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import RateLimited
from marketplace.connectors.errors import Retryable
from marketplace.connectors.shopee.errors import PLATFORM
from marketplace.connectors.shopee.errors import error_for
from marketplace.connectors.shopee.signing import sign
from marketplace.connectors.types import TokenSet

Json = dict[str, Any]
Files = list[tuple[str, tuple[str, bytes, str]]]
T = TypeVar("T")
# Logistics channels, attribute trees and brand lists change rarely, and every add_item
# needs them: kept this long in the process, they cost a few calls per sync, not per item.
MEMO_SECONDS = 600.0
_memo: dict[tuple[str, ...], tuple[float, Any]] = {}


def chunks(values: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """``values`` cut into consecutive slices of at most ``size``."""
    return [values[i : i + size] for i in range(0, len(values), size)]


def parse_response(response: requests.Response, *, token_call: bool = False) -> dict[str, Any]:
    """The body of any answer (whatever its HTTP status, §4.2), or the typed error."""
    try:
        data = response.json()
    except ValueError:
        raise Retryable(f"HTTP {response.status_code}: not JSON", platform=PLATFORM) from None
    if not isinstance(data, dict):
        raise Retryable(f"HTTP {response.status_code}: unexpected body", platform=PLATFORM)
    error = str(data.get("error") or "")
    if error:
        raise error_for(error, str(data.get("message") or ""), token_call=token_call)
    if response.status_code == 429:
        raise RateLimited("HTTP 429", platform=PLATFORM)
    return data


class ShopeeClient(Connector):
    """URL building, signing and the envelope: what every Shopee capability needs."""

    def _url(self, path: str, *, auth_host: bool = False) -> str:
        base = (self.app.auth_base_url or self.app.base_url) if auth_host else self.app.base_url
        return base.rstrip("/") + path

    def _common(self, path: str, *, shop: bool) -> dict[str, str]:
        params = {"partner_id": str(self.app.app_key), "timestamp": str(int(self.now()))}
        if shop:
            tokens = self._tokens()
            params["access_token"] = tokens.access_token
            params["shop_id"] = str(tokens.shop_id)
        params["sign"] = sign(self.app.app_secret, path, params)[1]
        return params

    def _remembered(self, what: str, key: str, fetch: Callable[[], T]) -> T:
        """``fetch()``, or its answer from the last ``MEMO_SECONDS`` for this app and shop.

        A failed fetch is not remembered, so a shop that fixes its setup is seen at once.
        """
        shop = str(self.tokens.shop_id) if self.tokens else ""
        full = (what, self.app.base_url, str(self.app.app_key), shop, key)
        now = time.monotonic()
        hit = _memo.get(full)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = fetch()
        _memo[full] = (now + MEMO_SECONDS, value)
        return value

    def _tokens(self) -> TokenSet:
        if self.tokens is None:
            raise AuthError("no Shopee tokens: connect the shop first", refreshable=False)
        return self.tokens

    def _params(self, path: str, query: dict[str, Any] | None, shop: bool) -> list[tuple[str, str]]:
        """Common signed parameters, then the query (lists: the key repeated, §5.1)."""
        params: list[tuple[str, str]] = list(self._common(path, shop=shop).items())
        for key, value in (query or {}).items():
            values = value if isinstance(value, list | tuple) else [value]
            params += [(key, str(v)) for v in values]
        return params

    def _call(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Json | None = None,
        files: Files | None = None,
        shop: bool = True,
        token_call: bool = False,
    ) -> Json:
        # Built inside the retry loop so each attempt gets a fresh timestamp and sign.
        def build() -> requests.Request:
            params = self._params(path, query, shop)
            return requests.Request(method, self._url(path), params=params, json=body, files=files)

        def parse(response: requests.Response) -> Json:
            return parse_response(response, token_call=token_call)

        return self.http.call(build, parse)

    def _get(self, path: str, **query: Any) -> Json:
        return dict(self._call("GET", path, query=query).get("response") or {})

    def _post(self, path: str, body: Json) -> Json:
        return dict(self._call("POST", path, body=body).get("response") or {})
