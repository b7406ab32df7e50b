"""dbt: build the staging and mart models (and run their tests) on a DuckDB file.

The article models are incremental: a build recomputes only the articles whose appearances
changed. An incremental table is only as right as the SQL that built it, so when the dbt
project itself changed since the warehouse's last build (a digest of its models, macros and
settings, kept in audit.dbt_builds) the build is a full refresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from steppe.config import PROJECT_ROOT
from steppe.digests import files_digest
from steppe.warehouse import connect

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# What decides the tables' content (model yml holds configs too); data tests change no table.
_DIGESTED = ("dbt_project.yml", "models/**/*.sql", "models/**/*.yml", "macros/**/*.sql")


class DbtBuildError(RuntimeError):
    """dbt build failed: a model did not build or a blocking test failed."""


@dataclass(slots=True)
class DbtReport:
    models: int = 0
    tests_passed: int = 0
    tests_failed: int = 0
    warnings: int = 0
    failures: list[str] = field(default_factory=list)
    full_refresh: bool = False
    log: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "full_refresh": self.full_refresh,
            "log": self.log,
            "models": self.models,
            "tests_passed": self.tests_passed,
            "tests_failed": self.tests_failed,
            "warnings": self.warnings,
            "failures": self.failures,
        }


def project_digest(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """sha256 over the files that decide what the models compute (path and content of each)."""
    return files_digest(project_dir, {path for pattern in _DIGESTED for path in project_dir.glob(pattern)})


def last_built_digest(database: Path) -> str | None:
    with connect(database) as con:
        row = con.execute("select project_digest from audit.dbt_builds order by built_at desc limit 1").fetchone()
    return str(row[0]) if row else None


def record_build(database: Path, digest: str, *, full_refresh: bool) -> None:
    with connect(database) as con:
        con.execute("insert into audit.dbt_builds values (?, ?, ?)", [digest, full_refresh, dt.datetime.now(dt.UTC)])


def dbt_build(database: Path, artifacts_dir: Path, *, full_refresh: bool | None = None) -> DbtReport:
    """`dbt build` against `database`; raises DbtBuildError naming what failed.

    full_refresh=None decides by the project digest: a full refresh when the warehouse was last
    built by another version of the project (or never), incremental otherwise.
    """
    from dbt.cli.main import dbtRunner  # heavy: imported in the task, never at DAG parse time

    artifacts_dir = artifacts_dir.absolute()  # dbt runs in the database's folder (below)
    digest = project_digest()
    if full_refresh is None:
        full_refresh = last_built_digest(database) != digest

    # dbt re-parses the whole project when its profile changes, and the working copy's path
    # changes every run; named relative to the working directory it stays the same, and dbt's
    # partial parsing (target/partial_parse.msgpack) saves every run that parse.
    os.environ["STEPPE_DBT_DATABASE"] = database.name
    os.environ.setdefault("DO_NOT_TRACK", "1")
    args = [
        "build",
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        # Artifacts beside the warehouse's state, so runs on different warehouses never mix.
        "--target-path", str(artifacts_dir / "target"),
        # dbt's log goes to its file only: a build prints ~190 lines the operator does not need;
        # the run's summary names the file (dbt_log_path) and failures are raised below.
        "--log-path", str(artifacts_dir / "logs"),
        "--log-level", "none",
        "--log-level-file", "debug",  # dbt's default for its file: says whether it parsed partially
        "--no-use-colors",
        # Unit tests check the SQL, not the data: they run in `make test` (tests/integration/
        # test_dbt_unit_tests.py), as dbt advises, and would cost every hourly run half a second.
        "--exclude-resource-type", "unit_test",
    ]
    if full_refresh:
        args.append("--full-refresh")
    try:
        with contextlib.chdir(database.parent), _quiet_logging_errors():
            result = dbtRunner().invoke(args)
    finally:
        _release_database()
    report = DbtReport(full_refresh=full_refresh, log=str(dbt_log_path(artifacts_dir)))
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
        cause = result.exception if isinstance(result.exception, BaseException) else None
        raise DbtBuildError(
            f"dbt build failed on {database}: {detail} (dbt's log: {dbt_log_path(artifacts_dir)})"
        ) from cause
    record_build(database, digest, full_refresh=full_refresh)
    return report


def dbt_log_path(artifacts_dir: Path) -> Path:
    """Where dbt writes its log for builds with these artifacts (its --log-path, then dbt.log)."""
    return artifacts_dir.absolute() / "logs" / "dbt.log"


@contextlib.contextmanager
def _quiet_logging_errors() -> Iterator[None]:
    """No "--- Logging error ---" traceback per failed log line while dbt runs.

    When the disk fills during a build, every line dbt logs fails to reach its file and Python's
    logging prints a traceback to stderr for each (thousands of lines); the build's own failure
    already says what happened.
    """
    previous = logging.raiseExceptions
    logging.raiseExceptions = False
    try:
        yield
    finally:
        logging.raiseExceptions = previous


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
