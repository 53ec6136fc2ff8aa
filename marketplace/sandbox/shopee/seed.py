"""The sandbox's fixed reference data: categories, attributes, brands, logistics channels."""

from __future__ import annotations

from typing import Any

# (category_id, parent_category_id, original name, Vietnamese display name)
CATEGORIES: list[tuple[int, int, str, str]] = [
    (100629, 0, "Food & Beverages", "Thực phẩm và đồ uống"),
    (100860, 100629, "Beverages", "Đồ uống"),
    (100861, 100860, "Tea", "Trà"),
    (100862, 100860, "Coffee", "Cà phê"),
    (100870, 100629, "Snacks", "Đồ ăn vặt"),
    (100871, 100870, "Dried Fruits", "Trái cây sấy"),
    (100872, 100870, "Nuts & Seeds", "Các loại hạt"),
    (100630, 0, "Health", "Sức khỏe"),
    (100880, 100630, "Herbal Supplements", "Thảo dược"),
]
PARENTS = {parent for _, parent, _, _ in CATEGORIES if parent}
LEAVES = {cid for cid, _, _, _ in CATEGORIES if cid not in PARENTS}


def _values(start: int, names: list[str]) -> list[dict[str, Any]]:
    return [
        {"value_id": start + i, "name": name, "value_unit": "", "multi_lang": []}
        for i, name in enumerate(names)
    ]


ORIGIN = {
    "attribute_id": 100037,
    "name": "Xuất xứ",
    "mandatory": True,
    "attribute_value_list": _values(6100, ["Việt Nam", "Trung Quốc", "Nhật Bản"]),
    "attribute_info": {"input_type": 1, "input_validation_type": 0, "max_value_count": 1},
}
SHELF_LIFE = {
    "attribute_id": 100095,
    "name": "Hạn sử dụng",
    "mandatory": True,
    "attribute_value_list": _values(6200, ["6 tháng", "12 tháng", "24 tháng"]),
    "attribute_info": {"input_type": 1, "input_validation_type": 0, "max_value_count": 1},
}
PACKAGING = {
    "attribute_id": 100120,
    "name": "Loại đóng gói",
    "mandatory": False,
    "attribute_value_list": _values(6300, ["Túi", "Hộp", "Lon"]),
    "attribute_info": {"input_type": 2, "input_validation_type": 0, "max_value_count": 1},
}
ATTRIBUTES: dict[int, list[dict[str, Any]]] = {
    leaf: [ORIGIN, SHELF_LIFE, PACKAGING] for leaf in LEAVES if leaf != 100880
}
ATTRIBUTES[100880] = [ORIGIN, PACKAGING]

BRANDS: dict[int, list[tuple[int, str]]] = {
    100861: [(1183001, "Chè Mộc Châu"), (1183002, "Tân Cương Thái Nguyên"), (1183003, "Cozy")],
    100862: [(1184001, "Trung Nguyên"), (1184002, "Highlands")],
}

CHANNELS: list[dict[str, Any]] = [
    {
        "logistics_channel_id": 50018,
        "logistics_channel_name": "SPX Express",
        "cod_enabled": True,
        "enabled": True,
        "fee_type": "SIZE_INPUT",
        "mask_channel_id": 0,
        "force_enable": False,
        "size_list": [],
        "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01},
    },
    {
        "logistics_channel_id": 50021,
        "logistics_channel_name": "Giao Hàng Nhanh",
        "cod_enabled": True,
        "enabled": True,
        "fee_type": "SIZE_INPUT",
        "mask_channel_id": 0,
        "force_enable": False,
        "size_list": [],
        "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01},
    },
    {
        "logistics_channel_id": 5001,
        "logistics_channel_name": "Nhanh",
        "cod_enabled": True,
        "enabled": False,
        "fee_type": "SIZE_INPUT",
        "mask_channel_id": 0,
        "force_enable": False,
        "size_list": [],
        "weight_limit": {"item_max_weight": 30, "item_min_weight": 0.01},
    },
]

# UNVERIFIED (shopee.md §5.3): limits are per market through get_item_limit; the sandbox
# uses the documented sample values, except prices, which are whole đồng for VN.
LIMITS: dict[str, Any] = {
    "price_limit": {"min_limit": 1000.0, "max_limit": 120_000_000.0},
    "stock_limit": {"min_limit": 0, "max_limit": 10_000_000},
    "item_name_length_limit": {"min_limit": 5, "max_limit": 100},
    "item_image_count_limit": {"min_limit": 1, "max_limit": 9},
    "item_description_length_limit": {"min_limit": 10, "max_limit": 3000},
    "tier_variation_name_length_limit": {"min_limit": 1, "max_limit": 14},
    "tier_variation_option_length_limit": {"min_limit": 1, "max_limit": 20},
    "item_count_limit": {"max_limit": 50_001},
    "max_price_ratio": 5,  # VN max/min variant price ratio (shopee.md §5.3)
}
