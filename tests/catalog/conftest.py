from __future__ import annotations

from typing import Any

import pytest

from tests import factories


@pytest.fixture
def category() -> Any:
    return factories.CategoryFactory()


@pytest.fixture
def product_form(category: Any) -> dict[str, Any]:
    """A valid create form with two variants; tests spoil one field at a time."""
    return {
        "name": "Cà phê Arabica Sơn La",
        "category_id": str(category.id),
        "origin_area_id": "0",
        "brand": "Sơn La Coffee",
        "description": "<p>Cà phê <strong>rang mộc</strong></p>",
        "ocop_stars": "4",
        "ocop_certificate_no": "123/QĐ-UBND",
        "ocop_issuer": "UBND tỉnh Sơn La",
        "ocop_issued_on": "2024-05-10",
        "ocop_expires_on": "2027-05-10",
        "status": "active",
        "variants-0-sku": "CF-ARA-250",
        "variants-0-options": "Khối lượng: 250 g",
        "variants-0-price": "125.000",
        "variants-0-list_price": "150.000",
        "variants-0-stock": "40",
        "variants-0-weight_g": "270",
        "variants-0-barcode": "8934567890120",
        "variants-1-sku": "CF-ARA-500",
        "variants-1-options": "Khối lượng: 500 g",
        "variants-1-price": "230000",
        "variants-1-stock": "12",
        "save": "1",
    }
