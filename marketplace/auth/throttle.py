"""Login slow-down: failed logins counted in Redis, in 15-minute windows.

Three counters, so that neither a guesser nor a sprayer gets far and the owner is not
locked out by someone else's guessing:

* per client address (10): one address spraying a password over many accounts;
* per address and account (5): one address guessing one account's password;
* per account, from browsers the account never logged in from (20): many addresses
  guessing one account. The owner's usual browser carries a signed "known device" cookie
  and is not held back by this counter, so the right password still works there.

Accounts are keyed by a hash of the e-mail typed, whether or not such a user exists:
an unknown e-mail is counted, refused and timed exactly like a known one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask import request
from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer
from werkzeug.wrappers import Response

from marketplace.extensions import rq

WINDOW_SECONDS = 15 * 60
PER_ADDRESS = 10
PER_ADDRESS_AND_ACCOUNT = 5
PER_ACCOUNT_FROM_UNKNOWN_BROWSERS = 20

KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_DAYS = 365
_KNOWN_DEVICE_USERS = 5  # a phone shared by a family or a cooperative's office


@dataclass(frozen=True)
class Attempt:
    """One login attempt: where it comes from, which account, and whether the browser is known."""

    address: str
    account: str
    known_device: bool

    @classmethod
    def make(cls, address: str | None, email: str, known_device: bool) -> Attempt:
        # Keyed with the secret: the key names in Redis do not give the e-mails away.
        secret = str(current_app.config["SECRET_KEY"]).encode()
        digest = hmac.new(secret, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]
        return cls(address or "unknown", digest, known_device)

    def counters(self) -> list[tuple[str, int]]:
        """The Redis keys that count this attempt's failures, with their limits."""
        keys = [
            (f"rate:login:address:{self.address}", PER_ADDRESS),
            (f"rate:login:pair:{self.address}:{self.account}", PER_ADDRESS_AND_ACCOUNT),
        ]
        if not self.known_device:
            keys.append((f"rate:login:account:{self.account}", PER_ACCOUNT_FROM_UNKNOWN_BROWSERS))
        return keys


def wait_seconds(attempt: Attempt) -> int:
    """0 if the attempt may go on, else the seconds until its fullest window ends."""
    redis = rq.get_queue().connection
    wait = 0
    for key, limit in attempt.counters():
        if int(redis.get(key) or 0) >= limit:
            ttl = int(redis.ttl(key))
            wait = max(wait, ttl if ttl > 0 else WINDOW_SECONDS)
    return wait


def record_failure(attempt: Attempt) -> None:
    """Count a failure in each of the attempt's windows (a window starts at its first failure)."""
    redis = rq.get_queue().connection
    for key, _limit in attempt.counters():
        redis.set(key, 0, ex=WINDOW_SECONDS, nx=True)
        redis.incr(key)


def record_success(attempt: Attempt) -> None:
    """The account's owner got in from here: forget this address's failures on it.

    The address and account counters stay: a sprayer who owns one account must not
    reset them by logging into it.
    """
    redis = rq.get_queue().connection
    redis.delete(f"rate:login:pair:{attempt.address}:{attempt.account}")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def known_device_users() -> list[int]:
    """The users who have logged in from this browser (the signed cookie), newest last."""
    value = request.cookies.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        ids = _serializer().loads(value)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def remember_device(response: Response, user_id: int) -> None:
    """Mark this browser as one the user logs in from."""
    ids = [i for i in known_device_users() if i != user_id][-(_KNOWN_DEVICE_USERS - 1) :]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        _serializer().dumps([*ids, user_id]),
        max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
    )
