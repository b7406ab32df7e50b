"""
### Steppe pipeline

Lands the raw page dumps of `STEPPE_RAW_DIR`, parses them and extracts entities and trade
figures, builds the staging and mart models with dbt, checks them with Great Expectations and
publishes the warehouse to `STEPPE_WAREHOUSE` (write-audit-publish: the published file changes
only when every blocking check passed). The report is `STEPPE_REPORTS_DIR/index.html`.

The DAG only orchestrates: the work lives in the `steppe` package (`steppe.pipeline`).
One run at a time writes the warehouse (`max_active_runs=1`; each stage also takes the
warehouse's writer lock).

`prepare` checks the folders, free space and the writer lock first (`steppe.preflight`). A
machine fault (disk full, permission denied, read-only file system, a writer lock held too
long) fails the run at once, without retries, with one line naming the path and what to do;
any failure is recorded in the report and `last_run.json`, and the run's working copy removed.
Every task stops after `STEPPE_TASK_TIMEOUT_SECONDS` (default 1800).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, task

TASK_TIMEOUT = timedelta(seconds=float(os.environ.get("STEPPE_TASK_TIMEOUT_SECONDS") or 1800))


def _record_failed_task(context: Any) -> None:
    """on_failure_callback (no retries left): the run's report and ledger say it failed."""
    from airflow.sdk.exceptions import AirflowFailException

    from steppe import pipeline

    error = context.get("exception") or RuntimeError(f"task {context['ti'].task_id} failed")
    if isinstance(error, AirflowFailException):
        return  # raised by _stage, which recorded the failure
    run_id = context["ti"].xcom_pull(task_ids="prepare")
    pipeline.record_task_failure(str(run_id) if run_id else None, error)


def _stage(steppe_run: str, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run one stage; a machine fault ends the run now (a retry 20 s later cannot help)."""
    from airflow.sdk.exceptions import AirflowFailException

    from steppe import pipeline

    try:
        return call()
    except Exception as exc:
        failure = pipeline.record_fault(steppe_run, exc)
        if failure is None:
            raise
        raise AirflowFailException(failure.line()) from None


@dag(
    dag_id="steppe_pipeline",
    schedule="@hourly",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "steppe",
        "retries": 2,
        "retry_delay": timedelta(seconds=20),
        "execution_timeout": TASK_TIMEOUT,
        "on_failure_callback": _record_failed_task,
    },
    tags=["steppe"],
    doc_md=__doc__,
)
def steppe_pipeline() -> None:
    @task
    def prepare() -> str:
        """Check folders, free space and the writer lock; copy the published warehouse into a working folder."""
        from steppe import pipeline
        from steppe.runs import new_run_id

        steppe_run = new_run_id()
        _stage(steppe_run, pipeline.preflight_stage)
        return str(_stage(steppe_run, lambda: pipeline.prepare(run_id=steppe_run))["run_id"])

    @task
    def land(steppe_run: str) -> dict[str, Any]:
        """Land every new file of STEPPE_RAW_DIR into the working copy, or refuse it with a reason."""
        from steppe import pipeline

        return _stage(steppe_run, lambda: pipeline.land(steppe_run))

    @task
    def parse(steppe_run: str) -> dict[str, Any]:
        """Parse the dumps not yet parsed by this parser version."""
        from steppe import pipeline

        return _stage(steppe_run, lambda: pipeline.parse(steppe_run))

    @task
    def extract(steppe_run: str) -> dict[str, Any]:
        """Extract entities and trade figures of article contents not yet extracted."""
        from steppe import pipeline

        return _stage(steppe_run, lambda: pipeline.extract(steppe_run))

    @task
    def dbt_build(steppe_run: str) -> dict[str, Any]:
        """dbt build (models and data tests) on the working copy."""
        from steppe import pipeline

        return _stage(steppe_run, lambda: pipeline.build(steppe_run))

    @task
    def validate(steppe_run: str, results: dict[str, Any]) -> dict[str, Any]:
        """GX checkpoints; blocking failures fail the run without retries and without publishing."""
        from steppe import pipeline

        return _stage(steppe_run, lambda: pipeline.validate(steppe_run, results=results))

    @task(retries=0)
    def publish(steppe_run: str, results: dict[str, Any]) -> dict[str, Any]:
        """Atomically replace the published warehouse with the checked working copy."""
        from steppe import pipeline

        return _stage(steppe_run, lambda: pipeline.publish(steppe_run, results=results))

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
