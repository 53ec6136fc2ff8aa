"""The catalogue's error codes, limits and product statuses (tiktok.md §5, §7)."""

from __future__ import annotations

# UNVERIFIED (tiktok.md: validation codes not documented): our own numbers, mirrored in
# marketplace/connectors/tiktok/errors.py.
TITLE = 12052010
DESCRIPTION = 12052011
CATEGORY = 12052012
ATTRIBUTE = 12052013
IMAGE = 12052014
DUPLICATE_SKU = 12052015
PRICE = 12052016
SKU_INVALID = 12052017
BRAND = 12052018
STOCK = 12052019
WEIGHT = 12052020
IMAGE_UPLOAD = 12019001

# UNVERIFIED (tiktok.md §7, image_rules.py): JPEG/PNG, 300–4000 px, ≤5 MB, ≤9 main images.
IMAGE_MIN_SIDE = 300
IMAGE_MAX_SIDE = 4000
IMAGE_MAX_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 9
# UNVERIFIED: title 1–255 characters, description ≤10 000, 1–100 SKUs, stock ≤ 999 999.
TITLE_MAX = 255
DESCRIPTION_MAX = 10_000
MAX_SKUS = 100
MAX_STOCK = 999_999
# UNVERIFIED (tiktok.md §7): product search page_size 1–100; ≤20 SKUs per price or
# inventory update call; brands page_size 1–100.
SEARCH_PAGE_MAX = 100
SKUS_PER_UPDATE = 20
BRAND_PAGE_MAX = 100
LIVE = "ACTIVATE"
DELISTED = "SELLER_DEACTIVATED"
