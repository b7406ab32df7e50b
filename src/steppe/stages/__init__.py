"""The pipeline's stages, declared once: the Airflow DAG, `steppe run` and the bench loop over STAGES.

A stage is a pure function `run(con, settings) -> report` (or `run(database, settings)` for the
stages that hand the file to dbt or GX): no lock, no paths of its own, no environment. The
warehouse store (steppe.store) opens the run's working copy, runs the stage in one transaction
and records its report. This module imports nothing heavy: the DAG reads it at parse time, and a
stage's module is imported only when the stage runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Stage:
    name: str  # the key of its report in a run's results
    task_id: str  # the Airflow task that runs it
    opens: Literal["connection", "file"]  # a DuckDB connection in a transaction, or the file (dbt, GX)
    doc: str
    fans_out: bool = False  # the DAG runs it as plan -> mapped batches -> merge (steppe.stages.batches)

    @property
    def module(self) -> str:
        return f"{__name__}.{self.name}"

    def function(self) -> Callable[[Any, Any], Any]:
        """The stage's run(), looked up when called (a test may wrap it)."""
        run: Callable[[Any, Any], Any] = importlib.import_module(self.module).run
        return run


STAGES: tuple[Stage, ...] = (
    Stage("land", "land", "connection", "Land every new file of the raw folder, or refuse it with a reason."),
    Stage("parse", "parse", "connection", "Parse the dumps not yet parsed by this parser version.", fans_out=True),
    Stage("extract", "extract", "connection", "Extract entities and trade figures of new article contents.",
          fans_out=True),
    Stage("build", "dbt_build", "file", "dbt build (models and data tests) on the working copy."),
    Stage("validate", "validate", "file", "GX checkpoints; a blocking failure fails the run without publishing."),
)


def stage(name: str) -> Stage:
    for candidate in STAGES:
        if name in (candidate.name, candidate.task_id):
            return candidate
    raise KeyError(f"no stage named {name!r}")
