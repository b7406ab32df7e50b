"""The pipeline as functions of a run id, for callers that drive one stage at a time (tests, scripts),
and run_pipeline(), every stage in one process. All of it is steppe.store; nothing here holds a
lock, opens a file or reads the environment.

    run_pipeline(settings)                      # = with WarehouseStore(settings).run() as run: ...
    run_id = prepare(settings)["run_id"]        # a staged run, one call per stage
    land(run_id, settings); parse(run_id, settings); ...; publish(run_id, settings)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from steppe.settings import Settings
from steppe.stages import STAGES, stage
from steppe.stages.validate import QualityGateError
from steppe.store import Failure, Results, WarehouseStore, ends_the_run, failure_of

__all__ = [
    "STAGES", "Failure", "QualityGateError", "build", "extract", "failure_of", "land", "parse", "prepare",
    "publish", "record_failure", "record_fault", "record_task_failure", "run_pipeline", "validate",
]


def prepare(settings: Settings, run_id: str | None = None, *, mode: str = "staged") -> Results:
    run = WarehouseStore(settings).prepare(run_id, mode=mode)
    if run.published:
        return {"run_id": run.run_id, "already_published": True}
    return {"run_id": run.run_id, "database": str(run.paths.database)}


def _stage_call(name: str) -> Callable[..., Results]:
    def call(run_id: str, settings: Settings, results: Results | None = None) -> Results:
        # results: accepted for callers that pass the results so far; the store keeps them itself
        return WarehouseStore(settings).open(run_id).execute(stage(name))

    call.__name__ = call.__qualname__ = name
    call.__doc__ = stage(name).doc
    return call


land = _stage_call("land")
parse = _stage_call("parse")
extract = _stage_call("extract")
build = _stage_call("build")
validate = _stage_call("validate")


def publish(run_id: str, settings: Settings, results: Results | None = None) -> Results:
    return WarehouseStore(settings).open(run_id).publish()


def run_pipeline(
    settings: Settings, *, settle_seconds: float | None = None, run_id: str | None = None
) -> Results:
    """Every stage in this process, timed; what the DAG runs as separate tasks. A failure is recorded
    and raised again; failure_of(exc) tells how it was recorded."""
    if settle_seconds is not None:
        settings = settings.replace(settle_seconds=settle_seconds)
    store = WarehouseStore(settings)
    with store.run(run_id) as run:
        if run.published:
            entry_result = run.publish()
            entry_result.pop("already_published", None)
            return {"run_id": run.run_id, "already_published": True, "publish": entry_result}
        for each in STAGES:
            run.execute(each)
    return {"run_id": run.run_id, **run.results, "timings_s": {k: round(v, 3) for k, v in run.timings.items()}}


def record_failure(settings: Settings, run_id: str, exc: BaseException, results: Results | None = None) -> Failure:
    return WarehouseStore(settings).fail(run_id, exc, results)


def record_fault(run_id: str, exc: BaseException, settings: Settings) -> Failure | None:
    """For a stage run as its own task: the Failure when `exc` ends the run at once, else None
    (other errors are left to the orchestrator's retries, then record_task_failure)."""
    recorded = failure_of(exc)
    if recorded is not None or not ends_the_run(exc, settings):
        return recorded
    return record_failure(settings, run_id, exc)


def record_task_failure(run_id: str | None, exc: BaseException, settings: Settings) -> None:
    """A task failed for good: record the run's failure unless it was recorded (or published) already."""
    from steppe.ledger import ledger_entry
    from steppe.runs import RunPaths, new_run_id, remove_run

    run_id = run_id or new_run_id()
    entry: dict[str, Any] = ledger_entry(settings, run_id) or {}
    if entry.get("status") == "published":
        return
    if entry.get("status") == "failed":
        remove_run(RunPaths.of(settings, run_id))
        return
    record_failure(settings, run_id, exc)
