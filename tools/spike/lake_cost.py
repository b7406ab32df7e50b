"""Spike (issue 14), question 5: order of magnitude of writing 10,000 raw.dumps-like rows into a
DuckLake (PostgreSQL catalog, Parquet data) against a DuckDB file. Not a benchmark: shared machine.

    .venv/bin/python tools/spike/lake_cost.py LAKE_DB DATA_PATH FILE
"""

# SQL here is built from this spike's own constant table and mart names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_basics import recreate_database  # noqa: E402
from lake_ext import attach_lake, connect_offline  # noqa: E402

ROWS = 10_000
COLUMNS = (
    "dump_id VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, size_bytes BIGINT NOT NULL, "
    "encoding VARCHAR NOT NULL, content VARCHAR NOT NULL, landed_at TIMESTAMP NOT NULL"
)


def dumps(rows: int, offset: int = 0) -> pa.Table:
    """raw.dumps-like rows: ~16 KB of text each (a real page dump's size), distinct ids."""
    body = "Central Asia news. " * 850
    ids = [f"{i + offset:064x}" for i in range(rows)]
    return pa.table({
        "dump_id": ids, "sha256": ids, "file_name": [f"dump_{i + offset}.txt" for i in range(rows)],
        "size_bytes": pa.array([len(body)] * rows, pa.int64()), "encoding": ["utf-8"] * rows,
        "content": [f"{i + offset} {body}" for i in range(rows)],
        "landed_at": pa.array([0] * rows, pa.timestamp("us")),
    })


def timed(label: str, action: Callable[[], Any]) -> None:
    started = time.monotonic()
    action()
    print(f"  {label}: {time.monotonic() - started:.2f}s", flush=True)


def insert(con: Any, catalog: str, rows: pa.Table) -> None:
    con.register("new_rows", rows)
    con.execute(f"INSERT INTO {catalog}.dumps SELECT * FROM new_rows")
    con.unregister("new_rows")


def run(con: Any, catalog: str) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {catalog}.dumps ({COLUMNS})")
    bulk = dumps(ROWS)
    timed(f"{ROWS} rows, one INSERT", lambda: insert(con, catalog, bulk))
    batches = [dumps(100, ROWS + b * 100) for b in range(100)]

    def hundred_commits() -> None:
        for batch in batches:
            insert(con, catalog, batch)

    timed(f"{ROWS} rows, 100 INSERTs of 100 rows, each its own commit", hundred_commits)
    singles = [dumps(1, 2 * ROWS + i) for i in range(1000)]

    def one_transaction() -> None:
        con.execute("BEGIN")
        for single in singles:
            insert(con, catalog, single)
        con.execute("COMMIT")

    timed("1000 single-row INSERTs in one transaction", one_transaction)
    singles = [dumps(1, 3 * ROWS + i) for i in range(200)]

    def autocommit() -> None:
        for single in singles:
            insert(con, catalog, single)

    timed("200 single-row INSERTs, each its own commit", autocommit)
    query = f"SELECT count(*), sum(length(content)) FROM {catalog}.dumps"
    timed("count(*) + sum(length(content))", lambda: con.execute(query).fetchall())


def main(dbname: str, data_path: Path, file: Path) -> None:
    recreate_database(dbname)
    shutil.rmtree(data_path, ignore_errors=True)  # files of an earlier run would outlive its catalog
    data_path.mkdir(parents=True, exist_ok=True)
    file.unlink(missing_ok=True)
    con = connect_offline()
    print("DuckLake (PostgreSQL catalog, default data inlining):")
    attach_lake(con, dbname, data_path)
    run(con, "lake.main")
    print("  snapshots:", con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0],
          "parquet files:", len(list(data_path.rglob("*.parquet"))))
    print("DuckDB file:")
    con.execute(f"ATTACH '{file}' AS f")
    run(con, "f.main")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
