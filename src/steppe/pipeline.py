"""The pipeline's stages as plain functions: the Airflow DAG calls them one task each, tests and
the benchmark call run_pipeline() in one process. Each stage opens the run's working copy,
does its work in one transaction and closes it, so no DuckDB connection outlives a stage and a
stage killed half-way leaves nothing half-written behind (a retry starts from the last commit).

Every stage takes the warehouse's writer lock (steppe.runs). A stage of a run that was already
published does nothing: re-running a finished run changes nothing.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from steppe.config import Settings, load_settings
from steppe.runs import (
    FAULT_ENV,
    RunPaths,
    base_changed,
    fault_point,
    finish_published,
    identity,
    is_published,
    ledger_entry,
    prepare_run,
    publish_run,
    read_run,
    record_finished,
    require_run,
    update_run,
    writer_lock,
)
from steppe.warehouse import connect

StageResult = dict[str, Any]
SKIPPED: StageResult = {"skipped": "run already published"}


class QualityGateError(RuntimeError):
    """Blocking data-quality checks failed: the run stops and nothing is published."""


def _paths(settings: Settings, run_id: str) -> RunPaths | None:
    """The run's working copy, None when the run was already published (the stage is a no-op)."""
    return None if is_published(settings, run_id) else require_run(settings, run_id)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def prepare(settings: Settings | None = None, run_id: str | None = None, *, mode: str = "staged") -> StageResult:
    settings = settings or load_settings()
    paths = prepare_run(settings, run_id, mode=mode)
    if is_published(settings, paths.run_id):
        return {"run_id": paths.run_id, "already_published": True}
    return {"run_id": paths.run_id, "database": str(paths.database)}


def land(run_id: str, settings: Settings | None = None, settle_seconds: float | None = None) -> StageResult:
    from steppe.landing import SETTLE_SECONDS, land_raw_dir

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        with connect(paths.database) as con, _transaction(con):
            report = land_raw_dir(
                settings.raw_dir, con, settle_seconds=SETTLE_SECONDS if settle_seconds is None else settle_seconds
            )
    return report.as_dict()


def parse(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.stages import parse_new_dumps

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        with connect(paths.database) as con, _transaction(con):
            return dataclasses.asdict(parse_new_dumps(con))


def extract(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.stages import extract_new_articles

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        started = time.perf_counter()
        with connect(paths.database) as con, _transaction(con):
            result = dataclasses.asdict(extract_new_articles(con))
    seconds = time.perf_counter() - started
    result["words_per_second"] = round(result["words"] / seconds) if seconds and result["words"] else None
    return result


def build(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.integrations.dbt import dbt_build

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        if os.environ.get(FAULT_ENV) == "build":
            _arm_dbt_fault()
        return dbt_build(paths.database, settings.state_dir / "dbt").as_dict()


def validate(run_id: str, settings: Settings | None = None, results: StageResult | None = None) -> StageResult:
    """Run the GX checkpoints on the working copy and write the report; blocking failures raise."""
    from steppe.integrations.quality import validate_warehouse
    from steppe.report import write_run_report

    settings = settings or load_settings()
    with writer_lock(settings):
        paths = _paths(settings, run_id)
        if paths is None:
            return dict(SKIPPED)
        if os.environ.get(FAULT_ENV) == "validate":
            _arm_gx_fault()
        quality = validate_warehouse(paths.database, settings.reports_dir)
        summary = quality.as_dict()
        if quality.blocking_failures:
            stages = {**(results or {}), "validate": summary}
            report = write_run_report(settings, paths, stages, status="failed: blocking checks, not published")
            failed = [f"{c.suite}: {c.expectation}" + (f" on {c.column}" if c.column else "")
                      for c in quality.blocking_failures]
            record_finished(settings, paths, "failed", reason="blocking checks failed", checks=failed,
                            report=str(report))
            raise QualityGateError(
                f"{len(quality.blocking_failures)} blocking data-quality checks failed "
                f"({'; '.join(failed[:5])}{' …' if len(failed) > 5 else ''}); "
                f"the published warehouse is unchanged. Report: {report}"
            )
    return summary


def publish(run_id: str, settings: Settings | None = None, results: StageResult | None = None) -> StageResult:
    """Publish the checked working copy; reconciles first if another run published meanwhile."""
    from steppe.report import mart_row_counts, write_run_report

    settings = settings or load_settings()
    with writer_lock(settings):
        entry = ledger_entry(settings, run_id)
        if entry and entry.get("status") == "published":
            return {**entry.get("result", {}), "already_published": True}
        paths = require_run(settings, run_id)
        meta = read_run(paths) or {}
        stages = dict(results or {})
        if not paths.database.exists() and meta.get("publishing") == identity(settings.warehouse):
            # Killed after the rename and before the bookkeeping: the publication itself happened.
            result = {"warehouse": str(settings.warehouse), "mart_rows": mart_row_counts(settings.warehouse)}
        else:
            if base_changed(settings, paths):
                stages["reconcile"] = _reconcile(settings, paths, stages)
            marts = mart_row_counts(paths.database)
            update_run(paths, publishing=identity(paths.database))
            published = publish_run(settings, paths)
            result = {"warehouse": str(published), "mart_rows": marts}
        stages["publish"] = result
        report = write_run_report(settings, paths, stages, status="published")
        result = {**result, "report": str(report)}
        finish_published(settings, paths, result=result)
    return result


def _reconcile(settings: Settings, paths: RunPaths, stages: StageResult) -> StageResult:
    """Another run published after this one started: take over what it holds and this one lacks.

    Every mart is derived from raw.dumps (and the refusals beside it), so a working copy that
    holds every dump the published warehouse holds loses nothing when it replaces it. Missing
    dumps are copied in and the later stages run again on them before publishing.
    """
    taken = {"dumps_taken": 0, "rejections_taken": 0}
    if settings.warehouse.exists():
        snapshot = paths.run_dir / "published-snapshot.duckdb"  # a copy: never open the published file
        shutil.copyfile(settings.warehouse, snapshot)
        try:
            with connect(paths.database) as con:
                con.execute("attach ? as published (read_only)", [str(snapshot)])
                try:
                    with _transaction(con):
                        taken["dumps_taken"] = _count(con.execute(
                            "insert into raw.dumps by name select * from published.raw.dumps p "
                            "where p.sha256 not in (select sha256 from raw.dumps)"))
                        taken["rejections_taken"] = _count(con.execute(
                            "insert into audit.rejected_dumps by name select * from published.audit.rejected_dumps p "
                            "where not exists (select 1 from audit.rejected_dumps r where r.file_name = p.file_name "
                            "and r.sha256 is not distinct from p.sha256)"))
                finally:
                    con.execute("detach published")
        finally:
            snapshot.unlink(missing_ok=True)
    update_run(paths, base=identity(settings.warehouse))
    if taken["dumps_taken"] or taken["rejections_taken"]:
        for name, stage in (("parse", parse), ("extract", extract), ("build", build)):
            stages[f"{name}_reconciled"] = stage(paths.run_id, settings)
        stages["validate"] = validate(paths.run_id, settings, stages)
    return taken


def _count(cursor: duckdb.DuckDBPyConnection) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0


# --- fault injection (test hook, see steppe.runs) -----------------------------------------------


def _arm_dbt_fault() -> None:
    """Die as soon as dbt has built the first mart table (the build is then half done)."""
    import dbt.cli.main as dbt_main

    original = dbt_main.dbtRunner

    def on_event(event: Any) -> None:
        if event.info.name == "LogModelResult" and event.data.node_info.node_relation.schema == "marts":
            fault_point("build")

    class FaultyRunner(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), on_event]
            super().__init__(*args, **kwargs)

    dbt_main.dbtRunner = FaultyRunner  # type: ignore[misc]


def _arm_gx_fault() -> None:
    """Die once GX has run a few checkpoints (the validation is then half done)."""
    from great_expectations.checkpoint.checkpoint import Checkpoint

    original = Checkpoint.run
    calls = 0

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(self, *args, **kwargs)
        calls += 1
        if calls >= 3:
            fault_point("validate")
        return result

    Checkpoint.run = run  # type: ignore[method-assign]


STAGES: list[tuple[str, Callable[..., StageResult]]] = [
    ("land", land),
    ("parse", parse),
    ("extract", extract),
    ("build", build),
]


def run_pipeline(
    settings: Settings | None = None, *, settle_seconds: float | None = None, run_id: str | None = None
) -> StageResult:
    """Every stage in this process, timed; what `airflow dags test` runs as separate tasks.

    The writer lock is held from prepare to publish, so overlapping single-process runs of one
    warehouse run one after the other, each starting from what the one before published.
    """
    settings = settings or load_settings()
    timings: dict[str, float] = {}
    waited = time.perf_counter()
    with writer_lock(settings):
        started = time.perf_counter()
        timings["wait_for_lock"] = started - waited
        run = prepare(settings, run_id, mode="process")
        timings["prepare"] = time.perf_counter() - started
        if run.get("already_published"):
            entry = ledger_entry(settings, run["run_id"]) or {}
            return {"run_id": run["run_id"], "already_published": True, "publish": entry.get("result", {})}
        results: StageResult = {"run_id": run["run_id"]}
        try:
            for name, stage in STAGES:
                t0 = time.perf_counter()
                kwargs: dict[str, Any] = {"settle_seconds": settle_seconds} if name == "land" else {}
                results[name] = stage(run["run_id"], settings, **kwargs)
                timings[name] = time.perf_counter() - t0
            t0 = time.perf_counter()
            results["validate"] = validate(run["run_id"], settings, results)
            timings["validate"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            results["publish"] = publish(run["run_id"], settings, results)
            timings["publish"] = time.perf_counter() - t0
        except QualityGateError:
            raise  # recorded by validate, with the report
        except BaseException as exc:
            paths = RunPaths.of(settings, run["run_id"])
            if paths.run_dir.exists():
                record_finished(settings, paths, "failed", reason=f"{type(exc).__name__}: {exc}")
            raise
    results["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    return results
