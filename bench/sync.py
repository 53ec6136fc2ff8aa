"""Listing sync of a whole catalogue to one sandbox shop per platform (not a test).

1,000 products × 3 variants, each with a photo of its own and the cooperative's label
photo (the same file on every product), are synced by the real code
(``listings.sync.runner.run``) to a Lazada, a Shopee and a TikTok Shop sandbox served over
loopback HTTP, with latency and a standing rate limit set on the sandboxes, the shops
connected through the sandboxes' consent pages and the category mapped. Then a resync
with nothing changed, then the naive way (``_sync_naive.py``) on the first products.
Calls are counted by wrapping ``HttpClient._send``: measured, not mocked.

Minimum calls, from the same inputs: P products to create, D distinct platform
renditions among their photos (P + 1 here), C mapped categories with attributes (1).

* Lazada: D + P. ``/image/upload`` takes one file (lazada.md §3.4); ``/images/migrate``
  takes 8 URLs but only public ones, and our renditions are not on the internet.
  ``/product/create`` carries every SKU with its price and stock and answers their ids
  (§3.2), so no price/stock or read call is needed.
* TikTok Shop: D + P. ``images/upload`` takes one file (no batch is documented,
  tiktok.md §5, §7); Create Product carries every SKU with price and stock and answers
  their ids.
* Shopee: ⌈D/8⌉ + 2P + 1 + C. ``media_space/upload_image`` takes fewer than 9 files per
  call (shopee.md §5.1); ``add_item`` cannot carry models, so each item also needs one
  ``init_tier_variation`` (§5.3), whose answer holds the model ids; ``add_item`` needs
  the shop's logistics channel ids (``get_channel_list``, once) and attribute value ids
  (``get_attribute_tree``, once per category: our mapping keeps value names).
* No token call: a freshly connected shop's access token outlives the sync (Shopee's
  4 h is the shortest). A resync with nothing changed: 0.

Rate bound: our sync of a shop is one job holding the shop's lock, so its calls are
sequential, and each waits for a token of the shared limiter (``ratelimit.py``, rate r =
``PlatformApp.requests_per_second``, holding r, full at the start). Call k can start
neither before call k−1 ended nor before its token exists, so the floor for N calls
with a sandbox latency L is max(N·L, (N − r)/r + L): the wait for a token overlaps the
previous call's latency, so the two do not add up. With the defaults (L = 20 ms,
1/r = 50 ms) the rate decides, and our own time per call hides in the token waits; a
small run (``--products 20``) stays within the limiter's first second, where the
latency decides and our own time per call shows.
The floor is computed for the minimum N. The sandbox refuses above 1.2 r (a bucket
holding one second's worth too), so a client that keeps its rate is never refused; the
429s seen are reported.

The platforms run one after another (two cores); in production each shop is its own job
and they run side by side. The naive way is measured on ``--naive-products`` products
per platform and scaled to the catalogue: its calls per product are fixed by design.

Photos are 520 px JPEGs (Shopee wants 500) drawn with Pillow, each product's own photo
rendered by the real pipeline (``catalog.photos.render``); the label's renditions are
rendered once and the rows copied to the other products (same file, so same bytes and
hashes).

    .venv/bin/python bench/sync.py [--products N] [--platforms lazada,shopee,tiktok]
        [--latency-ms 20] [--rps 20] [--naive-products 100]
"""

from __future__ import annotations

import argparse
import logging
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

# The sandboxes' consent helpers live with the tests (tests/connectors/env_*.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import _sync_setup as setup
from _sync_count import Calls
from _sync_naive import list_naively
from flask import Flask

from marketplace import jobs
from marketplace.catalog.models import Category
from marketplace.catalog.models import Cooperative
from marketplace.extensions import db
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import runner

# Per platform: files per image upload call, calls per created item, calls once per sync
# (see the docstring for the sources).
UPLOAD_BATCH = {"lazada": 1, "shopee": 8, "tiktok": 1}
CREATE_CALLS = {"lazada": 1, "shopee": 2, "tiktok": 1}


@dataclass
class Result:
    platform: str
    products: int = 0
    images: int = 0
    categories: int = 0
    calls: int = 0
    seconds: float = 0.0
    refused: int = 0
    limiter_s: float = 0.0
    http_s: float = 0.0
    resync_calls: int = 0
    resync_writes: int = 0
    naive_sample: int = 0
    naive_calls: int = 0
    naive_seconds: float = 0.0
    naive_refused: int = 0
    by_path: dict[str, int] = field(default_factory=dict)

    def minimum(self) -> int:
        uploads = math.ceil(self.images / UPLOAD_BATCH[self.platform])
        once = 1 + self.categories if self.platform == "shopee" else 0
        return uploads + CREATE_CALLS[self.platform] * self.products + once

    def naive_scaled(self) -> tuple[int, float]:
        scale = self.products / max(1, self.naive_sample)
        return round(self.naive_calls * scale), self.naive_seconds * scale


def rate_bound(calls: int, rps: int, latency_s: float) -> float:
    """Sequential calls through a token bucket of ``rps`` holding ``rps`` (see above)."""
    if calls == 0:
        return 0.0
    return max(calls * latency_s, max(0, calls - rps) / rps + latency_s)


def _progress(label: str, started: float) -> None:
    """Print the sync's own progress reports, every tenth."""
    shown: set[int] = set()

    def report(done: int, total: int) -> None:
        tenth = done * 10 // max(1, total)
        if tenth not in shown and (tenth or done == total):
            shown.add(tenth)
            print(f"  {label}: {done}/{total} writes, {time.perf_counter() - started:.0f} s")

    jobs.report_progress = report  # type: ignore[assignment]


def run_platform(
    app: Flask, env: setup.PlatformEnv, ids: tuple[int, int], settings: setup.Settings
) -> Result:
    """Connect, sync, resync, then the naive way, counting every call."""
    result = Result(env.name)
    calls = Calls()
    with calls.installed(), app.app_context():
        cooperative = db.session.get_one(Cooperative, ids[0])
        shop_id = setup.connect(
            env, cooperative, db.session.get_one(Category, ids[1]), settings.rps
        )
        shop = setup.shop(shop_id)
        current = planning.make_plan(shop)
        products = setup.ready_products(ids[0])
        result.products = len(current.creates)
        result.images = len(
            {
                h
                for p in products
                if p.id in current.creates
                for h in planning.image_hashes(p, env.name)
            }
        )
        result.categories = len({p.category_id for p in products})
        db.session.remove()

        calls.clear()
        started = time.perf_counter()
        _progress(env.name, started)
        first = runner.run(setup.shop(shop_id))
        result.seconds = time.perf_counter() - started
        if first.failed:
            print(f"  {env.name}: {first.failed} writes failed (see the sync log)", flush=True)
        db.session.remove()
        result.calls, result.refused = calls.total(env.name), calls.refused[env.name]
        result.limiter_s, result.http_s = calls.limiter_seconds, calls.http_seconds
        result.by_path = calls.by_path(env.name)

        calls.clear()
        result.resync_writes = runner.run(setup.shop(shop_id)).done
        result.resync_calls = calls.total(env.name)
        db.session.remove()

        calls.clear()
        sample = setup.ready_products(ids[0])[: settings.naive_products]
        started = time.perf_counter()
        result.naive_sample = list_naively(setup.shop(shop_id), sample)
        result.naive_seconds = time.perf_counter() - started
        result.naive_calls, result.naive_refused = calls.total(env.name), calls.refused[env.name]
        db.session.remove()
    return result


def report(results: list[Result], settings: setup.Settings) -> None:
    """The table, where the time went, the calls by request, and the summary line."""
    latency = settings.latency_ms / 1000
    head = f"{'platform':<9}{'calls':>7}{'min':>7}{'×min':>6}{'naive*':>8}"
    head += f"{'wall s':>9}{'bound s':>9}{'×bound':>7}{'naive* s':>10}{'429s':>6}{'resync':>8}"
    print(head)
    for r in results:
        minimum, bound = r.minimum(), rate_bound(r.minimum(), settings.rps, latency)
        naive_calls, naive_s = r.naive_scaled()
        print(
            f"{r.platform:<9}{r.calls:>7}{minimum:>7}{r.calls / minimum:>6.2f}{naive_calls:>8}"
            f"{r.seconds:>9.1f}{bound:>9.1f}{r.seconds / bound:>7.2f}{naive_s:>10.1f}"
            f"{r.refused + r.naive_refused:>6}{f'{r.resync_calls}/{r.resync_writes}':>8}"
        )
    sample = results[0].naive_sample if results else 0
    print(
        f"* the naive way measured on the first {sample} products of each shop and scaled "
        f"to the catalogue; resync = calls/writes of a sync with nothing changed"
    )
    print("where the sync's time went (waiting for a token / for the sandbox / in our code):")
    for r in results:
        own = r.seconds - r.limiter_s - r.http_s
        per_call = own / max(1, r.calls) * 1000
        print(
            f"  {r.platform}: {r.limiter_s:.1f} s / {r.http_s:.1f} s / {own:.1f} s "
            f"({per_call:.1f} ms of our code per call)"
        )
    print("calls by request:")
    for r in results:
        print(f"  {r.platform}: " + ", ".join(f"{n} {path}" for path, n in r.by_path.items()))
    calls = sum(r.calls for r in results)
    minimum = sum(r.minimum() for r in results)
    naive = sum(r.naive_scaled()[0] for r in results)
    seconds = sum(r.seconds for r in results)
    bound = sum(rate_bound(r.minimum(), settings.rps, latency) for r in results)
    writes = sum(r.resync_writes for r in results)
    print(
        f"sync: {calls} calls (min {minimum}, naive {naive}), {seconds:.1f} s "
        f"(rate bound {bound:.1f}), resync writes {writes}"
    )


def parse() -> setup.Settings:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--platforms", default=",".join(setup.PLATFORMS))
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--rps", type=int, default=20)
    parser.add_argument("--naive-products", type=int, default=100)
    args = parser.parse_args()
    platforms = tuple(p for p in args.platforms.split(",") if p)
    unknown = set(platforms) - set(setup.PLATFORMS)
    if unknown or not platforms:
        parser.error(f"platforms are some of {', '.join(setup.PLATFORMS)}")
    if args.products < 1 or args.rps < 1 or args.latency_ms < 0 or args.naive_products < 0:
        parser.error("products and rps must be at least 1, latency and naive products not < 0")
    return setup.Settings(
        products=args.products,
        platforms=platforms,
        latency_ms=args.latency_ms,
        rps=args.rps,
        server_rps=round(args.rps * 1.2, 1),
        naive_products=min(args.naive_products, args.products),
    )


def main() -> None:
    settings = parse()
    print(
        f"{settings.products} products × {len(setup.VARIANTS)} variants, 2 photos each (one "
        f"shared); platforms: {', '.join(settings.platforms)}\n"
        f"sandbox latency {settings.latency_ms} ms per request; client limit {settings.rps} "
        f"req/s (holding {settings.rps}); sandbox limit {settings.server_rps} req/s"
    )
    with tempfile.TemporaryDirectory(prefix="bench-sync-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        logging.disable(logging.INFO)  # the migrations and the sandboxes log every step
        app = setup.make_app(folder)
        started = time.perf_counter()
        with app.app_context():
            cooperative, category = setup.catalogue(settings.products)
            ids = (cooperative.id, category.id)
            db.session.remove()
        print(f"catalogue ready in {time.perf_counter() - started:.1f} s")
        results = []
        with setup.sandboxes(folder, settings.platforms) as envs:
            for name in settings.platforms:
                setup.set_faults(envs[name], settings)
                results.append(run_platform(app, envs[name], ids, settings))
        setup.stop_redis(app)
        report(results, settings)


if __name__ == "__main__":
    main()
