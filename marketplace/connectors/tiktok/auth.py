"""Shop authorization: the consent page, token exchange and refresh (tiktok.md §3)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests

from marketplace.connectors.errors import AuthError
from marketplace.connectors.tiktok.client import TikTokClient
from marketplace.connectors.tiktok.client import parse_token
from marketplace.connectors.tiktok.errors import PLATFORM
from marketplace.connectors.types import TokenSet


def _token_extra(data: dict[str, Any], previous: TokenSet | None) -> dict[str, str]:
    """The seller fields of a token answer, over those kept from ``previous``."""
    return {
        **(previous.extra if previous else {}),
        "open_id": str(data.get("open_id", "")),
        "seller_name": str(data.get("seller_name", "")),
        "seller_base_region": str(data.get("seller_base_region", "")),
        "granted_scopes": ",".join(data.get("granted_scopes") or []),
    }


def _token_set(data: dict[str, Any], previous: TokenSet | None) -> TokenSet:
    """A token answer as a TokenSet, keeping the shop of ``previous``."""
    refresh_at = int(data.get("refresh_token_expire_in") or 0)
    return TokenSet(
        access_token=str(data["access_token"]),
        refresh_token=str(data.get("refresh_token", "")),
        # Absolute Unix timestamps, not durations (tiktok.md §3.2).
        access_expires_at=datetime.fromtimestamp(int(data["access_token_expire_in"]), UTC),
        refresh_expires_at=datetime.fromtimestamp(refresh_at, UTC) if refresh_at else None,
        shop_id=previous.shop_id if previous else "",
        shop_name=previous.shop_name if previous else str(data.get("seller_name", "")),
        extra=_token_extra(data, previous),
    )


def _bind_shop(tokens: TokenSet, shop: dict[str, Any]) -> None:
    """Point ``tokens`` at one authorized shop: its cipher signs every shop call."""
    tokens.shop_id = str(shop["cipher"])
    tokens.shop_name = str(shop.get("name", ""))
    tokens.extra.update(
        shop_id=str(shop.get("id", "")),
        shop_code=str(shop.get("code", "")),
        region=str(shop.get("region", "")),
    )


class AuthMixin(TikTokClient):
    """The AUTH capability."""

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The consent page of our service."""
        # UNVERIFIED (tiktok.md §3.1): the real page redirects to the URL registered for
        # the app; we also pass redirect_uri, which the sandbox honours.
        query = {"service_id": self.service_id, "state": state, "redirect_uri": redirect_uri}
        return f"{self._authorize_base()}/open/authorize?{urlencode(query)}"

    def _token_call(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        """An unsigned GET on the token host, authenticated by app_key and app_secret."""
        url = self._token_base() + path
        params = {"app_key": self.app.app_key, "app_secret": self.app.app_secret, **query}
        return self.http.call(lambda: requests.Request("GET", url, params=params), parse_token)

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        """Tokens for the auth code, bound to the first authorized shop."""
        if params.get("error") or not code or code == "null":
            reason = params.get("error") or "no code"
            raise AuthError(
                f"authorization refused: {reason}", refreshable=False, platform=PLATFORM
            )
        data = self._token_call(
            "/api/v2/token/get", {"auth_code": code, "grant_type": "authorized_code"}
        )
        tokens = _token_set(data, None)
        shops = self.authorized_shops(tokens)
        if not shops:
            raise AuthError("no shop was authorized", refreshable=False, platform=PLATFORM)
        _bind_shop(tokens, shops[0])
        self.tokens = tokens
        return tokens

    def authorized_shops(self, tokens: TokenSet | None = None) -> list[dict[str, Any]]:
        """Get Authorized Shops: each shop's id, name, region and ``cipher``."""
        data = self._call("GET", "/authorization/202309/shops", shop=False, tokens=tokens)
        return [s for s in data.get("shops") or [] if isinstance(s, dict)]

    def refresh(self) -> TokenSet:
        """New tokens from the refresh token, for the same shop."""
        current = self._tokens()
        data = self._token_call(
            "/api/v2/token/refresh",
            {"refresh_token": current.refresh_token, "grant_type": "refresh_token"},
        )
        self.tokens = _token_set(data, current)
        return self.tokens
