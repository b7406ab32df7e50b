"""Every use the benchmark makes of the steppe package, in one place: when steppe's pipeline API
changes, this module is the one to adapt. The other bench modules import steppe only through it.

The bench runs the stages as `steppe run` does (steppe.store.WarehouseStore over steppe.stages.STAGES),
one by one, so that it can time and memory-watch each: prepare, every stage in order, publish.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from steppe.config import PROJECT_ROOT
from steppe.parsing import parse_page
from steppe.settings import Settings
from steppe.stages import STAGES

__all__ = ["PROJECT_ROOT", "STAGE_NAMES", "STAGE_RENAMES", "FanOut", "Settings", "bench_settings", "dbt_target_dir",
           "count_entities", "count_trade_figures", "mart_row_counts", "parse_page", "run_stages", "work_batch"]

# The bench's names of the pipeline's stages (bench.json, tables): the stages' own names except for these two.
STAGE_RENAMES = {"build": "dbt_build", "validate": "gx_validate"}
STAGE_NAMES = ("prepare", *(STAGE_RENAMES.get(stage.name, stage.name) for stage in STAGES), "publish")

StageResult = dict[str, Any]
# Runs one stage call under the bench's name for it and returns the stage's result.
Timed = Callable[[str, Callable[[], StageResult]], StageResult]


def bench_settings(root: Path, raw_dir: Path, **fields: Any) -> Settings:
    """A warehouse and reports folder of its own under root, reading raw_dir; fields: more Settings
    (the lake's backend, catalog and data path; batch_size)."""
    return Settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "warehouse.duckdb", reports_dir=root / "reports",
                    settle_seconds=0, **fields)


def dbt_target_dir(settings: Settings) -> Path:
    """Where the warehouse's dbt builds leave run_results.json and the partial-parse cache."""
    return settings.dbt_dir / "target"


@dataclass(slots=True)
class FanOut:
    """Worker processes that run the parse and extract batches, as the DAG's mapped tasks do on Celery
    workers: plan under the lock, the batches in the pool, one merge. phases: per stage, the seconds of
    plan, batches and merge, the batch count, and each worker process's peak RSS (MB) during its batches."""

    pool: Executor
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)

    def run(self, run: Any, stage: Any) -> StageResult:
        t0 = time.perf_counter()
        numbers = run.plan(stage)
        t1 = time.perf_counter()
        done = list(self.pool.map(partial(work_batch, run.settings, run.run_id, stage.name), numbers))
        t2 = time.perf_counter()
        merged: StageResult = run.merge(stage)
        peaks: dict[str, float] = {}
        for pid, peak_mb, _result in done:
            peaks[str(pid)] = max(peaks.get(str(pid), 0.0), peak_mb)
        self.phases[stage.name] = {"plan_s": t1 - t0, "batches_s": t2 - t1, "merge_s": time.perf_counter() - t2,
                                   "batches": len(numbers), "worker_peak_rss_mb": peaks}
        return merged


def work_batch(settings: Settings, run_id: str, stage_name: str, batch: int) -> tuple[int, float, StageResult]:
    """One batch in a worker process: (its pid, its peak RSS during the batch in MB, the batch's result)."""
    import os

    from steppe.store import WarehouseStore
    from steppe_bench.memory import peak_rss_bytes, reset_peak_rss

    reset_peak_rss()
    stage = next(s for s in STAGES if s.name == stage_name)
    result = WarehouseStore(settings).open(run_id).work_batch(stage, batch)
    return os.getpid(), peak_rss_bytes() / 1e6, result


def warm_worker(_: int) -> int:
    """Imports a batch needs, and the extractors' gazetteers, loaded once per worker process (as in a
    standing Celery worker); sleeps a little so that each call lands on its own process."""
    import os

    import steppe.stages.batches  # noqa: F401
    import steppe.store  # noqa: F401

    count_entities("Kazakhstan", "Astana signed a deal.")
    time.sleep(1.0)
    return os.getpid()


def mart_row_counts(settings: Settings) -> dict[str, int]:
    """Rows of every mart table as published (the file, or the lake's current snapshot)."""
    from steppe.readers import open_lake, open_latest

    con = open_lake(settings) if settings.uses_lake else open_latest(settings.warehouse)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " and table_catalog = current_database() order by 1").fetchall()]
        counts = {}
        for table in tables:
            row = con.execute(f'select count(*) from marts."{table}"').fetchone()  # noqa: S608  catalog's own names
            counts[table] = int(row[0]) if row else 0
        return counts
    finally:
        con.close()


def run_stages(
    settings: Settings, timed: Timed, results: dict[str, StageResult], fan_out: FanOut | None = None
) -> None:
    """One whole pipeline run, every stage through timed(name, call); results gets each stage's result.
    With fan_out, parse and extract run as plan -> batches in its worker processes -> merge.

    A failure is recorded by the store (as `steppe run` records it) and raised again.
    """
    from steppe.store import WarehouseStore, failure_of

    store = WarehouseStore(settings)
    prepared = {}

    def prepare() -> StageResult:
        prepared["run"] = store.prepare(mode="process" if fan_out is None else "staged")
        return {"run_id": prepared["run"].run_id}

    timed("prepare", prepare)
    run = prepared["run"]
    try:
        for stage in STAGES:
            label = STAGE_RENAMES.get(stage.name, stage.name)
            if fan_out is not None and stage.fans_out:
                results[stage.name] = timed(label, partial(fan_out.run, run, stage))
            else:
                results[stage.name] = timed(label, partial(run.execute, stage))
        results["publish"] = timed("publish", run.publish)
    except Exception as exc:
        if failure_of(exc) is None:
            store.fail(run.run_id, exc, run.results)
        raise


def count_entities(title: str, body: str) -> int:
    """How many entity mentions steppe's extractor finds in one article."""
    from steppe.extraction.entities import extract_entities  # loads its gazetteers on first use

    return len(extract_entities(title, body))


def count_trade_figures(title: str, body: str, page_date: dt.date | None) -> int:
    """How many trade figures steppe's extractor finds in one article."""
    from steppe.extraction.figures import extract_trade_figures

    return len(extract_trade_figures(title, body, page_date))
