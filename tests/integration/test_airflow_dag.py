"""The Airflow DAG: it imports cleanly, and a real `airflow dags test` run publishes a warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from steppe.config import PROJECT_ROOT
from steppe.report import read_last_run
from tests.conftest import seed_raw

DAGS = PROJECT_ROOT / "dags"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
STAGES = ["prepare", "land", "plan_parse", "parse_batch", "parse", "plan_extract", "extract_batch", "extract",
          "dbt_build", "validate", "publish"]


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "DO_NOT_TRACK": "1",
        **extra,
    }
    return env


def test_dagbag_imports_without_errors() -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    dag = bag.dags["steppe_pipeline"]  # from the parsed files; get_dag() would need a metadata database
    assert dag.max_active_runs == 1 and dag.catchup is False and dag.schedule is not None
    # The stages run in order: each waits for the one before.
    for upstream, downstream in zip(STAGES, STAGES[1:], strict=False):
        assert upstream in dag.get_task(downstream).upstream_task_ids
    # Parse and extract fan out: mapped batches, merged even when none was planned.
    assert {t.task_id for t in dag.tasks if t.is_mapped} == {"parse_batch", "extract_batch"}
    assert dag.get_task("parse").trigger_rule == dag.get_task("extract").trigger_rule == "none_failed"


def test_every_task_has_an_owner_and_a_settable_execution_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(DAGS)).dags["steppe_pipeline"]
    assert {task.owner for task in dag.tasks} == {"steppe"}
    assert {task.execution_timeout for task in dag.tasks} == {timedelta(seconds=1800)}
    assert all(task.on_failure_callback for task in dag.tasks)  # a failure is recorded in the report

    monkeypatch.setenv("STEPPE_TASK_TIMEOUT_SECONDS", "120")
    dag = DagBag(dag_folder=str(DAGS)).dags["steppe_pipeline"]
    assert {task.execution_timeout for task in dag.tasks} == {timedelta(seconds=120)}


def test_dag_module_has_no_heavy_imports_at_top() -> None:
    """Parsing the DAG must not import dbt, GX, spaCy or DuckDB: the scheduler parses it often."""
    code = (
        "import sys, runpy; runpy.run_path(sys.argv[1]);"
        "heavy = [m for m in ('dbt', 'great_expectations', 'spacy', 'duckdb', 'pandas') if m in sys.modules];"
        # steppe: only its settings and the declared stage list, which import nothing heavy
        "heavy += [m for m in sys.modules if m.startswith('steppe.') and m not in ('steppe.settings', 'steppe.stages')];"
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(DAGS / "steppe_pipeline.py")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1:] in ([], [""])


@pytest.mark.slow
def test_airflow_dags_test_publishes_a_warehouse(tmp_path: Path) -> None:
    home = tmp_path / "airflow"
    home.mkdir()
    raw = seed_raw(tmp_path / "raw")
    env = airflow_env(
        home,
        STEPPE_RAW_DIR=str(raw),
        STEPPE_WAREHOUSE=str(tmp_path / "w" / "warehouse.duckdb"),
        STEPPE_REPORTS_DIR=str(tmp_path / "reports"),
    )
    subprocess.run([AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run([AIRFLOW, "dags", "test", "steppe_pipeline"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]

    con = duckdb.connect(str(tmp_path / "w" / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from marts.articles").fetchone() == (18,)
        assert con.execute("select count(*) from raw.dumps").fetchone() == (3,)
    finally:
        con.close()
    summary = read_last_run(tmp_path / "reports")
    assert summary is not None
    assert summary["status"] == "published"
    # Parse and extract ran as one mapped batch each (3 dumps, 18 articles: under STEPPE_BATCH_SIZE).
    assert summary["stages"]["parse"]["batches"] == summary["stages"]["extract"]["batches"] == 1
    assert summary["stages"]["parse"]["pages"] == 3
    # The defaults were left alone.
    assert not (PROJECT_ROOT / "data" / "reports" / "runs" / f"{summary['run_id']}.json").exists()


@pytest.mark.slow
def test_a_fault_fails_the_dag_run_at_once_and_is_recorded(tmp_path: Path) -> None:
    """The raw folder is missing: prepare's preflight fails without retries; the report says why."""
    home = tmp_path / "airflow"
    home.mkdir()
    reports = tmp_path / "reports"
    env = airflow_env(
        home,
        STEPPE_RAW_DIR=str(tmp_path / "no-such-raw"),
        STEPPE_WAREHOUSE=str(tmp_path / "w" / "warehouse.duckdb"),
        STEPPE_REPORTS_DIR=str(reports),
    )
    subprocess.run([AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run([AIRFLOW, "dags", "test", "steppe_pipeline"], env=env, capture_output=True, text=True)
    log = done.stdout + done.stderr
    assert "raw folder missing" in log and "up_for_retry" not in log.lower(), log[-4000:]
    summary = read_last_run(reports)
    assert summary is not None
    assert summary["status"] == "failed" and summary["reason"].startswith("raw folder missing")
    assert len(list((reports / "runs").glob("*.json"))) == 1  # recorded once
    assert not (tmp_path / "w" / "warehouse.duckdb").exists()

    # What `make run` prints after it: one line, and `steppe summary` fails.
    shown = subprocess.run([str(Path(sys.executable).with_name("steppe")), "summary"], env=env,
                           capture_output=True, text=True)
    assert shown.returncode == 1
    assert len((shown.stdout + shown.stderr).strip().splitlines()) == 1
    assert str(tmp_path / "no-such-raw") in shown.stdout + shown.stderr
