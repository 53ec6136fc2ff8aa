"""Money in đồng and dates the Vietnamese way."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

import pytest
from flask_babel import force_locale

from marketplace.common.formatting import day
from marketplace.common.formatting import moment
from marketplace.common.formatting import money


class TestFormatting:
    @pytest.mark.parametrize(
        ("amount", "vi", "en"),
        [
            (125_000, "125.000\xa0₫", "₫125,000"),
            (0, "0\xa0₫", "₫0"),
            (1_250_000_000, "1.250.000.000\xa0₫", "₫1,250,000,000"),
        ],
        ids=["typical", "zero", "large"],
    )
    def test_money(self, app: Any, amount: int, vi: str, en: str) -> None:
        with app.test_request_context():
            with force_locale("vi"):
                assert money(amount) == vi
            with force_locale("en"):
                assert money(amount) == en

    def test_dates(self, app: Any) -> None:
        with app.test_request_context(), force_locale("vi"):
            assert day(date(2026, 3, 9)) == "09/03/2026"
            # 23:30 UTC is already the next day in Hà Nội.
            assert moment(datetime(2026, 3, 9, 23, 30, tzinfo=UTC)) == "10/03/2026 06:30"
