"""The sandbox's fixed world: one seller, a small category tree, attributes, brands."""

from __future__ import annotations

from typing import Any

SELLER = {
    "seller_id": "200154002",
    "user_id": "300087731",
    "short_code": "VN4CM2AB7",
    "name": "Lazada HTX Cà phê Arabica Chiềng Mung",
    "company": "Hợp tác xã Cà phê Arabica Chiềng Mung",
    "email": "htx.arabica.chiengmung@example.vn",
}

# {category_id, name, leaf, var, children} as /category/tree/get answers (lazada.md §3.8).
TREE: list[dict[str, Any]] = [
    {
        "category_id": 10000,
        "name": "Bách hóa online",
        "leaf": False,
        "var": False,
        "children": [
            {
                "category_id": 10100,
                "name": "Đồ uống",
                "leaf": False,
                "var": False,
                "children": [
                    {
                        "category_id": 10101,
                        "name": "Cà phê",
                        "leaf": True,
                        "var": True,
                        "children": [],
                    },
                    {
                        "category_id": 10102,
                        "name": "Trà",
                        "leaf": True,
                        "var": True,
                        "children": [],
                    },
                ],
            },
            {
                "category_id": 10200,
                "name": "Thực phẩm khô",
                "leaf": False,
                "var": False,
                "children": [
                    {
                        "category_id": 10201,
                        "name": "Mật ong",
                        "leaf": True,
                        "var": True,
                        "children": [],
                    },
                    {
                        "category_id": 10202,
                        "name": "Hạt và đồ ăn vặt",
                        "leaf": True,
                        "var": True,
                        "children": [],
                    },
                ],
            },
        ],
    },
    {
        "category_id": 20000,
        "name": "Sức khỏe & Làm đẹp",
        "leaf": False,
        "var": False,
        "children": [
            {
                "category_id": 20101,
                "name": "Xà phòng thảo dược",
                "leaf": True,
                "var": True,
                "children": [],
            },
        ],
    },
]


def _attr(
    ident: int,
    name: str,
    label: str,
    *,
    mandatory: bool = False,
    input_type: str = "text",
    options: tuple[str, ...] = (),
    sale: bool = False,
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": name,
        "label": label,
        "is_mandatory": 1 if mandatory else 0,
        "is_sale_prop": 1 if sale else 0,
        "attribute_type": "sku" if sale else "normal",
        "input_type": input_type,
        "options": [
            {"id": ident * 100 + i, "name": o, "en_name": o} for i, o in enumerate(options)
        ],
        "advanced": {"is_key_prop": 1 if mandatory else 0},
    }


_COMMON = [
    _attr(1, "name", "Tên sản phẩm", mandatory=True),
    # UNVERIFIED (lazada.md §3.8, §7): the rich-text input_type token; we use "richText".
    _attr(2, "description", "Mô tả", input_type="richText"),
    _attr(3, "short_description", "Điểm nổi bật", input_type="richText"),
    _attr(4, "brand_id", "Thương hiệu", mandatory=True, input_type="singleSelect"),
    _attr(5, "model", "Mã mẫu"),
    _attr(
        6, "warranty_type", "Loại bảo hành", input_type="singleSelect", options=("Không bảo hành",)
    ),
]
_SALE = [_attr(9, "size", "Khối lượng", input_type="enumInput", sale=True)]

ATTRIBUTES: dict[int, list[dict[str, Any]]] = {
    10101: [
        *_COMMON,
        _attr(
            11,
            "coffee_type",
            "Loại cà phê",
            mandatory=True,
            input_type="singleSelect",
            options=("Cà phê hạt", "Cà phê bột", "Cà phê hòa tan"),
        ),
        _attr(
            12,
            "roast_level",
            "Mức rang",
            input_type="singleSelect",
            options=("Rang nhẹ", "Rang vừa", "Rang đậm"),
        ),
        _attr(13, "shelf_life", "Hạn sử dụng (tháng)", input_type="numeric"),
        _attr(14, "origin", "Xuất xứ", mandatory=True),
        *_SALE,
    ],
    10102: [
        *_COMMON,
        _attr(
            21,
            "tea_type",
            "Loại trà",
            mandatory=True,
            input_type="singleSelect",
            options=("Trà xanh", "Trà đen", "Trà Shan tuyết"),
        ),
        *_SALE,
    ],
    10201: [*_COMMON, _attr(31, "honey_source", "Nguồn mật", input_type="text"), *_SALE],
    10202: [*_COMMON, *_SALE],
    20101: [
        *_COMMON,
        _attr(
            41,
            "skin_type",
            "Loại da",
            input_type="multiSelect",
            options=("Mọi loại da", "Da dầu", "Da khô"),
        ),
        *_SALE,
    ],
}

BRANDS: list[dict[str, Any]] = [
    {"brand_id": 10000, "name": "No Brand", "name_en": "No Brand", "global_identifier": "no_brand"},
    {
        "brand_id": 10001,
        "name": "Arabica Chiềng Mung",
        "name_en": "Arabica Chieng Mung",
        "global_identifier": "arabica_chieng_mung",
    },
    {
        "brand_id": 10002,
        "name": "Shan Tuyết Tà Xùa",
        "name_en": "Shan Tuyet Ta Xua",
        "global_identifier": "shan_tuyet_ta_xua",
    },
    {
        "brand_id": 10003,
        "name": "Mật ong Mộc Châu",
        "name_en": "Moc Chau Honey",
        "global_identifier": "moc_chau_honey",
    },
]


def find_category(category_id: str) -> dict[str, Any] | None:
    def walk(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for node in nodes:
            if str(node["category_id"]) == category_id:
                return node
            found = walk(node["children"])
            if found is not None:
                return found
        return None

    return walk(TREE)
