"""Shop authorization and token refresh (shopee.md §3)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from marketplace.connectors.errors import AuthError
from marketplace.connectors.errors import ConnectorError
from marketplace.connectors.shopee.client import Json
from marketplace.connectors.shopee.client import ShopeeClient
from marketplace.connectors.shopee.convert import utc
from marketplace.connectors.shopee.errors import PLATFORM
from marketplace.connectors.types import TokenSet

ACCESS_TOKEN_SECONDS = 14_400  # shopee.md §3.3
REFRESH_TOKEN_DAYS = 30  # shopee.md §3.3 (the answer does not say; the doc does)


class AuthMixin(ShopeeClient):
    """auth_partner link, code exchange and refresh."""

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """The signed auth_partner link (§3.1); Shopee has no state, so it rides in redirect."""
        path = "/api/v2/shop/auth_partner"
        parts = urlsplit(redirect_uri)
        query = [*parse_qsl(parts.query), ("state", state)]
        redirect = urlunsplit(parts._replace(query=urlencode(query)))
        params = self._common(path, shop=False)
        params["redirect"] = redirect
        return f"{self._url(path, auth_host=True)}?{urlencode(params)}"

    def _token_set(self, data: Json, shop_id: str, shop_name: str = "") -> TokenSet:
        now = self.now()
        expire_in = int(data.get("expire_in") or ACCESS_TOKEN_SECONDS)
        return TokenSet(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]),
            access_expires_at=utc(now + expire_in),
            refresh_expires_at=utc(now) + timedelta(days=REFRESH_TOKEN_DAYS),
            shop_id=shop_id,
            shop_name=shop_name,
        )

    def shop_id_from_callback(self, params: dict[str, str]) -> str | None:
        """Shopee's callback carries shop_id beside the code (§3.1)."""
        return params.get("shop_id") or None

    def exchange_code(self, code: str, params: dict[str, str]) -> TokenSet:
        shop_id = params.get("shop_id", "")
        if not shop_id:
            # Main-account authorizations (§3.1) cover several shops; we connect one shop.
            raise AuthError("Shopee answered without shop_id", refreshable=False, platform=PLATFORM)
        body = {"code": code, "shop_id": int(shop_id), "partner_id": int(self.app.app_key)}
        data = self._call("POST", "/api/v2/auth/token/get", body=body, shop=False, token_call=True)
        self.tokens = self._token_set(data, shop_id)
        try:
            info = self._call("GET", "/api/v2/shop/get_shop_info")
            self.tokens.shop_name = str(info.get("shop_name") or "")
        except ConnectorError:
            pass  # the name is a nicety; the tokens are what matters
        return self.tokens

    def refresh(self) -> TokenSet:
        tokens = self._tokens()
        body = {
            "refresh_token": tokens.refresh_token,
            "shop_id": int(tokens.shop_id),
            "partner_id": int(self.app.app_key),
        }
        data = self._call(
            "POST", "/api/v2/auth/access_token/get", body=body, shop=False, token_call=True
        )
        self.tokens = self._token_set(data, tokens.shop_id, tokens.shop_name)
        self.tokens.extra = dict(tokens.extra)
        return self.tokens
