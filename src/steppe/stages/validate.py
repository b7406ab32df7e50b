"""The validate stage: the Great Expectations checkpoints on the run's working copy. A blocking
failure raises QualityGateError: the store records the run as failed and publishes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from steppe.settings import Settings


class QualityGateError(RuntimeError):
    """Blocking data-quality checks failed: the run stops and nothing is published."""

    def __init__(self, message: str, summary: dict[str, Any], checks: list[str]) -> None:
        super().__init__(message)
        self.summary = summary  # the stage's result, for the report
        self.checks = checks  # the failed blocking checks, one line each


def run(database: Path, settings: Settings) -> object:
    from steppe.integrations.quality import validate_warehouse  # heavy: imported when the stage runs

    quality = validate_warehouse(database, settings.reports_dir, project_dir=settings.expectations_dir,
                                 memory_limit=settings.duckdb_memory_limit)
    if quality.blocking_failures:
        failed = [f"{c.suite}: {c.expectation}" + (f" on {c.column}" if c.column else "")
                  for c in quality.blocking_failures]
        raise QualityGateError(
            f"{len(failed)} blocking data-quality checks failed "
            f"({'; '.join(failed[:5])}{' …' if len(failed) > 5 else ''}); the published warehouse is unchanged",
            quality.as_dict(),
            failed,
        )
    return quality
