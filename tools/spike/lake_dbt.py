"""Spike (issue 14), question 3: this project's dbt build on a DuckLake, marts compared with a
single-file build.

    .venv/bin/python tools/spike/lake_dbt.py FILE_WAREHOUSE LAKE_DB DATA_PATH PROJECT_DIR [--keep]

Copies the Python-written tables (raw.*, audit.rejected_dumps, audit.ignored_files) of a built
single-file warehouse into a new DuckLake (PostgreSQL database LAKE_DB recreated), runs `dbt build`
with tools/spike/dbt_lake/profiles.yml on PROJECT_DIR (dbt_project, or a patched copy of it), and
prints each mart's hash in both.
"""

# SQL here is built from this spike's own constant table and mart names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_basics import recreate_database  # noqa: E402
from lake_ext import attach_lake, connect_offline, default_extension_dir, ensure_extensions  # noqa: E402

SPIKE = Path(__file__).resolve().parent
SOURCE_TABLES_SQL = (
    "select schema_name, table_name from duckdb_tables() where database_name = 'src'"
    " and (schema_name = 'raw' or (schema_name = 'audit' and table_name in ('rejected_dumps', 'ignored_files')))"
    " order by 1, 2"
)
MARTS = ("articles", "fx_daily", "entities", "article_entities", "trade_figures")


def copy_sources(file_warehouse: Path, dbname: str, data_path: Path) -> None:
    con = connect_offline()
    attach_lake(con, dbname, data_path)
    con.execute(f"ATTACH '{file_warehouse}' AS src (READ_ONLY)")
    con.execute("BEGIN")
    for schema in ("raw", "audit"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS lake.{schema}")
    for schema, table in con.execute(SOURCE_TABLES_SQL).fetchall():
        con.execute(f"CREATE TABLE lake.{schema}.{table} AS SELECT * FROM src.{schema}.{table}")
    con.execute("COMMIT")
    con.close()


def run_dbt(project_dir: Path, dbname: str, data_path: Path, target: Path, extra_args: list[str]) -> int:
    env = dict(
        os.environ, DO_NOT_TRACK="1", STEPPE_LAKE_DBNAME=dbname, STEPPE_LAKE_DATA_PATH=f"{data_path}/",
        STEPPE_DUCKDB_EXTENSION_DIR=str(ensure_extensions(default_extension_dir())),
    )
    command = [
        str(Path(sys.executable).parent / "dbt"), "build", "--project-dir", str(project_dir),
        "--profiles-dir", str(SPIKE / "dbt_lake"), "--target-path", str(target / "target"),
        "--log-path", str(target / "logs"), "--no-use-colors",
        # As the pipeline's build (steppe.integrations.dbt): unit tests run in `make test` only.
        "--exclude-resource-type", "unit_test", *extra_args,
    ]
    started = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    target.mkdir(parents=True, exist_ok=True)
    (target / "stdout.txt").write_text(result.stdout)
    print("\n".join(line for line in result.stdout.splitlines() if "ERROR" in line or "FAIL" in line or "WARN" in line))
    print(result.stdout[result.stdout.rfind("Finished running"):])
    print(f"dbt build exit {result.returncode} in {time.monotonic() - started:.1f}s")
    return result.returncode


def mart_hashes(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, str]:
    """As tests/conftest.py table_hashes: sha256 of the sorted repr of every row."""
    out = {}
    for mart in MARTS:
        try:
            rows = sorted(repr(r) for r in con.execute(f"select * from {catalog}.marts.{mart}").fetchall())
        except duckdb.Error as error:
            out[mart] = f"ERROR {error}"[:120]
            continue
        out[mart] = f"{len(rows)} rows " + hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
    return out


def compare(file_warehouse: Path, dbname: str, data_path: Path) -> None:
    con = connect_offline()
    attach_lake(con, dbname, data_path, read_only=True)
    con.execute(f"ATTACH '{file_warehouse}' AS src (READ_ONLY)")
    single, lake = mart_hashes(con, "src"), mart_hashes(con, "lake")
    for mart in MARTS:
        verdict = "EQUAL" if single[mart] == lake[mart] else "DIFF"
        print(f"  {mart:18} file {single[mart]}  lake {lake[mart]}  {verdict}")
    print("  snapshots:", con.execute("select count(*), max(snapshot_id) from lake.snapshots()").fetchone())


def main(file_warehouse: Path, dbname: str, data_path: Path, project_dir: Path, keep: bool) -> None:
    if not keep:
        recreate_database(dbname)
        shutil.rmtree(data_path, ignore_errors=True)  # files of an earlier run would outlive its catalog
        copy_sources(file_warehouse, dbname, data_path)
    extra = [arg for arg in sys.argv[5:] if arg != "--keep"]
    run_dbt(project_dir, dbname, data_path, data_path.parent / "dbt-artifacts", extra)
    compare(file_warehouse, dbname, data_path)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), "--keep" in sys.argv)
