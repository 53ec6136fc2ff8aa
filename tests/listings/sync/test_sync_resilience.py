"""The sync against trouble, with real ``flask rq worker`` processes, real Redis and the
sandboxes over HTTP: workers SIGKILLed mid-sync, lost answers, rate-limit storms, 5xx
bursts, a token expiring mid-run, and two workers on one shop.

The twenty-kill loop runs on Lazada: a create is one call there and price/stock goes in
real batches of 20 SKUs, so a few hundred products sync in seconds and a kill can land
between two batches; the cheaper checks run on all three platforms.
"""

from __future__ import annotations

import importlib
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog.models import ProductStatus
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.listings.models import Listing
from marketplace.listings.models import ListingStatus
from marketplace.listings.sync import plan as planning
from marketplace.listings.sync import runner
from marketplace.listings.sync import tasks
from marketplace.shops.models import Shop
from tests.conftest import make_app
from tests.connectors.harness import serve
from tests.databases import fresh_database
from tests.databases import redis_url_for
from tests.listings.sync.resilience import Trap
from tests.listings.sync.resilience import Tripwire
from tests.listings.sync.resilience import Worker
from tests.listings.sync.resilience import expire_access_tokens
from tests.listings.sync.resilience import wait_for
from tests.listings.sync.resilience import worker_env
from tests.listings.sync.sync_stage import Stage
from tests.listings.sync.sync_stage import assert_converged
from tests.listings.sync.sync_stage import change_catalogue
from tests.listings.sync.sync_stage import connect_shop
from tests.listings.sync.sync_stage import manager_client
from tests.listings.sync.sync_stage import sync_events

pytestmark = pytest.mark.worker
PLATFORMS = ["lazada", "shopee", "tiktok"]
LEASE = 1.5  # seconds; production's default is 60
KILL_PRODUCTS = 200
KILLS = 20
SEED = int(os.environ.get("SYNC_KILL_SEED", "20261201"))


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, redis_base_url: str
) -> tuple[Flask, dict[str, str], Path]:
    """The app, its database and Redis, and the environment its worker processes get."""
    instance = tmp_path_factory.mktemp("resilience")
    db_url, redis_url = fresh_database(instance, "resilience"), redis_url_for(redis_base_url, 2)
    # Job liveness on the same short clock as the shop's lease.
    times = {"SYNC_LOCK_SECONDS": LEASE, "JOB_HEARTBEAT_SECONDS": LEASE, "JOB_GRACE_SECONDS": 0}
    app = make_app(db_url, redis_url, instance, **times)
    return app, worker_env(app, db_url, redis_url, instance, LEASE), instance


def _stage(
    world: tuple[Flask, dict[str, str], Path], tmp_path: Path, name: str, products: int
) -> Iterator[Stage]:
    app, env_vars, _ = world
    sandbox = importlib.import_module(f"marketplace.sandbox.{name}")
    state = tmp_path / f"{name}.db"
    wire = Tripwire(sandbox.create_app(str(state)))
    with serve(wire) as url:
        env = importlib.import_module(f"tests.connectors.env_{name}").build_env(url)
        with app.app_context():
            shop_id = connect_shop(env, products)
            db.session.remove()
        stage = Stage(app, env, wire, state, shop_id, env_vars, tmp_path, LEASE)
        try:
            yield stage
        finally:
            for worker in stage.workers:
                worker.kill()


@pytest.fixture
def lazada(world: tuple[Flask, dict[str, str], Path], tmp_path: Path) -> Iterator[Stage]:
    yield from _stage(world, tmp_path, "lazada", 8)


@pytest.fixture(params=PLATFORMS, ids=PLATFORMS)
def stage(
    request: pytest.FixtureRequest, world: tuple[Flask, dict[str, str], Path], tmp_path: Path
) -> Iterator[Stage]:
    yield from _stage(world, tmp_path, request.param, 6)


@pytest.fixture
def big(world: tuple[Flask, dict[str, str], Path], tmp_path: Path) -> Iterator[Stage]:
    yield from _stage(world, tmp_path, "lazada", KILL_PRODUCTS)


KillPoint = tuple[str, str, int] | float


def pick_kill_point(stage: Stage, rng: random.Random) -> KillPoint:
    """Somewhere in what this run has to do: (request path, before the platform handles it
    or after it did and before the worker reads the answer, how many such requests to let
    through first), or a delay after the run starts."""
    with stage.app.app_context():
        plan = planning.make_plan(db.session.get_one(Shop, stage.shop_id))
        pending = db.session.scalar(
            select(func.count(Listing.id)).where(
                Listing.shop_id == stage.shop_id, Listing.status == ListingStatus.PENDING
            )
        )
        db.session.remove()
    if plan.creates:
        choices: list[KillPoint] = [
            ("/product/create", "before", rng.randint(8, 30)),  # pending row committed, no call
            ("/product/create", "after", rng.randint(8, 30)),  # created; the answer is lost
            rng.uniform(0.3, 1.2),
        ]
        if pending:  # a resumed create first looks its SKU up
            choices.append(("/products/get", "after", rng.randint(0, 1)))
        return rng.choice(choices)
    choices = []  # the rest of a run takes a fraction of a second: aim at its requests
    if plan.updates or plan.relists:  # content updates and relists both end in /product/update
        last = len(plan.updates + plan.relists) - 1
        choices.append(("/product/update", "after", rng.randint(0, last)))
    if plan.price_stock:  # batches of 20 SKUs: between two of them, or one done unrecorded
        last = (len(plan.price_stock) - 1) // 20
        choices.append(("/product/price_quantity/update", "before", rng.randint(0, last)))
        choices.append(("/product/price_quantity/update", "after", rng.randint(0, last)))
    if plan.delists:
        choices.append(("/product/deactivate", "after", rng.randint(0, len(plan.delists) - 1)))
    return rng.choice(choices) if choices else 0.0


def kill_during_run(stage: Stage, point: KillPoint, worker: Worker, hard: bool) -> bool:
    """Let the queued sync run until the kill point; True if the kill landed before it ended.

    Nothing here waits on the database while the sync runs: on SQLite the worker's
    back-to-back write transactions can keep a reader waiting until the run is over.
    """
    kill = worker.kill if hard else worker.kill_horse
    if isinstance(point, float):
        calls = stage.wire.total()
        wait_for("the sync to call the platform", lambda: stage.wire.total() > calls)
        time.sleep(point)
        if worker.horse() is None:
            return False
        kill()
        return stage.record().status not in jobs.TERMINAL  # not too late
    path, when, skip = point
    trap = stage.wire.arm(Trap(path, when, kill, skip=skip))
    try:
        wait_for(
            "the kill or the end of the sync",
            lambda: (
                trap.fired or (worker.horse() is None and stage.record().status in jobs.TERMINAL)
            ),
        )
    finally:
        stage.wire.disarm()
    return trap.fired


class TestKilledWorkers:
    def test_twenty_sigkills_mid_sync_then_it_converges(
        self, big: Stage, record_property: Callable[[str, object], None]
    ) -> None:
        rng = random.Random(SEED)
        worker = big.start_worker()
        kills: Counter[str] = Counter()
        takeover: list[float] = []
        rounds = 0
        started = time.monotonic()
        while sum(kills.values()) < KILLS:
            rounds += 1
            assert rounds <= 2 * KILLS, f"only {kills} kills landed in {rounds} rounds"
            if rounds > 1:
                change_catalogue(big, rng)
            point = pick_kill_point(big, rng)
            takeover.append(big.apply())
            hard = rng.random() < 0.25  # the whole worker, as when its host dies
            landed = kill_during_run(big, point, worker, hard)
            if landed:
                where = f"{point[0]} {point[1]}" if isinstance(point, tuple) else "at random"
                kills[f"{'worker' if hard else 'horse'} {where}"] += 1
            if worker.proc is None or worker.proc.poll() is not None:
                worker = big.start_worker()
        kill_loop = time.monotonic() - started
        takeover.append(big.apply())
        record = big.wait_ended()
        assert (record.status, record.message) == (jobs.FINISHED, "Sync finished."), (
            worker.log_tail()
        )
        states = assert_converged(big)
        assert states["live"] > 0
        assert states["delisted"] > 0
        creates = len(sync_events(big, "create")) + len(sync_events(big, "link"))
        assert creates == KILL_PRODUCTS - states.get("never listed", 0)  # each made once
        summary = {
            "seed": SEED,
            "rounds": rounds,
            "kills": dict(kills),
            "kill_loop_seconds": round(kill_loop, 1),
            "slowest_takeover_seconds": round(max(takeover), 2),
            "final": states,
        }
        record_property("sigkills", summary)
        print(summary)

    @pytest.mark.parametrize("when", ["before", "after"])
    def test_a_product_archived_while_its_create_was_cut_short_is_not_left_live(
        self, lazada: Stage, when: str
    ) -> None:
        worker = lazada.start_worker()
        trap = lazada.wire.arm(Trap("/product/create", when, worker.kill_horse, skip=2))
        lazada.apply()
        wait_for("the kill", lambda: trap.fired)
        with lazada.app.app_context():
            pending = db.session.scalars(
                select(Listing).where(
                    Listing.shop_id == lazada.shop_id, Listing.status == ListingStatus.PENDING
                )
            ).one()
            pending.product.status = ProductStatus.ARCHIVED
            db.session.commit()
            db.session.remove()
        assert sync_once(lazada).message == "Sync finished."
        states = assert_converged(lazada)
        assert states == {"live": 7, "delisted" if when == "after" else "never listed": 1}

    def test_the_cron_resumes_a_sync_whose_whole_worker_died(self, lazada: Stage) -> None:
        worker = lazada.start_worker()
        trap = lazada.wire.arm(Trap("/product/create", "after", worker.kill, skip=2))
        lazada.apply()
        wait_for("the kill", lambda: trap.fired)
        assert lazada.record().status == jobs.STARTED  # RQ and our record still believe it
        lazada.start_worker()
        started = time.monotonic()

        def cron_requeued() -> bool:
            with lazada.app.app_context():
                tasks.sync_all_shops()  # what `flask rq cron` runs every ten minutes
                status = db.session.get_one(
                    jobs.JobRecord, tasks.sync_shop.job_id(shop_id=lazada.shop_id)
                )
                queued = status.status == jobs.QUEUED
                db.session.remove()
            return queued

        wait_for("the cron to queue the sync again", cron_requeued, 3 * LEASE, every=0.2)
        assert time.monotonic() - started <= LEASE + 3  # once the dead lease lapsed
        assert lazada.wait_ended().status == jobs.FINISHED
        assert_converged(lazada)
        assert len(sync_events(lazada, "link")) == 1  # the third create, made as it died

    def test_requeue_stalled_resumes_a_sync_whose_horse_was_killed(self, lazada: Stage) -> None:
        worker = lazada.start_worker()
        trap = lazada.wire.arm(Trap("/product/create", "before", worker.kill_horse, skip=4))
        lazada.apply()
        wait_for("the kill", lambda: trap.fired)
        client = manager_client(lazada)
        state = wait_for(
            "RQ to see the horse die",
            lambda: (
                (
                    s := client.get(
                        f"/jobs/{tasks.sync_shop.job_id(shop_id=lazada.shop_id)}"
                    ).get_json()
                )
                and s["status"] == "failed"
                and s
            ),
        )
        assert state["progress"] < 100
        with lazada.app.app_context():
            assert jobs.requeue_stalled() >= 1  # the cron, every minute
            db.session.remove()
        assert lazada.wait_ended().status == jobs.FINISHED
        assert_converged(lazada)
        assert len(sync_events(lazada, "create")) == 8

    def test_apply_after_a_kill_starts_a_new_sync_at_once(self, lazada: Stage) -> None:
        worker = lazada.start_worker()
        trap = lazada.wire.arm(Trap("/product/create", "after", worker.kill_horse, skip=1))
        lazada.apply()
        wait_for("the kill", lambda: trap.fired)
        client = manager_client(lazada)
        wait_for(
            "RQ to see the horse die",
            lambda: (
                lazada.record().status == jobs.STARTED
                and client.get(f"/jobs/{lazada.record().id}").get_json()["status"] == "failed"
            ),
        )
        page = client.post(f"/shops/{lazada.shop_id}/sync").get_data(as_text=True)
        assert f'data-job-url="/jobs/{tasks.sync_shop.job_id(shop_id=lazada.shop_id)}"' in page
        assert "Đang chờ xử lý…" in page
        assert lazada.record().status == jobs.QUEUED  # a fresh sync, not the dead one joined
        record = lazada.wait_ended()
        assert (record.status, record.message) == (jobs.FINISHED, "Sync finished.")
        assert_converged(lazada)


CREATE = {"lazada": "/product/create", "shopee": "/product/add_item", "tiktok": "/202309/products"}
REFRESH = {
    "lazada": "/auth/token/refresh",
    "shopee": "/auth/access_token/get",
    "tiktok": "/token/refresh",
}


def faults(stage: Stage, **values: object) -> Callable[[], object]:
    """An action that sets the sandbox's faults (fired by a trap from inside a run)."""
    return lambda: stage.env.control("faults", dict(values))


def sync_once(stage: Stage) -> jobs.JobRecord:
    stage.apply()
    return stage.wait_ended()


class TestLostAnswers:
    def test_lost_create_answers_make_no_duplicate(self, stage: Stage) -> None:
        """The platform creates an item and its answer is lost: the HTTP client's retry
        adopts the item. Then once more, with every retry meeting a 5xx burst: that step
        fails and is logged, and the next run finds the item by its SKU and links it."""
        create = CREATE[stage.env.name]
        lose = faults(stage, lose_response_next_writes=1)
        traps = [
            Trap(create, "through", lose, skip=1),  # 2nd product: lost, adopted on retry
            Trap(create, "through", lose, skip=3),  # 3rd product: lost…
            Trap(create, "through", faults(stage, error_share=1.0), skip=4),  # …retries fail
            Trap(create, "after", faults(stage, error_share=0.0), skip=6),  # (the last one)
        ]
        for trap in traps:
            stage.wire.arm(trap)
        stage.start_worker()
        first = sync_once(stage)
        assert all(trap.fired for trap in traps)
        assert (stage.wire.statuses[502], stage.wire.statuses[503]) == (2, 3)
        failed = sync_events(stage, "create", "failed")
        assert (first.status, len(failed)) == (jobs.FINISHED, 1), first.message
        assert first.message == ("Sync finished; some writes failed and are tried again next time.")
        assert failed[0].message.startswith("Không liên lạc được với sàn")
        assert sync_once(stage).message == "Sync finished."
        assert_converged(stage)
        assert len(sync_events(stage, "link")) == 1
        assert len(sync_events(stage, "create")) == 5


class TestTransientTrouble:
    def test_through_a_rate_limit_storm_a_5xx_burst_and_an_expired_token_it_finishes(
        self, stage: Stage
    ) -> None:
        """One run meets a storm of rate-limit answers and a burst of 5xx answers (both
        ridden out by the HTTP client's backoff), and its access token expiring (refreshed
        by ``services.call`` under the refresh lock, from the worker, under the shop lease)."""
        with stage.app.app_context():
            token = db.session.get_one(Shop, stage.shop_id).access_token
            db.session.remove()
        create = CREATE[stage.env.name]
        # Create requests, retries included: 1-4 the first product's (three rate-limited),
        # 5-6 the second's (its token expired on the way), 7-9 the third's (two 5xx first).
        traps = [
            Trap(create, "through", faults(stage, rate_limit_next=3)),
            Trap(create, "through", lambda: expire_access_tokens(stage.state), skip=4),
            Trap(create, "through", faults(stage, error_share=1.0), skip=6),
            Trap(create, "after", faults(stage, error_share=0.0), skip=7),
        ]
        for trap in traps:
            stage.wire.arm(trap)
        stage.start_worker()
        record = sync_once(stage)
        assert all(trap.fired for trap in traps)
        assert stage.env.control("faults")["rate_limit_next"] == 0  # the storm was spent
        assert stage.wire.statuses[503] == 2
        assert stage.wire.count(REFRESH[stage.env.name]) == 1
        assert (record.status, record.message) == (jobs.FINISHED, "Sync finished.")
        assert stage.wire.count(create) == 12  # six products, six retried requests
        with stage.app.app_context():
            assert db.session.get_one(Shop, stage.shop_id).access_token != token
            db.session.remove()
        assert_converged(stage)


class TestRetriesExhausted:
    def test_a_platform_that_stops_answering_stops_the_sync_cleanly(self, lazada: Stage) -> None:
        lazada.wire.arm(Trap("/product/create", "through", faults(lazada, error_share=1.0), skip=2))
        lazada.start_worker()
        record = sync_once(lazada)
        assert (record.status, record.message) == (jobs.FAILED, runner.UNREACHABLE)
        failed = sync_events(lazada, "create", "failed")
        assert len(failed) == runner.STOP_AFTER_FAILURES
        assert all(e.message == "Không liên lạc được với sàn: HTTP 503" for e in failed)
        state = manager_client(lazada).get(f"/jobs/{record.id}").get_json()
        assert (state["status"], state["message"]) == (
            "failed",
            "Sàn không trả lời nên việc đồng bộ đã dừng. Lần đồng bộ sau sẽ tiếp tục từ đây.",
        )
        with lazada.app.app_context():
            statuses = Counter(
                db.session.scalars(select(Listing.status).where(Listing.shop_id == lazada.shop_id))
            )
            db.session.remove()
        assert statuses == {ListingStatus.LIVE: 2, ListingStatus.PENDING: 3}  # nothing else
        lazada.env.control("faults", {"error_share": 0.0})
        assert sync_once(lazada).message == "Sync finished."
        assert_converged(lazada)
        assert len(sync_events(lazada, "create")) + len(sync_events(lazada, "link")) == 8


class TestTwoWorkers:
    def test_two_workers_on_one_shop_push_nothing_twice(self, lazada: Stage) -> None:
        """The same sync delivered twice (a requeue racing the first run) to two idle
        workers: one syncs, the other waits for the shop, then skips or finds it done."""
        lazada.env.control("faults", {"latency_ms": 250})  # a run longer than the wait
        both = [lazada.start_worker(), lazada.start_worker()]
        wait_for("two idle workers", lambda: all("Listening on" in w.log_tail() for w in both))
        job_id = tasks.sync_shop.job_id(shop_id=lazada.shop_id)
        with lazada.app.app_context():
            tasks.enqueue_sync(db.session.get_one(Shop, lazada.shop_id), None)
            db.session.commit()
            rq.get_queue(jobs.SYNC).enqueue(tasks.sync_shop, job_id, lazada.shop_id, job_id=job_id)
            db.session.remove()
        done = f"Job OK ({job_id})"
        wait_for("both workers to run it", lambda: all(done in w.log_tail() for w in both))
        record = lazada.wait_ended()
        assert (record.status, record.message) == (jobs.FINISHED, "Sync finished.")
        assert lazada.wire.count("/product/create") == 8  # each product pushed once
        assert len(sync_events(lazada, "create")) == 8
        logs = "".join(w.log_tail(100_000) for w in both)
        assert "skipped: another sync holds the shop" in logs or "already ended" in logs
        lazada.env.control("faults", {"latency_ms": 0})
        assert_converged(lazada)
