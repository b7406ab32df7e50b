"""
### Steppe pipeline

Lands the raw page dumps of `STEPPE_RAW_DIR`, parses them and extracts entities and trade
figures, builds the staging and mart models with dbt, checks them with Great Expectations and
publishes the warehouse to `STEPPE_WAREHOUSE` (write-audit-publish: the published file changes
only when every blocking check passed). The report is `STEPPE_REPORTS_DIR/index.html`.

The DAG only orchestrates: the work lives in the `steppe` package (`steppe.pipeline`).
One run at a time writes the warehouse (`max_active_runs=1`; each stage also takes the
warehouse's writer lock).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="steppe_pipeline",
    schedule="@hourly",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=20)},
    tags=["steppe"],
    doc_md=__doc__,
)
def steppe_pipeline() -> None:
    @task
    def prepare() -> str:
        """Copy the published warehouse into this run's working folder."""
        from steppe import pipeline

        return str(pipeline.prepare()["run_id"])

    @task
    def land(steppe_run: str) -> dict[str, Any]:
        """Land every new file of STEPPE_RAW_DIR into the working copy, or refuse it with a reason."""
        from steppe import pipeline

        return pipeline.land(steppe_run)

    @task
    def parse(steppe_run: str) -> dict[str, Any]:
        """Parse the dumps not yet parsed by this parser version."""
        from steppe import pipeline

        return pipeline.parse(steppe_run)

    @task
    def extract(steppe_run: str) -> dict[str, Any]:
        """Extract entities and trade figures of article contents not yet extracted."""
        from steppe import pipeline

        return pipeline.extract(steppe_run)

    @task
    def dbt_build(steppe_run: str) -> dict[str, Any]:
        """dbt build (models and data tests) on the working copy."""
        from steppe import pipeline

        return pipeline.build(steppe_run)

    @task
    def validate(steppe_run: str, results: dict[str, Any]) -> dict[str, Any]:
        """GX checkpoints; blocking failures fail the run without retries and without publishing."""
        from airflow.sdk.exceptions import AirflowFailException

        from steppe import pipeline

        try:
            return pipeline.validate(steppe_run, results=results)
        except pipeline.QualityGateError as exc:
            raise AirflowFailException(str(exc)) from exc

    @task(retries=0)
    def publish(steppe_run: str, results: dict[str, Any]) -> dict[str, Any]:
        """Atomically replace the published warehouse with the checked working copy."""
        from steppe import pipeline

        return pipeline.publish(steppe_run, results=results)

    steppe_run = prepare()
    landed = land(steppe_run)
    parsed = parse(steppe_run)
    extracted = extract(steppe_run)
    built = dbt_build(steppe_run)
    landed >> parsed >> extracted >> built
    results = {"land": landed, "parse": parsed, "extract": extracted, "build": built}
    checked = validate(steppe_run, results)
    publish(steppe_run, {**results, "validate": checked})


steppe_pipeline()
