"""Reading the published warehouse so that a new connection sees the newest publication
(open_latest: the file backend; open_lake: the DuckLake backend, see steppe.lake).

A run publishes by renaming a new file over STEPPE_WAREHOUSE. A connection keeps reading the file
it opened. Within one process, DuckDB also keeps one database instance per path while any
connection to it is open, and `duckdb.connect(path)` hands out that instance again: a reader that
holds a connection (a dashboard, a notebook) gets the old file from every new `connect()` too,
until all of them are closed. A different `config` does not help either: DuckDB refuses it ("Can't
open a connection to same database file with a different configuration").

open_latest() avoids the cache: it makes a new in-memory instance (never shared) and attaches the
file read-only to it, so it opens whatever file the path names now. The attached catalog is named
`warehouse` (steppe.runs.CATALOG: every run builds its copy under that name, and dbt's staging views
refer to it) and made the default, so `marts.articles` reads as usual whatever the file is called.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from steppe.runs import CATALOG
from steppe.settings import Settings


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def open_latest(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse as published now (default: STEPPE_WAREHOUSE).

    Close it when done; open another to see a later publication.
    """
    database = Path(path) if path is not None else Settings.from_env().warehouse
    if not database.exists():
        raise FileNotFoundError(f"no published warehouse at {database}")
    con = duckdb.connect(":memory:")
    try:
        catalog = _identifier(CATALOG)
        # ATTACH takes no bound parameters: the path is quoted as an SQL string literal.
        con.execute(f"attach {_sql_string(str(database))} as {catalog} (read_only)")
        con.execute(f"use {catalog}")
    except BaseException:
        con.close()
        raise
    return con


def open_lake(settings: Settings | None = None, *, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the DuckLake (STEPPE_BACKEND=ducklake), `lake` as default catalog.

    Each query outside an explicit transaction sees the newest committed snapshot: a reader keeps its
    connection and never waits for a writer. snapshot pins the whole session to an earlier one (time
    travel); one table at a time: `select ... from marts.articles at (version => n)`.
    """
    from steppe import lake

    return lake.connect(settings or Settings.from_env(), read_only=True, snapshot=snapshot)


def lake_snapshots(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """(snapshot id, commit time) of every snapshot of the lake attached to con, oldest first."""
    rows = con.execute("select snapshot_id, snapshot_time::varchar from lake.snapshots() order by 1").fetchall()
    return [(int(i), str(t)) for i, t in rows]
