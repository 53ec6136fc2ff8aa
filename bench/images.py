"""Photo pipeline speed on 12-megapixel phone-like JPEGs (not a test).

Compares render_all (open once with draft, normalise once, scale progressively) with
a naive pipeline (full decode, every rendition from the full image) and a floor (a
draft decode plus, per rule, one resize and one encode at the starting quality, with
the resizes either from the decoded image or chained big → small; the cheaper counts).

    .venv/bin/python bench/images.py [--photos N] [--repeat R]
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import time
from collections.abc import Callable

from PIL import Image
from PIL import ImageDraw

from marketplace.catalog import images
from marketplace.catalog.image_rules import all_rules
from marketplace.platforms import ImageRule

SIZE = (4000, 3000)
RULES = all_rules()
Approach = Callable[[bytes], object]


def _noise(size: tuple[int, int], scale: int, sigma: float) -> Image.Image:
    """Grey noise generated at 1/scale and enlarged: texture at that scale."""
    small = (max(1, size[0] // scale), max(1, size[1] // scale))
    return Image.effect_noise(small, sigma).resize(size, Image.Resampling.BICUBIC)


def phone_photo(seed: int) -> bytes:
    """A 4000×3000 quality-90 JPEG with gradients, shapes and texture; odd seeds are held
    in portrait (EXIF orientation 6) and carry GPS."""
    rng = random.Random(seed)
    r = Image.linear_gradient("L").resize(SIZE)
    g = Image.radial_gradient("L").resize(SIZE)
    b = Image.linear_gradient("L").rotate(rng.choice([90, 180, 270])).resize(SIZE)
    img = Image.merge("RGB", (r, g, b))
    draw = ImageDraw.Draw(img)
    for _ in range(40):  # products, labels, table edges
        x, y = rng.randrange(SIZE[0]), rng.randrange(SIZE[1])
        box = (x, y, x + rng.randrange(100, 1200), y + rng.randrange(100, 900))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    texture = Image.merge(
        "RGB", [_noise(SIZE, 8, 80), _noise(SIZE, 3, 80), Image.effect_noise(SIZE, 50)]
    )
    img = Image.blend(img, texture, 0.3 + 0.03 * (seed % 6))  # 3–4.5 MB, like phone JPEGs
    exif = Image.Exif()
    if seed % 2:
        exif[0x0112] = 6  # held in portrait
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (21.0, 19.0, 30.5)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def pipeline(data: bytes) -> object:
    """The production path."""
    return images.render_all(data, RULES)


def naive(data: bytes) -> object:
    """Full decode, normalise, every rendition from the full-size image."""
    full = images.normalise(images.open_image(data))
    return [images.render(full, rule) for rule in RULES]


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size with the longer side at most side."""
    scale = min(1.0, side / max(size))
    return (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))


def _encode_once(img: Image.Image, rule: ImageRule) -> bytes:
    """Pad if square, then one encode at the rule's starting quality, as render does."""
    if rule.square and img.size[0] != img.size[1]:
        canvas = Image.new("RGB", (max(img.size),) * 2, (255, 255, 255))
        side = canvas.size[0]
        canvas.paste(img, ((side - img.size[0]) // 2, (side - img.size[1]) // 2))
        img = canvas
    buf = io.BytesIO()
    if rule.format == "JPEG":
        img.save(buf, "JPEG", quality=rule.quality, optimize=True, progressive=True)
    else:
        img.save(buf, rule.format, quality=rule.quality, method=4)
    return buf.getvalue()


def _draft_decode(data: bytes) -> Image.Image:
    """Decode with draft at the scale the largest rule needs."""
    img = Image.open(io.BytesIO(data))
    longest = max(rule.max_side for rule in RULES)
    if max(img.size) > longest:
        img.draft("RGB", _fit(img.size, longest))
    img.load()
    return img


def floor(data: bytes) -> object:
    """Minimal work as specified: per rule one resize from the decoded image, one encode."""
    img = _draft_decode(data)
    out = []
    for rule in RULES:
        scaled = img.resize(_fit(img.size, rule.max_side), Image.Resampling.LANCZOS, None, 3.0)
        out.append(_encode_once(scaled, rule))
    return out


def floor_chained(data: bytes) -> object:
    """The floor with resizes chained big → small (no orientation, ICC or quality search)."""
    current = _draft_decode(data)
    out = []
    for rule in sorted(RULES, key=lambda rule: rule.max_side, reverse=True):
        size = _fit(current.size, rule.max_side)
        if size != current.size:
            current = current.resize(size, Image.Resampling.LANCZOS, None, 3.0)
        out.append(_encode_once(current, rule))
    return out


APPROACHES: dict[str, Approach] = {
    "pipeline": pipeline,
    "naive": naive,
    "floor": floor,
    "floor_chained": floor_chained,
}


def measure(photos: list[bytes], repeat: int) -> dict[str, float]:
    """Best-of-repeat milliseconds per photo for each approach, interleaved per round."""
    rounds: dict[str, list[float]] = {name: [] for name in APPROACHES}
    for _ in range(repeat):
        for name, approach in APPROACHES.items():
            start = time.perf_counter()
            for data in photos:
                approach(data)
            rounds[name].append((time.perf_counter() - start) * 1000 / len(photos))
    return {name: min(times) for name, times in rounds.items()} | {
        f"{name} (median)": statistics.median(times) for name, times in rounds.items()
    }


def main() -> None:
    """Generate the photos, measure, print the table and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    photos = [phone_photo(seed) for seed in range(args.photos)]
    mean_mb = sum(map(len, photos)) / len(photos) / 1e6
    print(f"{len(photos)} photos {SIZE[0]}×{SIZE[1]}, mean {mean_mb:.1f} MB, rules: {len(RULES)}")
    sizes = images.render_all(photos[0], RULES)
    print(
        "renditions of photo 0: "
        + ", ".join(
            f"{name} {len(out) // 1000} kB" if isinstance(out, bytes) else f"{name} {out.code}"
            for name, out in sizes.items()
        )
    )
    ms = measure(photos, args.repeat)
    print(f"{'approach':<15}{'best ms/photo':>14}{'median':>10}")
    for name in APPROACHES:
        print(f"{name:<15}{ms[name]:>14.1f}{ms[f'{name} (median)']:>10.1f}")
    # The floor reported is the cheaper of the two minimal ways, so the ratio is not
    # flattered by a floor that does more resizing than it needs to.
    best_floor = min(ms["floor"], ms["floor_chained"])
    ratio = ms["pipeline"] / best_floor
    print(
        f"images: {ms['pipeline']:.1f} ms/photo (floor {best_floor:.1f}, "
        f"naive {ms['naive']:.1f}, ratio_to_floor {ratio:.2f})"
    )


if __name__ == "__main__":
    main()
