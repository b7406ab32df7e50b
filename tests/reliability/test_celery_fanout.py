"""Fan-out across Airflow workers (issue 14, point 2): CeleryExecutor, Redis, PostgreSQL and two Celery
workers, the DAG building a DuckLake warehouse from the development corpus with parse and extract
mapped over batches. Its marts must equal the single-file build's, and both workers must have run
mapped tasks (each worker names the task instances it runs `<host>/w<n>`: see worker_hostname.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from steppe.pipeline import run_pipeline
from steppe.readers import open_lake
from steppe.settings import Settings
from tests.conftest import BUNDLED_RAW, CORPUS_PAGES, age, make_settings, table_hashes
from tests.reliability.conftest import DAG_ID, airflow_stack, last_run, postgres_database

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

BATCH_SIZE = 40  # 165 dumps: 5 parse batches; the corpus's article contents: more extract batches
MAPPED = ("parse_batch", "extract_batch")


def corpus_raw(folder: Path) -> Path:
    folder.mkdir()
    for page in [*CORPUS_PAGES.glob("*.txt"), *BUNDLED_RAW.glob("*.txt")]:
        shutil.copyfile(page, folder / page.name)
        age(folder / page.name)
    return folder


def test_two_celery_workers_build_the_lake_from_the_corpus_equal_to_the_file_build(tmp_path: Path) -> None:
    started = time.monotonic()
    raw = corpus_raw(tmp_path / "raw")
    with postgres_database() as catalog:
        lake = {"STEPPE_BACKEND": "ducklake", "STEPPE_LAKE_CATALOG": f"postgres:dbname={catalog} host=127.0.0.1",
                "STEPPE_LAKE_DATA_PATH": str(tmp_path / "lake-data"), "STEPPE_BATCH_SIZE": str(BATCH_SIZE)}
        settings = Settings.from_env({**lake, "STEPPE_RAW_DIR": str(raw),
                                      "STEPPE_WAREHOUSE": str(tmp_path / "state" / "warehouse.duckdb"),
                                      "STEPPE_REPORTS_DIR": str(tmp_path / "reports")})
        with airflow_stack(tmp_path, settings, executor="CeleryExecutor", schedule=False, workers=2,
                           extra_env=lake) as stack:
            stack.wait(lambda: stack.api("GET", f"/api/v2/dags/{DAG_ID}"), "the DAG to be parsed", 180)
            stack.api("PATCH", f"/api/v2/dags/{DAG_ID}", json={"is_paused": False})
            run_id = stack.api("POST", f"/api/v2/dags/{DAG_ID}/dagRuns",
                               json={"logical_date": dt.datetime.now(dt.UTC).isoformat()})["dag_run_id"]

            def finished() -> str | None:
                [run] = [r for r in stack.dag_runs() if r["dag_run_id"] == run_id]
                if run["state"] == "failed":
                    states = [(t["task_id"], t["map_index"], t["state"]) for t in stack.task_instances(run_id)]
                    raise AssertionError(f"the DAG run failed: {states}\n{stack.logs()}")
                return "done" if run["state"] == "success" else None

            stack.wait(finished, "the DAG run to succeed", 600)
            tasks = stack.task_instances(run_id)
            built = time.monotonic() - started
        assert not (tmp_path / "state" / "warehouse.duckdb").exists()  # the lake, not a file, was published

        # Both workers ran mapped batches; the corpus took at least four batches per stage.
        mapped = [t for t in tasks if t["task_id"] in MAPPED]
        assert all(t["state"] == "success" for t in mapped), [(t["task_id"], t["state"]) for t in mapped]
        per_task = Counter(t["task_id"] for t in mapped)
        assert per_task["parse_batch"] >= 4 and per_task["extract_batch"] >= 4, per_task
        per_worker = Counter(str(t["hostname"]).rsplit("/", 1)[-1] for t in mapped)
        assert set(per_worker) == {"w1", "w2"}, per_worker

        record = last_run(settings)
        assert record["status"] == "published"
        assert record["stages"]["parse"]["batches"] == per_task["parse_batch"]
        assert record["stages"]["parse"]["pages"] == record["stages"]["land"]["landed"] > 150

        # The same marts as one process building one DuckDB file from the same folder.
        file_settings = make_settings(tmp_path / "file", raw)
        run_pipeline(file_settings)
        con = open_lake(settings)
        try:
            assert table_hashes(con) == table_hashes(file_settings.warehouse)
        finally:
            con.close()
    print(f"two Celery workers: DAG run in {built:.0f} s; mapped tasks per worker {dict(per_worker)}, "
          f"per task {dict(per_task)}")
