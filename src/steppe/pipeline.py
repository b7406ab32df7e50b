"""The pipeline's stages as plain functions: the Airflow DAG calls them one task each, tests and
the benchmark call run_pipeline() in one process. Each stage opens the run's working copy,
does its work and closes it, so no DuckDB connection outlives a stage.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from steppe.config import Settings, load_settings
from steppe.runs import RunPaths, prepare_run, publish_run, writer_lock
from steppe.warehouse import connect

StageResult = dict[str, Any]


class QualityGateError(RuntimeError):
    """Blocking data-quality checks failed: the run stops and nothing is published."""


def _paths(settings: Settings, run_id: str) -> RunPaths:
    return RunPaths.of(settings, run_id)


def prepare(settings: Settings | None = None, run_id: str | None = None) -> StageResult:
    settings = settings or load_settings()
    paths = prepare_run(settings, run_id)
    return {"run_id": paths.run_id, "database": str(paths.database)}


def land(run_id: str, settings: Settings | None = None, settle_seconds: float | None = None) -> StageResult:
    from steppe.landing import SETTLE_SECONDS, land_raw_dir

    settings = settings or load_settings()
    with writer_lock(settings), connect(_paths(settings, run_id).database) as con:
        report = land_raw_dir(
            settings.raw_dir, con, settle_seconds=SETTLE_SECONDS if settle_seconds is None else settle_seconds
        )
    return report.as_dict()


def parse(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.stages import parse_new_dumps

    settings = settings or load_settings()
    with writer_lock(settings), connect(_paths(settings, run_id).database) as con:
        return dataclasses.asdict(parse_new_dumps(con))


def extract(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.stages import extract_new_articles

    settings = settings or load_settings()
    with writer_lock(settings), connect(_paths(settings, run_id).database) as con:
        started = time.perf_counter()
        result = dataclasses.asdict(extract_new_articles(con))
    seconds = time.perf_counter() - started
    result["words_per_second"] = round(result["words"] / seconds) if seconds and result["words"] else None
    return result


def build(run_id: str, settings: Settings | None = None) -> StageResult:
    from steppe.integrations.dbt import dbt_build

    settings = settings or load_settings()
    with writer_lock(settings):
        return dbt_build(_paths(settings, run_id).database, settings.state_dir / "dbt").as_dict()


def validate(run_id: str, settings: Settings | None = None, results: StageResult | None = None) -> StageResult:
    """Run the GX checkpoints on the working copy and write the report; blocking failures raise."""
    from steppe.integrations.quality import validate_warehouse
    from steppe.report import write_run_report

    settings = settings or load_settings()
    paths = _paths(settings, run_id)
    with writer_lock(settings):
        quality = validate_warehouse(paths.database, settings.reports_dir)
    summary = quality.as_dict()
    if quality.blocking_failures:
        stages = {**(results or {}), "validate": summary}
        report = write_run_report(settings, paths, stages, status="failed: blocking checks, not published")
        raise QualityGateError(
            f"{len(quality.blocking_failures)} blocking data-quality checks failed; "
            f"the published warehouse is unchanged. Report: {report}"
        )
    return summary


def publish(run_id: str, settings: Settings | None = None, results: StageResult | None = None) -> StageResult:
    from steppe.report import mart_row_counts, write_run_report

    settings = settings or load_settings()
    paths = _paths(settings, run_id)
    marts = mart_row_counts(paths.database)
    published = publish_run(settings, paths)
    stages = {**(results or {}), "publish": {"warehouse": str(published), "mart_rows": marts}}
    report = write_run_report(settings, paths, stages, status="published")
    return {"warehouse": str(published), "report": str(report), "mart_rows": marts}


STAGES: list[tuple[str, Callable[..., StageResult]]] = [
    ("land", land),
    ("parse", parse),
    ("extract", extract),
    ("build", build),
]


def run_pipeline(settings: Settings | None = None, *, settle_seconds: float | None = None) -> StageResult:
    """Every stage in this process, timed; what `airflow dags test` runs as separate tasks."""
    settings = settings or load_settings()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    run = prepare(settings)
    timings["prepare"] = time.perf_counter() - started
    results: StageResult = {}
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
    results["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    return results

