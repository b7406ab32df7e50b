"""Spike (issue 14): write-audit-publish on DuckLake as one catalog transaction, watched by a reader.

    .venv/bin/python tools/spike/lake_publish.py FILE_WAREHOUSE LAKE_DB DATA_PATH

The lake must hold the marts already (tools/spike/lake_dbt.py). Publishes marts from a work DuckDB
file into lake.marts inside one transaction (DELETE + INSERT per mart, comments and NOT NULLs kept),
then a swap by renames inside the lake; once with a planted blocking failure before COMMIT. A reader
process queries the five mart counts in one statement every few ms the whole time and reports every
distinct state it saw: it must only ever see whole publications.
"""

# SQL here is built from this spike's own constant table and mart names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import multiprocessing as mp
import sys
import time
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_ext import attach_lake, connect_offline  # noqa: E402

MARTS = ("articles", "fx_daily", "entities", "article_entities", "trade_figures")
COUNTS_SQL = "SELECT " + ", ".join(f"(SELECT count(*) FROM lake.marts.{m})" for m in MARTS)


class PlantedBlockingFailure(Exception):
    pass


def watch(dbname: str, data_path: str, stop: Event, states: Any) -> None:
    con = connect_offline()
    attach_lake(con, dbname, Path(data_path), read_only=True)
    seen: list[tuple[int, ...]] = []
    latencies: list[float] = []
    while not stop.is_set():
        started = time.monotonic()
        counts = tuple(con.execute(COUNTS_SQL).fetchone() or ())
        latencies.append(time.monotonic() - started)
        if not seen or seen[-1] != counts:
            seen.append(counts)
        time.sleep(0.005)
    ms = sorted(round(seconds * 1000) for seconds in latencies)
    states.extend([*seen, ("queries", len(ms), "median_ms", ms[len(ms) // 2], "max_ms", ms[-1])])


def publish_from_file(con: Any, share: int, fail: bool) -> float:
    """Marts of the work file (a share of percent of each, to tell publications apart) into the lake."""
    started = time.monotonic()
    con.execute("BEGIN")
    try:
        for mart in MARTS:
            con.execute(f"DELETE FROM lake.marts.{mart}")
            con.execute(
                f"INSERT INTO lake.marts.{mart} SELECT * FROM work.marts.{mart} AS r"
                f" WHERE hash(r::VARCHAR) % 100 < {share}"
            )
            time.sleep(0.2)  # a slow publication: the reader gets many looks at it
        if fail:
            raise PlantedBlockingFailure("a blocking check failed after the marts were written")
        con.execute("COMMIT")
    except PlantedBlockingFailure:
        con.execute("ROLLBACK")
    return time.monotonic() - started


def publish_by_rename(con: Any) -> float:
    """Marts built beside (marts.<name>__next) swapped in by renames: metadata only, one snapshot."""
    for mart in MARTS:
        con.execute(f"CREATE OR REPLACE TABLE lake.marts.{mart}__next AS SELECT * FROM work.marts.{mart}")
    started = time.monotonic()
    con.execute("BEGIN")
    for mart in MARTS:
        con.execute(f"ALTER TABLE lake.marts.{mart} RENAME TO {mart}__old")
        con.execute(f"ALTER TABLE lake.marts.{mart}__next RENAME TO {mart}")
        con.execute(f"DROP TABLE lake.marts.{mart}__old")
        time.sleep(0.2)
    con.execute("COMMIT")
    return time.monotonic() - started


def snapshot(con: Any) -> int:
    return int(con.execute("SELECT * FROM lake.current_snapshot()").fetchone()[0])


def main(file_warehouse: Path, dbname: str, data_path: Path) -> None:
    ctx = mp.get_context("spawn")
    manager = ctx.Manager()
    states, stop = manager.list(), ctx.Event()
    reader = ctx.Process(target=watch, args=(dbname, str(data_path), stop, states))
    reader.start()
    try:
        run_publications(file_warehouse, dbname, data_path)
    finally:
        stop.set()
        reader.join()
    print("states the reader saw, in order (counts of", ", ".join(MARTS) + "):")
    for state in states:
        print("  ", state)


def run_publications(file_warehouse: Path, dbname: str, data_path: Path) -> None:
    con = connect_offline()
    attach_lake(con, dbname, data_path)
    con.execute(f"ATTACH '{file_warehouse}' AS work (READ_ONLY)")
    time.sleep(3)  # the reader is attached and looking
    before = snapshot(con)
    seconds = publish_from_file(con, share=100, fail=False)
    print(f"publish 100% (DELETE+INSERT x5, one txn): {seconds:.2f}s, snapshot {before} -> {snapshot(con)}")
    time.sleep(0.5)
    before = snapshot(con)
    seconds = publish_from_file(con, share=50, fail=True)
    print(f"publish 50% with planted failure: rolled back after {seconds:.2f}s, snapshot {before} -> {snapshot(con)}")
    time.sleep(0.5)
    seconds = publish_from_file(con, share=50, fail=False)
    print(f"publish 50%: {seconds:.2f}s, snapshot -> {snapshot(con)}")
    time.sleep(0.5)
    before = snapshot(con)
    seconds = publish_by_rename(con)
    print(f"publish by renames (5 swaps, one txn): {seconds:.2f}s, snapshot {before} -> {snapshot(con)}")
    comment = con.execute(
        "SELECT comment FROM duckdb_tables()"
        " WHERE database_name = 'lake' AND schema_name = 'marts' AND table_name = 'articles'"
    ).fetchone()
    print("comment on marts.articles after the rename swap:", comment)
    time.sleep(0.5)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))
