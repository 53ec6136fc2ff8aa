"""TikTok Shop connector: ``TikTokConnector`` (registered as "tiktok") and ``sign``."""

from __future__ import annotations

from marketplace.connectors.tiktok.connector import TikTokConnector
from marketplace.connectors.tiktok.signing import sign
from marketplace.connectors.tiktok.signing import string_to_sign
from marketplace.connectors.tiktok.signing import verify_webhook
from marketplace.connectors.tiktok.signing import webhook_signature

__all__ = ["TikTokConnector", "sign", "string_to_sign", "verify_webhook", "webhook_signature"]
