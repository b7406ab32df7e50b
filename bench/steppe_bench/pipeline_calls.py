"""Every use the benchmark makes of the steppe package, in one place: when steppe's pipeline API
changes, this module is the one to adapt. The other bench modules import steppe only through it.

The bench runs the stages as `steppe run` does (steppe.store.WarehouseStore over steppe.stages.STAGES),
one by one, so that it can time and memory-watch each: prepare, every stage in order, publish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from steppe.config import PROJECT_ROOT
from steppe.parsing import parse_page
from steppe.settings import Settings
from steppe.stages import STAGES

__all__ = ["PROJECT_ROOT", "STAGE_NAMES", "STAGE_RENAMES", "Settings", "bench_settings", "dbt_target_dir",
           "count_entities", "count_trade_figures", "parse_page", "run_stages"]

# The bench's names of the pipeline's stages (bench.json, tables): the stages' own names except for these two.
STAGE_RENAMES = {"build": "dbt_build", "validate": "gx_validate"}
STAGE_NAMES = ("prepare", *(STAGE_RENAMES.get(stage.name, stage.name) for stage in STAGES), "publish")

StageResult = dict[str, Any]
# Runs one stage call under the bench's name for it and returns the stage's result.
Timed = Callable[[str, Callable[[], StageResult]], StageResult]


def bench_settings(root: Path, raw_dir: Path) -> Settings:
    """A warehouse and reports folder of its own under root, reading raw_dir."""
    return Settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "warehouse.duckdb", reports_dir=root / "reports",
                    settle_seconds=0)


def dbt_target_dir(settings: Settings) -> Path:
    """Where the warehouse's dbt builds leave run_results.json and the partial-parse cache."""
    return settings.dbt_dir / "target"


def run_stages(settings: Settings, timed: Timed, results: dict[str, StageResult]) -> None:
    """One whole pipeline run, every stage through timed(name, call); results gets each stage's result.

    A failure is recorded by the store (as `steppe run` records it) and raised again.
    """
    from steppe.store import WarehouseStore, failure_of

    store = WarehouseStore(settings)
    prepared = {}

    def prepare() -> StageResult:
        prepared["run"] = store.prepare(mode="process")
        return {"run_id": prepared["run"].run_id}

    timed("prepare", prepare)
    run = prepared["run"]
    try:
        for stage in STAGES:
            results[stage.name] = timed(STAGE_RENAMES.get(stage.name, stage.name), partial(run.execute, stage))
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
