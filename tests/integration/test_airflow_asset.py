"""Operator basics in Airflow: publish emits an event of the warehouse Asset (only when the data
changed), an example DAG is scheduled on it, and a failed task runs the alert command of the
Variable steppe_alert_command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from steppe.report import read_last_run
from tests.conftest import seed_raw
from tests.integration.test_airflow_dag import AIRFLOW, DAGS, airflow_env

# Read the metadata database through Airflow's ORM, in the environment given (a fresh process:
# Airflow reads its settings once, at import).
ASSET_EVENTS = """
import json
from airflow.models.asset import AssetEvent, AssetModel
from airflow.utils.session import create_session
with create_session() as session:
    rows = session.query(AssetModel.uri, AssetEvent.source_dag_id, AssetEvent.source_task_id, AssetEvent.extra) \\
        .join(AssetEvent, AssetEvent.asset_id == AssetModel.id).order_by(AssetEvent.id).all()
print(json.dumps([list(r) for r in rows]))
"""


def asset_events(env: dict[str, str]) -> list[list[object]]:
    done = subprocess.run([sys.executable, "-c", ASSET_EVENTS], env=env, capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_publish_declares_the_warehouse_asset_and_the_example_dag_is_scheduled_on_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("STEPPE_WAREHOUSE", str(tmp_path / "w" / "warehouse.duckdb"))
    bag = DagBag(dag_folder=str(DAGS))
    assert bag.import_errors == {}
    pipeline, consumer = bag.dags["steppe_pipeline"], bag.dags["steppe_warehouse_consumer"]
    uri = (tmp_path / "w" / "warehouse.duckdb").as_uri()
    assert [a.uri for a in pipeline.get_task("publish").outlets] == [uri]
    assert [a.uri for a in consumer.timetable.asset_condition.objects] == [uri]
    assert pipeline.description and consumer.description and {t.owner for t in consumer.tasks} == {"steppe"}


@pytest.mark.slow
def test_a_published_change_is_an_asset_event_and_nothing_new_is_none(tmp_path: Path) -> None:
    home = tmp_path / "airflow"
    home.mkdir()
    warehouse = tmp_path / "w" / "warehouse.duckdb"
    env = airflow_env(home, STEPPE_RAW_DIR=str(seed_raw(tmp_path / "raw")), STEPPE_WAREHOUSE=str(warehouse),
                      STEPPE_REPORTS_DIR=str(tmp_path / "reports"))
    subprocess.run([AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run([AIRFLOW, "dags", "test", "steppe_pipeline"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]

    [(uri, dag_id, task_id, extra)] = asset_events(env)
    assert (uri, dag_id, task_id) == (warehouse.as_uri(), "steppe_pipeline", "publish")
    assert isinstance(extra, dict) and extra["mart_rows"]["articles"] == 18 and extra["latest_page_date"]

    # Nothing new: publish is skipped, no second event, the run still succeeds.
    again = subprocess.run([AIRFLOW, "dags", "test", "steppe_pipeline"], env=env, capture_output=True, text=True)
    assert again.returncode == 0, (again.stdout + again.stderr)[-4000:]
    assert len(asset_events(env)) == 1
    assert read_last_run(tmp_path / "reports")["stages"]["publish"]["unchanged"]  # type: ignore[index]

    # The example DAG scheduled on the Asset reads the new warehouse.
    consumer = subprocess.run([AIRFLOW, "dags", "test", "steppe_warehouse_consumer"], env=env,
                              capture_output=True, text=True)
    assert consumer.returncode == 0, (consumer.stdout + consumer.stderr)[-4000:]
    assert "marts.articles: 18 rows" in consumer.stdout + consumer.stderr


@pytest.mark.slow
def test_a_failed_task_runs_the_alert_command(tmp_path: Path) -> None:
    home = tmp_path / "airflow"
    home.mkdir()
    alert = tmp_path / "alert.txt"
    command = f"{sys.executable} -c 'import sys; open(sys.argv[1], \"w\").write(sys.stdin.read())' {alert}"
    env = airflow_env(home, STEPPE_RAW_DIR=str(tmp_path / "no-such-raw"),
                      STEPPE_WAREHOUSE=str(tmp_path / "w" / "warehouse.duckdb"),
                      STEPPE_REPORTS_DIR=str(tmp_path / "reports"), AIRFLOW_VAR_STEPPE_ALERT_COMMAND=command)
    subprocess.run([AIRFLOW, "db", "migrate"], env=env, check=True, capture_output=True)
    done = subprocess.run([AIRFLOW, "dags", "test", "steppe_pipeline"], env=env, capture_output=True, text=True)
    assert done.returncode != 0
    message = alert.read_text()
    assert message.startswith("Steppe: task prepare of run ") and "raw folder missing" in message
