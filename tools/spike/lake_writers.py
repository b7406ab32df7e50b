"""Spike (issue 14): two processes writing to one DuckLake at once (what fan-out workers would do).

    .venv/bin/python tools/spike/lake_writers.py steppe_spike_lake /tmp/lake-spike/data
Run after lake_basics.py (it needs lake.raw.dumps).
"""

# SQL here is built from this spike's own constant table and mart names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import multiprocessing as mp
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_ext import attach_lake, connect_offline  # noqa: E402


def write_batches(dbname: str, data_path: str, worker: int, same_table: bool) -> None:
    con = connect_offline()
    attach_lake(con, dbname, Path(data_path))
    table = "lake.raw.dumps" if same_table else f"lake.raw.batch_{worker}"
    if not same_table:
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM lake.raw.dumps LIMIT 0")
    errors = []
    for batch in range(20):
        try:
            con.execute(
                f"INSERT INTO {table} SELECT 'w{worker}-{batch}-' || i, now(), repeat('q', 16000) FROM range(50) t(i)"
            )
        except Exception as error:  # noqa: BLE001 - the spike reports any error verbatim
            errors.append(f"{type(error).__name__}: {str(error)[:300]}")
    print(f"worker {worker} same_table={same_table}: {20 - len(errors)} batches ok, {len(errors)} failed", flush=True)
    for error in errors[:2]:
        print("   ", error, flush=True)


def main(dbname: str, data_path: str) -> None:
    ctx = mp.get_context("spawn")
    for same_table in (True, False):
        workers = [ctx.Process(target=write_batches, args=(dbname, data_path, w, same_table)) for w in (1, 2)]
        for process in workers:
            process.start()
        for process in workers:
            process.join()
    con = connect_offline()
    attach_lake(con, dbname, Path(data_path))
    rows = con.execute(
        "SELECT split_part(dump_id, '-', 1), count(*) FROM lake.raw.dumps GROUP BY 1 ORDER BY 1"
    ).fetchall()
    print("rows in raw.dumps per writer:", rows)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
