"""
### Steppe pipeline

Lands the raw page dumps of `STEPPE_RAW_DIR`, parses them and extracts entities and trade
figures, builds the staging and mart models with dbt, checks them with Great Expectations and
publishes the warehouse to `STEPPE_WAREHOUSE` (write-audit-publish: the published file changes
only when every blocking check passed). The report is `STEPPE_REPORTS_DIR/index.html`.

The DAG only orchestrates: one task per stage of `steppe.stages.STAGES` (the list `steppe run`
loops over too), each reopening the run by id through `steppe.store.WarehouseStore`, which takes
the warehouse's writer lock. One run at a time writes the warehouse (`max_active_runs=1`); a run
that another run overtook anyway (another orchestrator) restarts from prepare when it publishes.

Parse and extract fan out (`steppe.stages.batches`): `plan_parse` splits the new dumps into batches
of `STEPPE_BATCH_SIZE`, `parse_batch` is mapped over them (with CeleryExecutor, on whichever workers
are free; each writes only its own files in the run's folder, which every worker must reach), and
`parse` merges every batch into the working copy in one transaction. The same for extract. Nothing
new: no batch (the mapped task is skipped) and the merge still runs.

`prepare` checks the folders, free space and the writer lock first (`steppe.preflight`). A
machine fault (disk full, permission denied, read-only file system, a writer lock held too
long) fails the run at once, without retries, with one line naming the path and what to do;
any failure is recorded in the report and `last_run.json`, and the run's working copy removed.
Every task stops after `STEPPE_TASK_TIMEOUT_SECONDS` (default 1800).

`publish` replaces the warehouse only when its data changed; it then emits an event of the Asset
`steppe_warehouse` (URI `file://` + the warehouse's path), which DAGs can be scheduled on (see
`steppe_warehouse_consumer`). A run that found nothing new skips `publish`: no event, the file
stays as it was. A task that fails for good also runs the command in the Airflow Variable
`steppe_alert_command`, if set (the message on its standard input).

The DAG starts paused: unpause it in the UI or with `airflow dags unpause steppe_pipeline`.
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Asset, dag, task

# Light at parse time: the settings and the stage list import nothing heavy (no dbt, GX, DuckDB).
from steppe.settings import Settings
from steppe.stages import STAGES, Stage

ALERT_VARIABLE = "steppe_alert_command"  # an operator's command run when a task fails for good
ALERT_TIMEOUT_SECONDS = 60
log = logging.getLogger(__name__)

SETTINGS = Settings.from_env()  # the edge: read once per parse; each task reads it again when it runs
TASK_TIMEOUT = timedelta(seconds=SETTINGS.task_timeout_seconds)
WAREHOUSE = Asset(name="steppe_warehouse", uri=SETTINGS.warehouse.as_uri())


def _notify(context: Any, error: BaseException) -> None:
    """Run the command of the Variable steppe_alert_command, if set, with the failure on its stdin.

    No shell: the command is split like a shell would, and the message (which may quote file names
    from the raw folder) goes to stdin and STEPPE_ALERT_* variables only. Never raises: a broken
    notifier must not hide the failure it reports.
    """
    from airflow.sdk import Variable

    try:
        command = Variable.get(ALERT_VARIABLE, default=None)
        if not command:
            return
        ti = context["ti"]
        message = f"Steppe: task {ti.task_id} of run {ti.run_id} ({ti.dag_id}) failed: {error}"
        env = {**os.environ, "STEPPE_ALERT_DAG": str(ti.dag_id), "STEPPE_ALERT_TASK": str(ti.task_id),
               "STEPPE_ALERT_RUN": str(ti.run_id), "STEPPE_ALERT_MESSAGE": message}
        done = subprocess.run(shlex.split(command), input=message, text=True, env=env,  # noqa: S603  the operator's command
                              capture_output=True, timeout=ALERT_TIMEOUT_SECONDS, check=False)
        if done.returncode:
            log.warning("%s exited %s: %s", ALERT_VARIABLE, done.returncode, done.stderr[-500:])
    except Exception:  # the notifier is best effort
        log.exception("%s could not be run", ALERT_VARIABLE)


def _record_failed_task(context: Any) -> None:
    """on_failure_callback (no retries left): notify, and the run's report and ledger say it failed."""
    from airflow.sdk.exceptions import AirflowFailException

    from steppe import pipeline

    error = context.get("exception") or RuntimeError(f"task {context['ti'].task_id} failed")
    _notify(context, error)
    if isinstance(error, AirflowFailException):
        return  # raised by _stage, which recorded the failure
    run_id = context["ti"].xcom_pull(task_ids="prepare")
    pipeline.record_task_failure(str(run_id) if run_id else None, error, Settings.from_env())


def _stage(steppe_run: str, call: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """call(store) for this run; a fault that ends the run (a machine fault, blocking checks) fails the
    task without retries: a retry 20 s later cannot help."""
    from airflow.sdk.exceptions import AirflowFailException

    from steppe.pipeline import record_fault
    from steppe.store import WarehouseStore

    settings = Settings.from_env()
    try:
        return call(WarehouseStore(settings))
    except Exception as exc:
        failure = record_fault(steppe_run, exc, settings)
        if failure is None:
            raise
        raise AirflowFailException(failure.line()) from None


def _stage_task(stage: Stage) -> Any:
    @task(task_id=stage.task_id, doc_md=stage.doc)
    def run_stage(steppe_run: str) -> dict[str, Any]:
        return _stage(steppe_run, lambda store: store.open(steppe_run).execute(stage))

    return run_stage


def _fan_out(stage: Stage, steppe_run: Any) -> tuple[Any, Any]:
    """plan_<stage> -> <stage>_batch (mapped over the planned batches) -> <stage> (the merge, one writer)."""

    @task(task_id=f"plan_{stage.task_id}", doc_md=f"Plan the batches of: {stage.doc}")
    def plan(steppe_run: str) -> list[int]:
        planned = _stage(steppe_run, lambda store: {"batches": store.open(steppe_run).plan(stage)})
        return list(planned["batches"])

    @task(task_id=f"{stage.task_id}_batch", doc_md=f"One batch, into its own files: {stage.doc}")
    def work(steppe_run: str, batch: int) -> dict[str, Any]:
        return _stage(steppe_run, lambda store: store.open(steppe_run).work_batch(stage, batch))

    # none_failed: an empty plan skips the mapped task, and the merge must still record the stage.
    @task(task_id=stage.task_id, doc_md=f"Merge every batch in one transaction: {stage.doc}",
          trigger_rule="none_failed")
    def merge(steppe_run: str) -> dict[str, Any]:
        return _stage(steppe_run, lambda store: store.open(steppe_run).merge(stage))

    planned = plan(steppe_run)
    merged = merge(steppe_run)
    work.partial(steppe_run=steppe_run).expand(batch=planned) >> merged
    return planned, merged


@dag(
    dag_id="steppe_pipeline",
    description="Land, parse, extract, build and check Central Asia news dumps; publish the DuckDB warehouse",
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
        from steppe.preflight import preflight
        from steppe.runs import new_run_id

        steppe_run = new_run_id()

        def start(store: Any) -> dict[str, Any]:
            preflight(store.settings)
            return {"run_id": store.prepare(steppe_run).run_id}

        return str(_stage(steppe_run, start)["run_id"])

    @task(retries=0, outlets=[WAREHOUSE])
    def publish(steppe_run: str) -> dict[str, Any]:
        """Atomically replace the published warehouse with the checked working copy, when its data changed
        (an event of the warehouse Asset); skipped when nothing changed (no event, the file stays)."""
        from airflow.sdk import get_current_context
        from airflow.sdk.exceptions import AirflowSkipException

        result = _stage(steppe_run, lambda store: store.open(steppe_run).publish())
        if result.get("unchanged") or result.get("already_published"):
            raise AirflowSkipException(f"nothing new: the warehouse published by run {result.get('published_by')} "
                                       "stays as it is")
        context: Any = get_current_context()
        context["outlet_events"][WAREHOUSE].extra = {
            "steppe_run": steppe_run, "mart_rows": result.get("mart_rows", {}), **(result.get("freshness") or {}),
        }
        return result

    steppe_run = prepare()
    previous = steppe_run
    for stage in STAGES:  # the declared order; each task waits for the one before
        first, last = _fan_out(stage, steppe_run) if stage.fans_out else (_stage_task(stage)(steppe_run),) * 2
        previous >> first
        previous = last
    previous >> publish(steppe_run)


steppe_pipeline()
