"""dbt: build the staging and mart models (and run their tests) on a DuckDB file.

The article models are incremental: a build recomputes only the articles whose appearances
changed. An incremental table is only as right as the SQL that built it, so when the dbt
project itself changed since the warehouse's last build (a digest of its models, macros and
settings, kept in audit.dbt_builds) the build is a full refresh.

After a build, `dbt docs generate --static` writes dbt's docs site as one page (models, columns,
descriptions, lineage: the project's own text, no page text) beside the quality report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from steppe.allocator import return_freed_memory_at_once
from steppe.config import PROJECT_ROOT
from steppe.digests import files_digest
from steppe.settings import DEFAULT_DUCKDB_MEMORY_LIMIT
from steppe.warehouse import connect

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# What decides the tables' content (model yml holds configs too); data tests change no table.
_DIGESTED = ("dbt_project.yml", "models/**/*.sql", "models/**/*.yml", "macros/**/*.sql")
# The manifest of each version of the project (steppe.manifest reads the marts' contract in it).
MANIFEST_CACHE_DIR = DBT_PROJECT_DIR / "target" / "steppe"
DATABASE_VAR = "steppe_database"  # the dbt var profiles.yml reads the DuckDB file's path from
MEMORY_LIMIT_VAR = "steppe_memory_limit"  # and DuckDB's memory_limit (Settings.duckdb_memory_limit)


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
    docs_page: str | None = None  # dbt's static docs page, when written
    docs_seconds: float | None = None
    docs_error: str | None = None  # why it was not: the build stands without its docs

    def as_dict(self) -> dict[str, object]:
        return {
            "full_refresh": self.full_refresh,
            "log": self.log,
            "docs_page": self.docs_page,
            "docs_seconds": self.docs_seconds,
            "docs_error": self.docs_error,
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


def dbt_build(
    database: Path, artifacts_dir: Path, *, full_refresh: bool | None = None, docs_page: Path | None = None,
    project_dir: Path = DBT_PROJECT_DIR, memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT,
) -> DbtReport:
    """`dbt build` against `database`; raises DbtBuildError naming what failed.

    full_refresh=None decides by the project digest: a full refresh when the warehouse was last
    built by another version of the project (or never), incremental otherwise. docs_page: where
    to write dbt's static docs page after a successful build (_write_docs_page). project_dir: the
    dbt project (Settings.dbt_project_dir).
    """
    artifacts_dir = artifacts_dir.absolute()  # dbt runs in the database's folder (_invoke)
    digest = project_digest(project_dir)
    if full_refresh is None:
        full_refresh = last_built_digest(database) != digest

    args = [
        "build",
        # Unit tests check the SQL, not the data: they run in `make test` (tests/integration/
        # test_dbt_unit_tests.py), as dbt advises, and would cost every hourly run half a second.
        "--exclude-resource-type", "unit_test",
    ]
    if full_refresh:
        args.append("--full-refresh")
    with _one_duckdb_instance():
        report = _build(args, database, artifacts_dir, project_dir, memory_limit, full_refresh, docs_page)
    record_build(database, digest, full_refresh=full_refresh)
    with contextlib.suppress(OSError):  # a cache: the build stands without it
        keep_manifest(artifacts_dir / "target" / "manifest.json", cached_manifest_path(digest, project_dir))
    return report


def _build(
    args: list[str], database: Path, artifacts_dir: Path, project_dir: Path, memory_limit: str, full_refresh: bool,
    docs_page: Path | None,
) -> DbtReport:
    """The build, then its docs page, in one DuckDB instance (_one_duckdb_instance)."""
    result = _invoke(args, database, artifacts_dir, project_dir, memory_limit)
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
    if docs_page is not None:
        started = time.perf_counter()
        try:
            report.docs_page = str(_write_docs_page(database, artifacts_dir, docs_page, project_dir, memory_limit))
        except (DbtDocsError, OSError) as exc:
            report.docs_error = str(exc)
        report.docs_seconds = round(time.perf_counter() - started, 3)
    return report


def cached_manifest_path(digest: str, project_dir: Path = DBT_PROJECT_DIR) -> Path:
    return project_dir / MANIFEST_CACHE_DIR.relative_to(DBT_PROJECT_DIR) / f"manifest-{digest[:16]}.json"


def keep_manifest(manifest: Path, cached: Path) -> None:
    """Keep a copy of `manifest` as `cached`, written whole then renamed (a reader sees all of it
    or nothing), and drop the manifests of other versions of the project."""
    if cached.is_file():
        return
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=f".{cached.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(manifest, tmp)
        os.chmod(tmp, 0o644)  # read by every process of the project, as dbt's own artifacts are
        os.replace(tmp, cached)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for stale in cached.parent.glob("manifest-*.json"):
        if stale != cached:
            stale.unlink(missing_ok=True)


class DbtParseError(RuntimeError):
    """dbt parse failed."""


def parse_project(workdir: Path) -> Path:
    """`dbt parse` of the project with its artifacts in `workdir`; returns the manifest's path.

    Parsing opens no database: the one the profile names (inside workdir) is never created.
    """
    workdir = workdir.absolute()
    with _one_duckdb_instance():
        result = _invoke(["parse"], workdir / "unused.duckdb", workdir)
    manifest = workdir / "target" / "manifest.json"
    if not result.success or not manifest.is_file():
        raise DbtParseError(f"dbt parse failed: {result.exception} (dbt's log: {dbt_log_path(workdir)})")
    return manifest


class DbtDocsError(RuntimeError):
    """dbt docs generate failed."""


def _write_docs_page(
    database: Path, artifacts_dir: Path, page: Path, project_dir: Path = DBT_PROJECT_DIR,
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT,
) -> Path:
    """dbt's docs site for `database` as one self-contained page, written to `page` (replaced whole).

    `dbt docs generate --static` inlines the manifest and the catalog (tables, columns, types,
    comments; no row of data) into a page that needs its own inline script: it cannot carry the
    report pages' no-script policy. --no-compile: the build just compiled every model, and its
    manifest (same target path) is reused. Run by _build, in the build's DuckDB instance.
    """
    artifacts_dir = artifacts_dir.absolute()
    result = _invoke(["docs", "generate", "--static", "--no-compile"], database, artifacts_dir, project_dir,
                     memory_limit)
    generated = artifacts_dir / "target" / "static_index.html"
    if not result.success or not generated.is_file():
        raise DbtDocsError(f"dbt docs generate failed on {database}: {result.exception} "
                           f"(dbt's log: {dbt_log_path(artifacts_dir)})")
    page.parent.mkdir(parents=True, exist_ok=True)
    # Readers of the reports folder never see half a page: a copy beside it, then one rename.
    fd, tmp = tempfile.mkstemp(dir=page.parent, prefix=f".{page.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(generated, tmp)
        os.chmod(tmp, 0o644)  # as readable as the report pages beside it (mkstemp makes it 0600)
        os.replace(tmp, page)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return page


def _dbt_vars(database: Path, memory_limit: str) -> dict[str, str]:
    """The vars of every dbt call: the database, and the memory limit only when one is set (without it the
    build keeps DuckDB's own default, like every other connection; macros/set_memory_limit.sql)."""
    return {DATABASE_VAR: database.name, **({MEMORY_LIMIT_VAR: memory_limit} if memory_limit else {})}


def _invoke(
    command: list[str], database: Path, artifacts_dir: Path, project_dir: Path = DBT_PROJECT_DIR,
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT,
) -> Any:
    """dbt `command` against `database`, in this process; returns dbt's dbtRunnerResult. Call it within
    _one_duckdb_instance(), which closes the DuckDB instance dbt-duckdb keeps open after it."""
    from dbt.cli.main import dbtRunner  # heavy: imported in the task, never at DAG parse time

    args = [
        *command,
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        # The database is a var the profile reads (profiles.yml). dbt re-parses the whole project
        # when its vars change, and the working copy's path changes every run; named relative to
        # the working directory it stays the same, and dbt's partial parsing
        # (target/partial_parse.msgpack) saves every run that parse.
        "--vars", json.dumps(_dbt_vars(database, memory_limit)),
        "--no-send-anonymous-usage-stats",
        # Artifacts beside the warehouse's state, so runs on different warehouses never mix.
        "--target-path", str(artifacts_dir / "target"),
        # dbt's log goes to its file only: a build prints ~190 lines the operator does not need;
        # the run's summary names the file (dbt_log_path) and failures are raised by the callers.
        "--log-path", str(artifacts_dir / "logs"),
        "--log-level", "none",
        "--log-level-file", "debug",  # dbt's default for its file: says whether it parsed partially
        "--no-use-colors",
    ]
    with contextlib.chdir(database.parent), _quiet_logging_errors():
        return dbtRunner().invoke(args)


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


@contextlib.contextmanager
def _one_duckdb_instance() -> Iterator[None]:
    """The dbt commands run inside share one DuckDB instance, closed on the way out (_release_database).

    dbt-duckdb reuses its instance across invocations with the same profile and vars. The build's
    start-of-run hook sets the memory limit on it (macros/set_memory_limit.sql); `dbt docs generate`
    runs no hooks, so the docs step runs in the build's instance to keep that limit. DuckDB gives back
    what it frees at once, as in every connection of a run (allocator.py).
    """
    return_freed_memory_at_once()
    try:
        yield
    finally:
        _release_database()


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
