"""The sales service keeps a push once: a repeat is a DuplicatePushError, not a database error."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.sales import services
from marketplace.sales.errors import DuplicatePushError
from marketplace.sales.models import PushEvent


def pushes() -> int:
    return int(db.session.scalar(select(func.count(PushEvent.id))) or 0)


def test_the_same_push_twice_is_a_domain_error_and_adds_nothing() -> None:
    services.record_push("shopee", b'{"a": 1}', "147", "order")
    with pytest.raises(DuplicatePushError):
        services.record_push("shopee", b'{"a": 1}', "147", "order")
    assert pushes() == 1  # the session is still usable after the refused INSERT
    services.record_push("shopee", b'{"a": 2}', "147", "order")
    assert pushes() == 2
