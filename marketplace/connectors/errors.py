"""The typed errors every connector raises; never (value, error) pairs."""

from __future__ import annotations


class ConnectorError(Exception):
    """Anything a platform call can fail with; ``code`` is the platform's own error code."""

    def __init__(self, message: str, *, code: str = "", platform: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.platform = platform


class AuthError(ConnectorError):
    """The access token is expired or invalid, or the app is not authorized.

    ``refreshable`` is True when refreshing the token may fix it; False means the
    seller must authorize the shop again (refresh token expired, used or revoked).
    """

    def __init__(self, message: str, *, refreshable: bool = True, **kw: str) -> None:
        super().__init__(message, **kw)
        self.refreshable = refreshable


class RateLimited(ConnectorError):
    """The platform asked us to slow down; retry after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float = 1.0, **kw: str) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Retryable(ConnectorError):
    """A transient failure: 5xx, timeout, connection reset, platform "system busy"."""


class Rejected(ConnectorError):
    """The platform refused the data; ``field`` names our field when it can be known."""

    def __init__(self, message: str, *, field: str = "", **kw: str) -> None:
        super().__init__(message, **kw)
        self.field = field


class NotFound(ConnectorError):
    """The item, order or image does not exist on the platform."""
