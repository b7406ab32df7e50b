"""A real scheduler: Airflow's api-server, scheduler and dag-processor on this machine's PostgreSQL,
the DAG triggered through the REST API (v2, JWT from the SimpleAuthManager), then the production
topology of docker-compose.yml: CeleryExecutor with Redis as the broker and a Celery worker.

LocalExecutor: unpausing the DAG makes the scheduler start the latest hourly run at once; a
manual trigger while it runs must wait for it (max_active_runs=1), and both must succeed.
CeleryExecutor: the hourly schedule is switched off ([scheduler] use_job_schedule) so the one
run is the one triggered through the API.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_settings, mart_hashes, seed_raw
from tests.reliability.conftest import (
    DAG_ID,
    AirflowStack,
    Built,
    airflow_stack,
    group_alive,
    last_run,
    processes_with_env,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

STAGES = {"prepare", "land", "plan_parse", "parse_batch", "parse", "plan_extract", "extract_batch", "extract",
          "dbt_build", "validate", "publish"}
# A run that found nothing new maps no batch and skips publish: the file stays, and no Asset event is sent.
NOTHING_NEW = {**dict.fromkeys(STAGES, "success"), "parse_batch": "skipped", "extract_batch": "skipped",
               "publish": "skipped"}


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def trigger(stack: AirflowStack) -> str:
    run = stack.api("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", json={"logical_date": dt.datetime.now(dt.UTC).isoformat()})
    return str(run["dag_run_id"])


def wait_for_success(stack: AirflowStack, wanted: set[str], timeout: float = 600) -> list[dict[str, Any]]:
    def finished() -> list[dict[str, Any]] | None:
        runs = [r for r in stack.dag_runs() if r["dag_run_id"] in wanted]
        failed = [r for r in runs if r["state"] == "failed"]
        if failed:
            details = {r["dag_run_id"]: [(t["task_id"], t["state"]) for t in stack.task_instances(r["dag_run_id"])]
                       for r in failed}
            raise AssertionError(f"DAG runs failed: {details}\n{stack.logs()}")
        return runs if len(runs) == len(wanted) and all(r["state"] == "success" for r in runs) else None

    runs: list[dict[str, Any]] = stack.wait(finished, f"DAG runs {sorted(wanted)} to succeed", timeout)
    for run in runs:
        states = {t["task_id"]: t["state"] for t in stack.task_instances(str(run["dag_run_id"]))}
        assert states in (dict.fromkeys(STAGES, "success"), NOTHING_NEW), states
    return runs


def stopped_cleanly(stack: AirflowStack, pgids: list[int]) -> None:
    assert not any(group_alive(pgid) for pgid in pgids)
    assert processes_with_env(f"AIRFLOW_HOME={stack.home}") == []


def test_local_executor_on_postgres_serialises_a_manual_trigger_during_a_scheduled_run(
    tmp_path: Path, baseline: Built
) -> None:
    started = time.monotonic()
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    with airflow_stack(tmp_path, settings, executor="LocalExecutor") as stack:
        stack.wait(lambda: stack.api("GET", f"/api/v2/dags/{DAG_ID}"), "the DAG to be parsed", 180)
        stack.api("PATCH", f"/api/v2/dags/{DAG_ID}", json={"is_paused": False})
        scheduled = stack.wait(
            lambda: [r for r in stack.dag_runs() if r["run_type"] == "scheduled" and r["state"] == "running"],
            "the scheduled run to start", 120,
        )[0]
        manual = trigger(stack)  # while the scheduled run is running
        runs = wait_for_success(stack, {scheduled["dag_run_id"], manual})
        pgids = [p.pid for p in stack.procs.values()]

        first, second = sorted(runs, key=lambda r: _parse(str(r["start_date"])))
        assert first["dag_run_id"] == scheduled["dag_run_id"]
        assert _parse(str(second["start_date"])) >= _parse(str(first["end_date"])), runs  # one after the other
        # The published warehouse: the same marts as the in-process build of the same dumps.
        assert mart_hashes(settings.warehouse) == baseline.hashes
        last = last_run(settings)
        assert last["status"] == "published"
        assert last["stages"]["land"]["landed"] == 0  # the second run started from the first one's publication
        if len(stack.dag_runs()) == 2:  # (past the hour, the scheduler may have started another run)
            assert not list(settings.work_dir.iterdir())  # no working copy left behind
    stopped_cleanly(stack, pgids)
    print(f"LocalExecutor + PostgreSQL: {time.monotonic() - started:.0f} s")


def test_celery_executor_with_redis_and_postgres(tmp_path: Path, baseline: Built) -> None:
    started = time.monotonic()
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    with airflow_stack(tmp_path, settings, executor="CeleryExecutor", schedule=False) as stack:
        stack.wait(lambda: stack.api("GET", f"/api/v2/dags/{DAG_ID}"), "the DAG to be parsed", 180)
        stack.api("PATCH", f"/api/v2/dags/{DAG_ID}", json={"is_paused": False})
        run_id = trigger(stack)
        wait_for_success(stack, {run_id})
        pgids = [p.pid for p in stack.procs.values()]
        assert len(stack.dag_runs()) == 1
        assert mart_hashes(settings.warehouse) == baseline.hashes
        last = last_run(settings)
        assert last["status"] == "published" and last["stages"]["land"]["landed"] == 3
        assert "celery-worker" in stack.procs
        worker_log = (stack.home / "celery-worker.log").read_text(errors="replace")
        assert "Executing workload in Celery" in worker_log  # the tasks really ran on the Celery worker
    stopped_cleanly(stack, pgids)
    print(f"CeleryExecutor + Redis + PostgreSQL: {time.monotonic() - started:.0f} s")
