"""Spike (issue 14): which concurrent writes to one DuckLake conflict (what fan-out tasks may do).

    .venv/bin/python tools/spike/lake_conflicts.py LAKE_DB DATA_PATH

Two processes open a transaction each, do their write, wait for each other, and commit together;
each case prints whether each commit went through or the exact error.
"""

# SQL here is built from this spike's own constant table and mart names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import multiprocessing as mp
import shutil
import sys
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_basics import recreate_database  # noqa: E402
from lake_ext import attach_lake, connect_offline  # noqa: E402

# Each case: what writer 0 and writer 1 do (format with {w}: the writer's number), one transaction each.
CASES = {
    "append + append, same table": ["INSERT INTO lake.t SELECT {w}, range FROM range(100)"] * 2,
    "delete + delete, different rows, same table": ["DELETE FROM lake.t WHERE part = {w}"] * 2,
    "delete + delete, different rows, same data file": [
        "DELETE FROM lake.t WHERE part = 0 AND n < 100",
        "DELETE FROM lake.t WHERE part = 0 AND n >= 4900",
    ],
    "delete part 0 + append": [
        "DELETE FROM lake.t WHERE part = 0",
        "INSERT INTO lake.t SELECT 9, range FROM range(100)",
    ],
    "create + create, different tables": ["CREATE TABLE lake.out_{w} AS SELECT {w} AS x"] * 2,
    "create + create, same table": ["CREATE TABLE lake.same AS SELECT {w} AS x"] * 2,
    "create or replace, same table": ["CREATE OR REPLACE TABLE lake.t2 AS SELECT {w} AS x"] * 2,
}


def writer(dbname: str, data_path: str, w: int, sql: str, barrier: Barrier, out: dict[str, str]) -> None:
    con = connect_offline()
    attach_lake(con, dbname, Path(data_path))
    con.execute("BEGIN")
    con.execute(sql.format(w=w))
    barrier.wait()
    try:
        con.execute("COMMIT")
        out[f"writer {w}"] = "committed"
    except Exception as error:  # noqa: BLE001 - the spike reports the error verbatim
        out[f"writer {w}"] = f"{type(error).__name__}: {str(error)[:400]}"


def setup(dbname: str, data_path: Path) -> None:
    con = connect_offline()
    attach_lake(con, dbname, data_path)
    con.execute("CREATE OR REPLACE TABLE lake.t (part INTEGER, n BIGINT)")
    for part in (0, 1):  # two commits: two data files (one per part), no inlining
        con.execute(f"INSERT INTO lake.t SELECT {part}, range FROM range(5000)")
    con.execute("CREATE OR REPLACE TABLE lake.t2 AS SELECT 0 AS x")
    con.execute("DROP TABLE IF EXISTS lake.same")
    for w in (0, 1):
        con.execute(f"DROP TABLE IF EXISTS lake.out_{w}")


def main(dbname: str, data_path: Path) -> None:
    recreate_database(dbname)
    shutil.rmtree(data_path, ignore_errors=True)  # files of an earlier run would outlive its catalog
    data_path.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("spawn")
    manager = ctx.Manager()
    for case, statements in CASES.items():
        setup(dbname, data_path)
        barrier, out = ctx.Barrier(2), manager.dict()
        workers = [
            ctx.Process(target=writer, args=(dbname, str(data_path), w, statements[w], barrier, out)) for w in (0, 1)
        ]
        started = time.monotonic()
        for process in workers:
            process.start()
        for process in workers:
            process.join()
        print(f"{case} ({time.monotonic() - started:.1f}s):")
        for key in sorted(out.keys()):
            print(f"   {key}: {out[key]}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
