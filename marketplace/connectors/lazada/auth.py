"""Lazada seller authorization: consent URL, code exchange, refresh (lazada.md §2)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from marketplace.connectors.errors import AuthError
from marketplace.connectors.lazada.client import LazadaClient
from marketplace.connectors.lazada.errors import PLATFORM
from marketplace.connectors.types import TokenSet


class AuthMixin(LazadaClient):
    """The ``AUTH`` capability."""

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The auth host's consent page for our app."""
        query = urlencode(
            {
                "response_type": "code",
                "force_auth": "true",
                "redirect_uri": redirect_uri,
                "client_id": self.app.app_key,
                "state": state,
            }
        )
        return f"{self._auth_host}/oauth/authorize?{query}"

    def _auth_call(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        """A signed POST to the auth gateway, without an access token."""
        return self._call(
            path, params, method="POST", token=False, gateway=self._auth_host + "/rest"
        )

    def _tokens(self, body: dict[str, Any], users_key: str) -> TokenSet:
        """Tokens from a create or refresh answer, for the user of its country."""
        issued = datetime.fromtimestamp(int(self.now()), UTC)
        refresh_in = int(body.get("refresh_expires_in") or 0)
        country = str(body.get("country", ""))
        users = body.get(users_key) or body.get("country_user_info") or []
        user = next((u for u in users if u.get("country") == country), users[0] if users else {})
        extra = {
            "country": country,
            "account": str(body.get("account", "")),
            "account_platform": str(body.get("account_platform", "")),
            "user_id": str(user.get("user_id", "")),
            "short_code": str(user.get("short_code", "")),
        }
        return TokenSet(
            access_token=str(body["access_token"]),
            refresh_token=str(body.get("refresh_token", "")),
            access_expires_at=issued + timedelta(seconds=int(body.get("expires_in") or 0)),
            # refresh_expires_in 0: the token cannot be refreshed (lazada.md §2.2).
            refresh_expires_at=issued + timedelta(seconds=refresh_in) if refresh_in else None,
            shop_id=str(user.get("seller_id", "")),
            extra=extra,
        )

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        """Tokens for the code, with the shop's name from ``/seller/get``."""
        body = self._auth_call("/auth/token/create", {"code": code})
        tokens = self._tokens(body, "country_user_info")
        # /seller/get needs the new access token.
        self.tokens = tokens
        seller = self._call("/seller/get").get("data") or {}
        tokens.shop_name = str(seller.get("name", ""))
        tokens.shop_id = tokens.shop_id or str(seller.get("seller_id", ""))
        return tokens

    def refresh(self) -> TokenSet:
        """New tokens; the shop's id and name carry over from the old ones."""
        if self.tokens is None or not self.tokens.refresh_token:
            raise AuthError("no refresh token", refreshable=False, platform=PLATFORM)
        body = self._auth_call("/auth/token/refresh", {"refresh_token": self.tokens.refresh_token})
        old = self.tokens
        tokens = self._tokens(body, "country_user_info_list")
        tokens.shop_id = tokens.shop_id or old.shop_id
        tokens.shop_name = old.shop_name
        self.tokens = tokens
        return tokens
