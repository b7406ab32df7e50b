"""The build stage: `dbt build` (models and data tests) on the run's working copy, and dbt's docs page
beside the report."""

from __future__ import annotations

from pathlib import Path

from steppe.settings import Settings


def run(database: Path, settings: Settings) -> object:
    from steppe.integrations.dbt import dbt_build  # heavy: imported when the stage runs
    from steppe.report import DBT_DOCS_PAGE

    return dbt_build(database, settings.dbt_dir, docs_page=settings.reports_dir / DBT_DOCS_PAGE,
                     project_dir=settings.dbt_project_dir, memory_limit=settings.duckdb_memory_limit)
