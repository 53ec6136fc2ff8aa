"""Secrets at rest: platform tokens and app secrets are Fernet-encrypted in the database.

``ENCRYPTION_KEYS`` is a comma-separated list of Fernet keys, newest first: the
first encrypts, all of them decrypt (MultiFernet), so a key is rotated by putting
a new one in front and running ``flask keys rotate``.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from cryptography.fernet import MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def new_key() -> str:
    """A fresh Fernet key (``create_app`` keeps one in the instance folder when none is set)."""
    return Fernet.generate_key().decode()


def fernet() -> MultiFernet:
    """The app's MultiFernet (first key encrypts)."""
    keys = [k.strip() for k in current_app.config["ENCRYPTION_KEYS"].split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(plain: str) -> str:
    return fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt with the newest key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; Python code sees the plain value."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(str(value))
