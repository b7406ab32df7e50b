"""Reading the published warehouse so that a new connection sees the newest publication.

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
