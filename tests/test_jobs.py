"""Jobs: recorded in the transaction, pushed to RQ only after commit, followed as JSON,
and the export run end to end by a real ``flask rq worker`` process on the real Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.job import JobStatus
from sqlalchemy import select

from marketplace import jobs
from marketplace.catalog import tasks
from marketplace.common.models import utcnow
from marketplace.extensions import db
from marketplace.extensions import rq
from marketplace.jobs.liveness import heartbeat
from marketplace.sales import tasks as sales_tasks
from tests import factories
from tests.conftest import make_app
from tests.databases import fresh_database
from tests.databases import redis_url_for

ROOT = Path(__file__).resolve().parent.parent


def queued_ids(app: Any) -> list[str]:
    with app.app_context():
        return rq.get_queue(jobs.DEFAULT).get_job_ids()


class TestEnqueueAfterCommit:
    def test_nothing_reaches_redis_before_commit_or_after_rollback(
        self, app: Any, cooperative: Any
    ) -> None:
        record = tasks.export_catalog.enqueue(
            cooperative_id=cooperative.id,
            for_cooperative=cooperative.id,
        )
        assert record.id not in queued_ids(app)
        db.session.rollback()
        assert record.id not in queued_ids(app)

    def test_commit_pushes_the_job_with_its_record_id_first(
        self, app: Any, cooperative: Any
    ) -> None:
        record = tasks.export_catalog.enqueue(
            cooperative_id=cooperative.id,
            for_cooperative=cooperative.id,
        )
        db.session.commit()
        assert record.id in queued_ids(app)
        with app.app_context():
            job = Job.fetch(record.id, connection=rq.get_queue().connection)
        assert (job.args, job.kwargs) == ((record.id,), {"cooperative_id": cooperative.id})
        assert job.func_name == "marketplace.catalog.tasks.export_catalog"

    def test_deterministic_id_does_not_duplicate_a_live_job(self, cooperative: Any) -> None:
        first = sales_tasks.pull_shop_orders.enqueue(shop_id=4242)
        second = sales_tasks.pull_shop_orders.enqueue(shop_id=4242)
        assert first is second
        assert first.id == "pull-orders-4242"
        assert sales_tasks.pull_shop_orders.enqueue(shop_id=4243) is not first

    def test_unknown_queue_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown queue"):
            jobs.Job(
                lambda job_id: None, kind="x", queue="nope", id=None, requeue=False, timeout=None
            ).enqueue()

    def test_arguments_must_be_the_job_functions_own(self) -> None:
        with pytest.raises(TypeError, match=r"order_pull takes \['shop_id'\], got \['shop'\]"):
            sales_tasks.pull_shop_orders.enqueue(shop=1)
        with pytest.raises(TypeError, match="order_pull takes"):
            sales_tasks.pull_shop_orders.enqueue()
        assert db.session.scalars(select(jobs.JobRecord)).all() == []

    def test_a_kind_is_declared_once(self) -> None:
        with pytest.raises(ValueError, match="'order_pull' declared twice"):
            jobs.job(kind="order_pull")(lambda job_id: None)
        assert jobs.JOBS["order_pull"] is sales_tasks.pull_shop_orders


class TestSchedule:
    """The cron's schedule is read from the ``@jobs.periodic`` declarations."""

    def test_every_periodic_function_is_on_the_cron_once(self, app: Any) -> None:
        names = {f"{p.func.__module__}.{p.func.__name__}" for p in jobs.SCHEDULE}
        assert {
            "marketplace.catalog.tasks.purge_old_exports",
            "marketplace.jobs.declare.requeue_stalled",
            "marketplace.listings.sync.tasks.sync_all_shops",
            "marketplace.listings.sync.tasks.reconcile_all_shops",
            "marketplace.sales.tasks.pull_all_orders",
            "marketplace.sales.tasks.purge_old_pushes",
            "marketplace.shops.tasks.refresh_expiring_tokens",
        } <= names
        registered = [entry["func"] for entry in rq._cron_job_data]
        assert sorted(map(id, registered)) == sorted(id(p.func) for p in jobs.SCHEDULE)

    def test_the_app_is_built_without_the_process_entry_points(self, tmp_path: Path) -> None:
        script = (
            "import sys; from marketplace import create_app; create_app(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'workers'))"
        )
        env = {**os.environ, "MARKETPLACE_INSTANCE": str(tmp_path), "SANDBOX": "0"}
        env.pop("REDIS_URL", None)
        env["REDIS_URL"] = f"unix://{tmp_path}/none.sock"  # never connected to by create_app
        out = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert out.stdout.strip().splitlines()[-1] == "[]"


class TestJobEndpoint:
    def test_state_shape_and_cancel(
        self, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        auth.login_as(manager)
        response = client.post("/products/export", headers={"Accept": "application/json"})
        assert response.status_code == 202
        job_id = response.get_json()["id"]
        state = client.get(f"/jobs/{job_id}").get_json()
        assert set(state) == {
            "id",
            "kind",
            "status",
            "progress",
            "message",
            "download_url",
            "created_at",
            "updated_at",
        }
        assert (state["status"], state["progress"], state["download_url"]) == ("queued", 0, None)
        assert client.delete(f"/jobs/{job_id}").get_json()["status"] == "canceled"
        # A canceled job that a worker picks up anyway does nothing.
        assert tasks.export_catalog(job_id, cooperative.id) is None

    def test_export_task_writes_the_workbook(
        self, app: Any, client: Any, auth: Any, manager: Any, cooperative: Any
    ) -> None:
        factories.ProductFactory(
            cooperative=cooperative,
            name="Xoài Yên Châu",
            variants=[{"sku": "XOAI-1KG", "price": 65_000}, {"sku": "XOAI-2KG", "price": 120_000}],
        )
        record = tasks.export_catalog.enqueue(
            cooperative_id=cooperative.id,
            for_cooperative=cooperative.id,
            by_user=manager.id,
        )
        tasks.export_catalog(record.id, cooperative.id)
        assert record.status == "finished"
        assert record.progress == 100
        sheet = load_workbook(Path(app.config["EXPORT_DIR"]) / record.result_file).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Tên sản phẩm"
        assert [(r[0], r[7], r[9]) for r in rows[1:]] == [
            ("Xoài Yên Châu", "XOAI-1KG", 65_000),
            ("Xoài Yên Châu", "XOAI-2KG", 120_000),
        ]
        auth.login_as(manager)
        download = client.get(f"/jobs/{record.id}/download")
        assert download.status_code == 200
        assert download.data[:2] == b"PK"  # an XLSX is a zip file

    def test_failure_leaves_a_terminal_state(self, cooperative: Any) -> None:
        record = tasks.export_catalog.enqueue(cooperative_id=999_999)
        with pytest.raises(LookupError):
            tasks.export_catalog(record.id, 999_999)
        assert record.status == "failed"
        assert record.message


@pytest.mark.worker
class TestRealWorker:
    """The export job, enqueued by the web app, run by ``flask rq worker`` in another process."""

    def test_export_through_a_real_worker(self, tmp_path: Path, redis_base_url: str) -> None:
        db_url = fresh_database(tmp_path, "worker")
        redis_url = redis_url_for(redis_base_url, 1)
        app = make_app(db_url, redis_url, tmp_path)
        with app.app_context():
            factories.bind(db.session)
            cooperative = factories.CooperativeFactory()
            manager = factories.member(cooperative)
            for n in range(12):
                factories.ProductFactory(cooperative=cooperative, name=f"Chè {n}")
            record = tasks.export_catalog.enqueue(
                cooperative_id=cooperative.id,
                for_cooperative=cooperative.id,
                by_user=manager.id,
            )
            job_id, email = record.id, manager.email
            db.session.commit()

        env = os.environ | {
            "DATABASE_URL": db_url,
            "REDIS_URL": redis_url,
            "MARKETPLACE_INSTANCE": str(tmp_path),
            "FLASK_APP": "wsgi",
        }
        worker = subprocess.run(
            [sys.executable, "-m", "flask", "rq", "worker", "--burst", "default"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert worker.returncode == 0, worker.stderr[-2000:]

        with app.app_context():
            record = db.session.scalars(
                select(jobs.JobRecord).where(jobs.JobRecord.id == job_id)
            ).one()
            assert (record.status, record.progress) == ("finished", 100), worker.stderr[-2000:]
            job = Job.fetch(job_id, connection=rq.get_queue().connection)
            assert job.meta["progress"] == 100
            assert job.return_value() == "12 rows"
            sheet = load_workbook(tmp_path / "exports" / record.result_file).active
            assert sheet.max_row == 13
            client = app.test_client()
            client.post("/login", data={"email": email, "password": factories.PASSWORD})
            state = client.get(f"/jobs/{job_id}").get_json()
            assert state["status"] == "finished"
            assert client.get(state["download_url"]).status_code == 200
            db.session.remove()


class TestRequeueStalled:
    """The minute's cron: jobs Redis lost are pushed again, dead started ones run again."""

    def _record(
        self, job_id: str, status: str, kind: str = "shop_sync", queue: str = jobs.SYNC
    ) -> jobs.JobRecord:
        long_ago = utcnow() - timedelta(hours=1)
        record = jobs.JobRecord(
            id=job_id,
            kind=kind,
            queue=queue,
            args=json.dumps({"shop_id": int(job_id.rsplit("-", 1)[1])}),
            status=status,
            created_at=long_ago,
            updated_at=long_ago,
        )
        db.session.add(record)
        db.session.flush()
        return record

    def test_a_queued_shop_sync_redis_lost_is_pushed_again(self, app: Any) -> None:
        self._record("sync-shop-424201", jobs.QUEUED)
        assert jobs.requeue_stalled() == 1
        with app.app_context():
            job = Job.fetch("sync-shop-424201", connection=rq.get_queue().connection)
        assert job.func_name == "marketplace.listings.sync.tasks.sync_shop"
        assert (job.args, job.kwargs) == (("sync-shop-424201",), {"shop_id": 424201})
        assert job.timeout == 3 * 3600  # not RQ's 180 s

    def test_a_queued_order_pull_redis_lost_is_pushed_again(self, app: Any) -> None:
        self._record("pull-orders-424204", jobs.QUEUED, "order_pull", jobs.SALES)
        assert jobs.requeue_stalled() == 1
        with app.app_context():
            job = Job.fetch("pull-orders-424204", connection=rq.get_queue().connection)
            assert job.origin == jobs.SALES
        assert job.func_name == "marketplace.sales.tasks.pull_shop_orders"
        assert job.kwargs == {"shop_id": 424204}

    def test_a_record_without_arguments_or_of_an_unknown_kind_is_left(self, app: Any) -> None:
        self._record("sync-shop-424205", jobs.QUEUED).args = None
        self._record("gone-424206", jobs.QUEUED, "no_such_kind")
        assert jobs.requeue_stalled() == 0
        with app.app_context():
            for job_id in ("sync-shop-424205", "gone-424206"):
                with pytest.raises(NoSuchJobError):
                    Job.fetch(job_id, connection=rq.get_queue().connection)
        assert db.session.get(jobs.JobRecord, "sync-shop-424205").status == jobs.QUEUED

    def test_a_started_job_rq_gave_up_on_runs_again_and_a_live_one_is_left(self, app: Any) -> None:
        dead = self._record("sync-shop-424202", jobs.STARTED)
        live = self._record("sync-shop-424203", jobs.STARTED)
        with app.app_context():
            queue = rq.get_queue(jobs.SYNC)
            for record, status in ((dead, JobStatus.FAILED), (live, JobStatus.STARTED)):
                queue.enqueue("marketplace.listings.sync.tasks.sync_shop", job_id=record.id)
                Job.fetch(record.id, connection=queue.connection).set_status(status)
            # The live one's worker renews its heartbeat; the dead one's lapsed.
            alive = heartbeat(live.id)
            assert alive.acquire()
        try:
            assert jobs.requeue_stalled() == 1
        finally:
            alive.release()
        fresh = db.session.get(jobs.JobRecord, "sync-shop-424202")
        assert fresh is not None
        assert (fresh.status, fresh.kind, fresh.queue) == (jobs.QUEUED, "shop_sync", "sync")
        assert db.session.get(jobs.JobRecord, "sync-shop-424203").status == jobs.STARTED
        with app.app_context():
            job = Job.fetch("sync-shop-424202", connection=rq.get_queue().connection)
            assert job.get_status() == JobStatus.QUEUED


class TestDeclaredJobsPickle:
    def test_a_declared_job_handed_to_rq_directly_pickles_by_reference(self) -> None:
        import pickle

        from marketplace.listings.sync import tasks as sync_tasks

        data = pickle.dumps(sync_tasks.sync_shop)
        assert pickle.loads(data) is sync_tasks.sync_shop  # noqa: S301 - our own bytes
