"""The sandbox's fixed category tree, attributes and brands (a slice of TikTok Shop VN)."""

from __future__ import annotations

from typing import Any

ORIGIN = {"id": "100001", "name": "Xuất xứ", "required": True, "values": ["Việt Nam", "Thái Lan"]}
SHELF_LIFE = {"id": "100002", "name": "Hạn sử dụng", "required": False, "values": []}
TEA_KIND = {"id": "100004", "name": "Loại trà", "required": False, "values": ["Trà xanh", "Ô long"]}
MATERIAL = {"id": "100005", "name": "Chất liệu", "required": True, "values": ["Tre", "Mây", "Gỗ"]}

CATEGORIES: list[dict[str, Any]] = [
    {"id": "600001", "parent_id": "0", "local_name": "Thực phẩm & Đồ uống", "is_leaf": False},
    {"id": "600010", "parent_id": "600001", "local_name": "Trái cây tươi", "is_leaf": True},
    {"id": "600011", "parent_id": "600001", "local_name": "Trà & Cà phê", "is_leaf": True},
    {"id": "600012", "parent_id": "600001", "local_name": "Đặc sản khô", "is_leaf": True},
    {"id": "600002", "parent_id": "0", "local_name": "Nhà cửa & Đời sống", "is_leaf": False},
    {"id": "600020", "parent_id": "600002", "local_name": "Đồ thủ công", "is_leaf": True},
]

ATTRIBUTES: dict[str, list[dict[str, Any]]] = {
    "600010": [ORIGIN, SHELF_LIFE],
    "600011": [ORIGIN, SHELF_LIFE, TEA_KIND],
    "600012": [ORIGIN, SHELF_LIFE],
    "600020": [MATERIAL],
}

BRANDS: list[dict[str, str]] = [
    {"id": "7000001", "name": "OCOP Sơn La"},
    {"id": "7000002", "name": "HTX Xoài tròn Yên Châu"},
    {"id": "7000003", "name": "Trà Shan Tuyết Tà Xùa"},
    {"id": "7000004", "name": "Mây tre đan Phú Vinh"},
]
