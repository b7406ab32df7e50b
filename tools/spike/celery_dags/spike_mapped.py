"""Spike (issue 14): a dynamically mapped task over batches, each appending its own rows to a DuckLake,
then one merge task; run by tools/spike/celery_spike.sh on two Celery workers."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

from airflow.sdk import dag, task

SPIKE_DIR = Path(__file__).resolve().parents[1]
BATCHES = 8


def _lake() -> Any:
    sys.path.insert(0, str(SPIKE_DIR))
    from lake_ext import attach_lake, connect_offline

    con = connect_offline()
    attach_lake(con, os.environ["STEPPE_LAKE_DBNAME"], Path(os.environ["STEPPE_LAKE_DATA_PATH"]))
    return con


@dag(schedule=None, start_date=dt.datetime(2026, 1, 1), catchup=False, max_active_runs=1, tags=["spike"])
def spike_mapped() -> None:
    @task
    def list_batches() -> list[int]:
        # The table exists before the batches run: two workers creating it at once would conflict.
        con = _lake()
        con.execute("CREATE SCHEMA IF NOT EXISTS lake.spike")
        con.execute("CREATE OR REPLACE TABLE lake.spike.batches (batch INTEGER, worker VARCHAR, row_no INTEGER)")
        return list(range(BATCHES))

    @task
    def work(batch: int) -> dict[str, Any]:
        started = time.monotonic()
        con = _lake()
        worker = os.environ.get("STEPPE_SPIKE_WORKER", "none")
        con.execute("INSERT INTO lake.spike.batches SELECT ?, ?, range FROM range(100)", [batch, worker])
        time.sleep(2)  # holds the slot long enough for the other worker to take the next batch
        return {"batch": batch, "worker": worker, "pid": os.getpid(), "seconds": round(time.monotonic() - started, 2)}

    @task
    def merge(results: list[dict[str, Any]]) -> dict[str, int]:
        by_worker: dict[str, int] = {}
        for result in results:
            by_worker[result["worker"]] = by_worker.get(result["worker"], 0) + 1
        print("batches per worker:", by_worker)
        rows = _lake().execute("SELECT worker, count(*) FROM lake.spike.batches GROUP BY 1 ORDER BY 1").fetchall()
        print("rows in lake.spike.batches per worker:", rows)
        return by_worker

    merge(work.expand(batch=list_batches()))


spike_mapped()
