"""dbt: build the staging and mart models (and run their tests) on a DuckDB file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from steppe.config import PROJECT_ROOT

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


class DbtBuildError(RuntimeError):
    """dbt build failed: a model did not build or a blocking test failed."""


@dataclass(slots=True)
class DbtReport:
    models: int = 0
    tests_passed: int = 0
    tests_failed: int = 0
    warnings: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "models": self.models,
            "tests_passed": self.tests_passed,
            "tests_failed": self.tests_failed,
            "warnings": self.warnings,
            "failures": self.failures,
        }


def dbt_build(database: Path, artifacts_dir: Path) -> DbtReport:
    """`dbt build` against `database`; raises DbtBuildError naming what failed."""
    from dbt.cli.main import dbtRunner  # heavy: imported in the task, never at DAG parse time

    os.environ["STEPPE_DBT_DATABASE"] = str(database)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    args = [
        "build",
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        # Artifacts beside the warehouse's state, so runs on different warehouses never mix.
        "--target-path", str(artifacts_dir / "target"),
        "--log-path", str(artifacts_dir / "logs"),
        "--no-use-colors",
    ]
    try:
        result = dbtRunner().invoke(args)
    finally:
        _release_database()
    report = DbtReport()
    for node in getattr(result.result, "results", None) or []:
        kind = node.node.resource_type
        status = str(node.status)
        if kind in ("model", "seed", "snapshot"):
            report.models += 1
        elif kind in ("test", "unit_test"):
            if status == "pass":
                report.tests_passed += 1
            elif status == "warn":
                report.warnings += 1
            else:
                report.tests_failed += 1
        if status in ("error", "fail"):
            report.failures.append(f"{node.node.unique_id}: {status}: {node.message}")
    if not result.success:
        detail = "; ".join(report.failures) or str(result.exception)
        raise DbtBuildError(f"dbt build failed on {database}: {detail}")
    return report


def _release_database() -> None:
    """Close the DuckDB instance dbt-duckdb keeps for the process.

    dbt-duckdb holds one open environment per process between invocations; left open, it keeps
    the file locked (other connections in this process fail) and its WAL unmerged (the file
    could not be published). dbt-duckdb offers no public close, so this reaches for its
    connection manager's environment, as its own close_all_connections does.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
