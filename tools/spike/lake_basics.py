"""Spike (issue 14), question 2: DuckLake on PostgreSQL — snapshots, time travel, a reader in another
process while a writer works, a multi-table transaction rolled back.

    .venv/bin/python tools/spike/lake_basics.py steppe_spike_lake /tmp/lake-spike/data

The PostgreSQL database is dropped and created anew (trust auth on 127.0.0.1:5432).
"""

# SQL here is built from this spike's own constant table and mart names, never from input.
# ruff: noqa: S608

from __future__ import annotations

import multiprocessing as mp
import shutil
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lake_ext import attach_lake, connect_offline  # noqa: E402


def recreate_database(dbname: str) -> None:
    admin = psycopg2.connect(host="127.0.0.1", dbname="postgres", user="postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{dbname}"')
    admin.close()


def reader_loop(dbname: str, data_path: str, pipe: Connection) -> None:
    """Another process: attaches the lake read-only once, then answers SQL sent through the pipe."""
    con = connect_offline()
    attach_lake(con, dbname, Path(data_path), read_only=True)
    pipe.send("ready")
    while (sql := pipe.recv()) is not None:
        started = time.monotonic()
        try:
            result: Any = con.execute(sql).fetchall()
        except Exception as error:  # noqa: BLE001 - the spike reports any error verbatim
            result = f"ERROR {type(error).__name__}: {error}"
        pipe.send((result, round(time.monotonic() - started, 3)))


def ask(pipe: Connection, sql: str) -> Any:
    pipe.send(sql)
    result, seconds = pipe.recv()
    print(f"  reader: {sql!r} -> {result} ({seconds}s)")
    return result


def show(con: Any, label: str, sql: str) -> Any:
    try:
        rows = con.execute(sql).fetchall()
    except Exception as error:  # noqa: BLE001
        rows = f"ERROR {type(error).__name__}: {error}"
    print(f"  writer {label}: {rows}")
    return rows


def main(dbname: str, data_path: Path) -> None:
    recreate_database(dbname)
    shutil.rmtree(data_path, ignore_errors=True)  # files of an earlier run would outlive its catalog
    data_path.mkdir(parents=True, exist_ok=True)
    con = connect_offline()
    attach_lake(con, dbname, data_path)
    con.execute("CREATE SCHEMA lake.raw")
    con.execute("CREATE TABLE lake.raw.dumps (dump_id VARCHAR, landed_at TIMESTAMP, body VARCHAR)")
    con.execute("INSERT INTO lake.raw.dumps SELECT 'd' || i, now(), repeat('x', 100) FROM range(3) t(i)")
    con.execute("INSERT INTO lake.raw.dumps SELECT 'e' || i, now(), repeat('y', 100) FROM range(2) t(i)")
    print("1. snapshots after create + 2 inserts")
    show(con, "snapshots()", "SELECT snapshot_id, changes FROM lake.snapshots() ORDER BY snapshot_id")
    show(con, "current_snapshot()", "SELECT lake.current_snapshot()")
    last = con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0]
    show(con, f"count AT (VERSION => {last - 1})", f"SELECT count(*) FROM lake.raw.dumps AT (VERSION => {last - 1})")
    show(con, "count now", "SELECT count(*) FROM lake.raw.dumps")

    parent, child = mp.Pipe()
    reader = mp.get_context("spawn").Process(target=reader_loop, args=(dbname, str(data_path), child))
    reader.start()
    if parent.recv() != "ready":
        raise RuntimeError("the reader process did not attach the lake")
    print("2. reader attached READ_ONLY in another process")
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")
    ask(parent, "INSERT INTO lake.raw.dumps VALUES ('r', now(), 'no')")

    print("3. writer opens a transaction and inserts 10 rows, not committed")
    con.execute("BEGIN")
    con.execute("INSERT INTO lake.raw.dumps SELECT 'f' || i, now(), 'z' FROM range(10) t(i)")
    show(con, "count inside txn", "SELECT count(*) FROM lake.raw.dumps")
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")
    con.execute("COMMIT")
    print("4. writer committed; reader asks again on the same attach (no re-attach)")
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")
    ask(parent, "SELECT max(snapshot_id) FROM lake.snapshots()")

    print("5. reader inside one explicit transaction across a writer commit")
    ask(parent, "BEGIN")
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")
    con.execute("INSERT INTO lake.raw.dumps VALUES ('g', now(), 'g')")
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")
    ask(parent, "COMMIT")
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")

    print("6. multi-table transaction rolled back")
    before = con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0]
    con.execute("BEGIN")
    con.execute("CREATE SCHEMA lake.marts")
    for name in ("a", "b", "c"):
        con.execute(f"CREATE TABLE lake.marts.{name} AS SELECT range AS x FROM range(5)")
    con.execute("DELETE FROM lake.raw.dumps WHERE dump_id LIKE 'd%'")
    show(con, "tables inside txn", "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name='lake'")
    ask(parent, "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name='lake'")
    con.execute("ROLLBACK")
    show(con, "tables after rollback", "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name='lake'")
    show(con, "count after rollback", "SELECT count(*) FROM lake.raw.dumps")
    after = con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchone()[0]
    print(f"  snapshot before {before}, after rollback {after}")
    ask(parent, "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name='lake'")

    print("7. multi-table transaction committed: one snapshot for all of it")
    con.execute("BEGIN")
    con.execute("CREATE SCHEMA lake.marts")
    for name in ("a", "b", "c"):
        con.execute(f"CREATE TABLE lake.marts.{name} AS SELECT range AS x FROM range(5)")
    con.execute("COMMIT")
    show(con, "last 2 snapshots", "SELECT snapshot_id, changes FROM lake.snapshots() ORDER BY snapshot_id DESC LIMIT 2")
    ask(parent, "SELECT count(*) FROM lake.marts.c")

    print("8. a long write (CTAS of 3M rows) while the reader queries")
    started = time.monotonic()
    import threading

    def long_write() -> None:
        writer = con.cursor()
        writer.execute("CREATE TABLE lake.raw.big AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(3000000)")

    thread = threading.Thread(target=long_write)
    thread.start()
    time.sleep(0.3)
    ask(parent, "SELECT count(*) FROM lake.raw.dumps")
    ask(parent, "SELECT count(*) FROM duckdb_tables() WHERE database_name='lake' AND table_name='big'")
    thread.join()
    print(f"  long write took {time.monotonic() - started:.1f}s")
    ask(parent, "SELECT count(*) FROM lake.raw.big")

    print("9. time travel by ATTACH (SNAPSHOT_VERSION) and by timestamp")
    con.execute(
        f"ATTACH 'ducklake:postgres:dbname={dbname} host=127.0.0.1' AS old (READ_ONLY, SNAPSHOT_VERSION {last})"
    )
    show(con, f"old (version {last}) count", "SELECT count(*) FROM old.raw.dumps")
    show(con, "files written", "SELECT count(*) FROM glob('" + str(data_path) + "/**/*.parquet')")
    parent.send(None)
    reader.join()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
