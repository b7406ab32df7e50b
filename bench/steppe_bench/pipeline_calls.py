"""Every use the benchmark makes of the steppe package, in one place: when steppe's pipeline API
changes, this module is the one to adapt. The other bench modules import steppe only through it.

The stages are called one by one, as run_pipeline runs them (prepare, STAGES in order, validate,
publish), so that the bench can time and memory-watch each one; see run_stages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from steppe.config import PROJECT_ROOT, Settings
from steppe.parsing import parse_page

__all__ = ["PROJECT_ROOT", "STAGE_NAMES", "STAGE_RENAMES", "Settings", "bench_settings", "dbt_target_dir",
           "count_entities", "count_trade_figures", "parse_page", "run_stages"]

# The bench's names of the pipeline's stages (bench.json, tables): pipeline.STAGES' own names
# except for these two. tests/unit/test_bench_generator.py checks STAGE_NAMES against pipeline.STAGES.
STAGE_RENAMES = {"build": "dbt_build", "validate": "gx_validate"}
STAGE_NAMES = ("prepare", "land", "parse", "extract", "dbt_build", "gx_validate", "publish")

StageResult = dict[str, Any]
# Runs one stage call under the bench's name for it and returns the stage's result.
Timed = Callable[[str, Callable[[], StageResult]], StageResult]


def bench_settings(root: Path, raw_dir: Path) -> Settings:
    """A warehouse and reports folder of its own under root, reading raw_dir."""
    return Settings(raw_dir=raw_dir, warehouse=root / "warehouse" / "warehouse.duckdb", reports_dir=root / "reports")


def dbt_target_dir(settings: Settings) -> Path:
    """Where the warehouse's dbt builds leave run_results.json and the partial-parse cache."""
    return settings.state_dir / "dbt" / "target"


def run_stages(settings: Settings, timed: Timed, results: dict[str, StageResult]) -> None:
    """One whole pipeline run, every stage through timed(name, call); results gets each stage's result.

    A failure is raised again after the run is recorded as failed, as run_pipeline records it
    (validate records its own quality-gate failure).
    """
    from steppe import pipeline

    run_id = None
    try:
        run_id = timed("prepare", partial(pipeline.prepare, settings))["run_id"]
        for name, stage in pipeline.STAGES:
            kwargs: dict[str, Any] = {"settle_seconds": 0} if name == "land" else {}
            results[name] = timed(STAGE_RENAMES.get(name, name), partial(stage, run_id, settings, **kwargs))
        results["validate"] = timed(STAGE_RENAMES["validate"], partial(pipeline.validate, run_id, settings, results))
        results["publish"] = timed("publish", partial(pipeline.publish, run_id, settings, results))
    except Exception as exc:
        if run_id is not None and not isinstance(exc, pipeline.QualityGateError):
            _record_failure(settings, run_id, f"{type(exc).__name__}: {exc}")
        raise


def _record_failure(settings: Settings, run_id: str, reason: str) -> None:
    """Mark the run failed in the warehouse's ledger."""
    from steppe.runs import RunPaths, record_finished

    paths = RunPaths.of(settings, run_id)
    if paths.run_dir.exists():
        record_finished(settings, paths, "failed", reason=reason)


def count_entities(title: str, body: str) -> int:
    """How many entity mentions steppe's extractor finds in one article."""
    from steppe.extraction.entities import extract_entities  # loads its gazetteers on first use

    return len(extract_entities(title, body))


def count_trade_figures(title: str, body: str, page_date: dt.date | None) -> int:
    """How many trade figures steppe's extractor finds in one article."""
    from steppe.extraction.figures import extract_trade_figures

    return len(extract_trade_figures(title, body, page_date))
