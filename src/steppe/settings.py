"""Every setting of a run, in one frozen dataclass, read from the environment at the edge only.

`Settings.from_env()` is called by the edges (the CLI, the DAG's tasks, the bench, tests) and the
result is passed down; nothing below them reads the environment. Relative paths are taken from
the directory the command runs in, as a shell user expects.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PAGE_BUDGET_SECONDS = 5.0
DEFAULT_MAX_DUMP_BYTES = 5 * 1024 * 1024  # a page dump is ~16 KB
DEFAULT_LOCK_WAIT_SECONDS = 900.0
DEFAULT_STALE_RUN_SECONDS = 6 * 3600.0
DEFAULT_TASK_TIMEOUT_SECONDS = 1800.0
DEFAULT_SETTLE_SECONDS = 2.0  # a file modified this recently may still be being written
DEFAULT_BATCH_SIZE = 200  # dumps per parse batch, article contents per extract batch (the DAG's fan-out)
# DuckDB's buffer limit per connection; empty: DuckDB's own default (80 % of RAM). Set, memory stays flat
# as the warehouse grows and larger operations spill to a temporary folder beside the database; but an
# operator that cannot spill then fails the run (at 1GB the 100,000-dump bench failed so), hence no default.
DEFAULT_DUCKDB_MEMORY_LIMIT = ""
_MEMORY_LIMIT_RE = re.compile(r"\d{1,6}(?:\.\d{1,3})?\s?[KMGT]i?B", re.IGNORECASE)

# Environment variable -> Settings field (the contract's names, docs/contract.md).
RAW_DIR_ENV = "STEPPE_RAW_DIR"
WAREHOUSE_ENV = "STEPPE_WAREHOUSE"
REPORTS_DIR_ENV = "STEPPE_REPORTS_DIR"
ALLOWED_ROOTS_ENV = "STEPPE_ALLOWED_ROOTS"
PAGE_BUDGET_ENV = "STEPPE_PAGE_BUDGET_SECONDS"
MAX_DUMP_BYTES_ENV = "STEPPE_MAX_DUMP_BYTES"
LOCK_WAIT_ENV = "STEPPE_LOCK_WAIT_SECONDS"
STALE_ENV = "STEPPE_STALE_RUN_SECONDS"
TASK_TIMEOUT_ENV = "STEPPE_TASK_TIMEOUT_SECONDS"
PROJECT_DIR_ENV = "STEPPE_PROJECT_DIR"
BACKEND_ENV = "STEPPE_BACKEND"
LAKE_CATALOG_ENV = "STEPPE_LAKE_CATALOG"
LAKE_DATA_PATH_ENV = "STEPPE_LAKE_DATA_PATH"
BATCH_SIZE_ENV = "STEPPE_BATCH_SIZE"
MEMORY_LIMIT_ENV = "STEPPE_DUCKDB_MEMORY_LIMIT"

FILE_BACKEND = "file"  # the default: one published DuckDB file (STEPPE_WAREHOUSE)
LAKE_BACKEND = "ducklake"  # a DuckLake: catalog in PostgreSQL, Parquet under a data path (steppe.lake)
BACKENDS = (FILE_BACKEND, LAKE_BACKEND)

PROJECT_MARKERS = ("dbt_project/dbt_project.yml", "expectations/gx/great_expectations.yml")


def find_project_dir(start: Path | None = None) -> Path:
    """The folder holding dbt_project/ and expectations/: the working directory or one above it,
    else the source checkout this package runs from (an editable install), else the working
    directory (a run then names the missing project in its error)."""
    here = (start or Path.cwd()).resolve()
    checkout = Path(__file__).resolve().parents[2]
    for folder in (here, *here.parents, checkout):
        if all((folder / marker).is_file() for marker in PROJECT_MARKERS):
            return folder
    return here


def _absolute(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number from env[name]; the default when unset, empty or not a positive number."""
    try:
        value = float(env.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if value > 0 else default


def _non_negative(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(env.get(name, "").strip() or default)
    except ValueError:
        return default
    return max(value, 0.0)


def _backend(env: Mapping[str, str]) -> tuple[str, str, str]:
    """(backend, lake catalog, lake data path). A misspelt backend raises rather than quietly
    publishing somewhere else; the lake backend needs its catalog."""
    backend = env.get(BACKEND_ENV, "").strip().lower() or FILE_BACKEND
    if backend not in BACKENDS:
        raise ValueError(f"{BACKEND_ENV}={backend!r}: expected one of {', '.join(BACKENDS)}")
    catalog = env.get(LAKE_CATALOG_ENV, "").strip()
    if backend == LAKE_BACKEND and not catalog:
        example = "postgres:dbname=steppe host=127.0.0.1"
        raise ValueError(f"{BACKEND_ENV}=ducklake needs {LAKE_CATALOG_ENV} (e.g. {example})")
    data = env.get(LAKE_DATA_PATH_ENV, "").strip()
    if data and "://" not in data:  # a local folder; an object store (s3://...) is kept as it is
        data = str(_absolute(data))
    return backend, catalog, data


def _memory_limit(env: Mapping[str, str]) -> str:
    """A DuckDB memory_limit such as 1GB or 512MiB (empty: DuckDB's default); else a ValueError naming the variable."""
    value = env.get(MEMORY_LIMIT_ENV, "").strip() or DEFAULT_DUCKDB_MEMORY_LIMIT
    if value and not _MEMORY_LIMIT_RE.fullmatch(value):
        raise ValueError(f"{MEMORY_LIMIT_ENV}={value[:40]!r}: expected a size such as 1GB or 512MiB")
    return value


def _roots(value: str) -> tuple[Path, ...]:
    """os.pathsep-separated folders, resolved (a root reached through a link is compared as what it is)."""
    return tuple((Path.cwd() / part.strip()).resolve() for part in value.split(os.pathsep) if part.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    raw_dir: Path  # incoming dumps (*.txt)
    warehouse: Path  # the published DuckDB file BI tools read
    reports_dir: Path  # the quality report (index.html), GX Data Docs and one JSON record per run
    # Folders besides the raw folder that a symbolic link in it may point into (resolved).
    allowed_roots: tuple[Path, ...] = ()
    page_budget_seconds: float = DEFAULT_PAGE_BUDGET_SECONDS  # parse one page or extract one article
    max_dump_bytes: int = DEFAULT_MAX_DUMP_BYTES  # larger files are refused unread
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS  # wait for another run's writer lock
    stale_run_seconds: float = DEFAULT_STALE_RUN_SECONDS  # an idle staged run's folder may be removed
    task_timeout_seconds: float = DEFAULT_TASK_TIMEOUT_SECONDS  # Airflow execution_timeout of every task
    settle_seconds: float = DEFAULT_SETTLE_SECONDS  # files modified more recently wait for the next run
    project_dir: Path = field(default_factory=find_project_dir)  # holds dbt_project/ and expectations/
    # Where runs publish: "file" (the warehouse file) or "ducklake" (steppe.lake). With the lake, the
    # warehouse path only anchors the run state beside it (lock, working copies, dbt's cache).
    backend: str = FILE_BACKEND
    lake_catalog: str = ""  # after "ducklake:", e.g. postgres:dbname=steppe host=127.0.0.1 (no password)
    lake_data_path: str = ""  # the lake's Parquet files: a folder, or s3://bucket/prefix/
    batch_size: int = DEFAULT_BATCH_SIZE  # the DAG parses and extracts in mapped tasks of this many
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT  # every DuckDB connection of a run, dbt's included

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives (os.environ by default), the contract's defaults for the rest."""
        env = os.environ if env is None else env
        warehouse = _absolute(env.get(WAREHOUSE_ENV) or "data/warehouse.duckdb")
        project = env.get(PROJECT_DIR_ENV)
        backend, lake_catalog, lake_data_path = _backend(env)
        return cls(
            raw_dir=_absolute(env.get(RAW_DIR_ENV) or "data/raw"),
            warehouse=warehouse,
            # A report follows the warehouse it describes: a side run never touches the default report.
            reports_dir=_absolute(env.get(REPORTS_DIR_ENV) or str(warehouse.parent / "reports")),
            allowed_roots=_roots(env.get(ALLOWED_ROOTS_ENV, "")),
            page_budget_seconds=_positive(env, PAGE_BUDGET_ENV, DEFAULT_PAGE_BUDGET_SECONDS),
            max_dump_bytes=int(_positive(env, MAX_DUMP_BYTES_ENV, DEFAULT_MAX_DUMP_BYTES)),
            lock_wait_seconds=_non_negative(env, LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_SECONDS),
            stale_run_seconds=_non_negative(env, STALE_ENV, DEFAULT_STALE_RUN_SECONDS),
            task_timeout_seconds=_positive(env, TASK_TIMEOUT_ENV, DEFAULT_TASK_TIMEOUT_SECONDS),
            project_dir=_absolute(project) if project else find_project_dir(),
            backend=backend,
            lake_catalog=lake_catalog,
            lake_data_path=lake_data_path,
            batch_size=max(1, int(_positive(env, BATCH_SIZE_ENV, DEFAULT_BATCH_SIZE))),
            duckdb_memory_limit=_memory_limit(env),
        )

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def uses_lake(self) -> bool:
        return self.backend == LAKE_BACKEND

    # --- where things live ------------------------------------------------------------------------
    # Beside the warehouse, transient: the writer lock, the runs' working folders, dbt's artifacts
    # (a cache). What must last (the run ledger, publications) lives inside the warehouse file.

    @property
    def state_dir(self) -> Path:
        return self.warehouse.parent / f".{self.warehouse.stem}.steppe"

    @property
    def work_dir(self) -> Path:
        """Where a run builds its working copy before publishing (write-audit-publish)."""
        return self.state_dir / "work"

    @property
    def lock_file(self) -> Path:
        """Held by the run that writes; serialises overlapping runs."""
        return self.state_dir / "writer.lock"

    @property
    def dbt_dir(self) -> Path:
        """dbt's target/ and logs/ for this warehouse (partial parsing reuses them)."""
        return self.state_dir / "dbt"

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_dir / "dbt_project"

    @property
    def expectations_dir(self) -> Path:
        return self.project_dir / "expectations"


def page_budget_from_env(env: Mapping[str, str] | None = None) -> float:
    """STEPPE_PAGE_BUDGET_SECONDS alone (for code that has no Settings: a script, a test)."""
    return _positive(os.environ if env is None else env, PAGE_BUDGET_ENV, DEFAULT_PAGE_BUDGET_SECONDS)
