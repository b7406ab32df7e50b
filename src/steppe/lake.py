"""The DuckLake backend (STEPPE_BACKEND=ducklake): the catalog in PostgreSQL, the data as Parquet.

The store keeps its shape (docs/architecture.md, "Backends"): a run's stages work on a local DuckDB
working file exactly as with the single-file backend. Only the two ends differ:

- prepare copies every table of the lake, at its current snapshot, into the working file
  (`copy_into`); the snapshot id is the run's base. While the lake is still at the snapshot the last
  publication committed, that publication's working file is renamed into place instead (the replica).
- publish makes the lake's tables equal the working file's in ONE DuckLake transaction
  (`publish_from`): a table new or of another shape is written whole, any other gets only the rows that
  differ (a run changes few). Readers see the old snapshot until it commits, the new one right after. It
  commits nothing when the lake moved on since prepare (LakeOvertakenError: the store restarts the
  run), and a run stopped by a blocking check never gets here, so the lake is untouched.

Only tables are published (raw, audit, intermediate, marts); dbt's staging views stay in the
working file. Extensions load offline: the ducklake and postgres extensions come from their pinned
wheels (duckdb-extension-*), installed once into an extension directory, and DuckDB is told never
to download one.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import duckdb

from steppe.runs import write_json
from steppe.settings import Settings
from steppe.warehouse import memory_config

ALIAS = "lake"  # the lake's catalog name in every connection the package opens
WORK_ALIAS = "warehouse"  # the working file's catalog (steppe.runs.CATALOG: dbt's views name it)
# extension -> (the wheel's package, the name DuckDB installs it under)
EXTENSIONS = {"ducklake": ("duckdb_extension_ducklake", "ducklake"),
              "postgres": ("duckdb_extension_postgres", "postgres_scanner")}
# Any attempt to fetch an extension fails at once instead of reaching the network.
OFFLINE_CONFIG = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
                  "custom_extension_repository": "/nonexistent-repo"}
PUBLISHED_SCHEMAS = ("raw", "audit", "intermediate", "marts")
# Not copied back into a working file: every run's dbt build makes the marts anew (tables with
# contracts: primary and foreign keys, which a copy would lose and dbt then cannot refer to).
REBUILT_SCHEMAS = ("marts",)
PUBLISH_ROW_GROUP_BYTES = "64MB"  # the Parquet row groups publish writes into the published schemas
_PASSWORD_RE = re.compile(r"password\s*+=\s*+\S++", re.IGNORECASE)


class LakeOvertakenError(RuntimeError):
    """The lake's snapshot moved on since the run's prepare: publishing would drop that publication."""


def redacted(catalog: str) -> str:
    """The catalog string with any password hidden (for reports and logs)."""
    return _PASSWORD_RE.sub("password=***", catalog)


# --- extensions, offline ------------------------------------------------------------------------------


def wheel_extension(name: str) -> Path:
    """The extension binary inside its pinned wheel."""
    package = EXTENSIONS[name][0]
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"package {package} is not installed (requirements.txt pins it)")
    return Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def _installed(directory: Path) -> bool:
    found = {p.name for p in directory.glob(f"v{duckdb.__version__}/*/*.duckdb_extension")}
    return all(f"{installed}.duckdb_extension" in found for _, installed in EXTENSIONS.values())


def extension_dir() -> Path:
    """Where the extensions are installed: beside the Python environment (a new environment, a new
    DuckDB, a new directory), else under the user's home when the environment is read-only (an image)."""
    candidates = [Path(sys.prefix) / "duckdb_extensions", Path.home() / ".cache" / "steppe" / "duckdb_extensions"]
    for directory in candidates:
        if _installed(directory):
            return directory
    for directory in candidates:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(directory, os.W_OK):
            return directory
    raise RuntimeError(f"no writable folder for DuckDB's extensions among {', '.join(map(str, candidates))}")


def ensure_extensions(directory: Path | None = None) -> Path:
    """Install both extensions from their wheels into directory, once; returns the directory."""
    directory = directory or extension_dir()
    if _installed(directory):
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"extension_directory": str(directory), **OFFLINE_CONFIG})
    try:
        for name in EXTENSIONS:
            # INSTALL takes no bound parameter: the path is a quoted SQL string.
            con.execute(f"install {_sql_string(str(wheel_extension(name)))}")
    finally:
        con.close()
    return directory


def connect_offline(memory_limit: str | None = None, *, ordered: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with ducklake and postgres loaded, never touching the network. ordered=False:
    inserts need not keep the source's row order (a byte bound on row groups requires it)."""
    directory = ensure_extensions()
    config = {"extension_directory": str(directory), **OFFLINE_CONFIG, **memory_config(memory_limit)}
    if not ordered:
        config["preserve_insertion_order"] = False
    con = duckdb.connect(config=config)
    con.execute("load ducklake")
    con.execute("load postgres")
    return con


# --- attaching ----------------------------------------------------------------------------------------


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _name(catalog: str, schema: str, table: str | None = None) -> str:
    """catalog."schema"."table", the names quoted (they come from the catalogs' own listings)."""
    parts = [schema] if table is None else [schema, table]
    return catalog + "".join('."' + part.replace('"', '""') + '"' for part in parts)


def data_path(settings: Settings) -> str:
    """The lake's data path, ending in a slash (a local folder or an s3:// prefix)."""
    path = settings.lake_data_path
    return path if path.endswith("/") else path + "/"


def attach(con: duckdb.DuckDBPyConnection, settings: Settings, *, read_only: bool,
           snapshot: int | None = None, alias: str = ALIAS) -> None:
    """Attach the lake as alias; read-only readers may pin a snapshot (time travel for a whole session).

    A writer's first attach creates the catalog (its tables in the PostgreSQL database) with the data path.
    """
    if not settings.lake_catalog:
        raise ValueError("STEPPE_LAKE_CATALOG is not set: the ducklake backend needs its catalog")
    options = []
    if settings.lake_data_path:
        options.append(f"data_path {_sql_string(data_path(settings))}")
    if read_only:
        options.append("read_only")
    if snapshot is not None:
        options.append(f"snapshot_version {int(snapshot)}")
    target = _sql_string("ducklake:" + settings.lake_catalog)
    con.execute(f"attach {target} as {alias} ({', '.join(options)})")


def connect(settings: Settings, *, read_only: bool, snapshot: int | None = None,
            ordered: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the lake attached as `lake` and used by default."""
    con = connect_offline(settings.duckdb_memory_limit, ordered=ordered)
    try:
        attach(con, settings, read_only=read_only, snapshot=snapshot)
        con.execute(f"use {ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def current_snapshot(con: duckdb.DuckDBPyConnection, alias: str = ALIAS) -> int:
    row = con.execute(f"select id from {alias}.current_snapshot()").fetchone()  # noqa: S608  constant alias
    return int(row[0]) if row else 0


def tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    """(schema, table) of every base table of catalog in the published schemas."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' and table_schema in ? order by 1, 2",
        [catalog, list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    return [(str(s), str(t)) for s, t in rows]


def snapshot_of(settings: Settings) -> int:
    """The lake's current snapshot id (creating the catalog on first use)."""
    con = connect(settings, read_only=False)
    try:
        return current_snapshot(con)
    finally:
        con.close()


# --- the two ends of a run ----------------------------------------------------------------------------


def copy_into(settings: Settings, database: Path) -> int:
    """Copy every lake table, at the current snapshot, into the working file; returns that snapshot id.

    The working file is made by steppe.warehouse.connect first, so the tables Python writes keep their
    constraints (DuckLake has none); dbt's tables are copied as they are, its marts left to the build. An empty
    lake leaves no working file (as an unpublished file warehouse does): the run starts from nothing.
    """
    from steppe.warehouse import connect as connect_warehouse

    con = connect(settings, read_only=False)  # a first run's attach creates the catalog
    try:
        _own_schemas(con)
        con.execute("begin transaction")  # the id and the table list of one snapshot
        snapshot = current_snapshot(con)
        lake_tables = [(schema, t) for schema, t in tables(con, ALIAS) if schema not in REBUILT_SCHEMAS]
        con.execute("rollback")
        if not lake_tables:
            return snapshot
        with connect_warehouse(database):
            pass  # the schema of the Python-written tables
        con.execute(f"attach {_sql_string(str(database))} as {WORK_ALIAS}")
        existing = set(tables(con, WORK_ALIAS))
        con.execute("begin transaction")
        for schema, table in lake_tables:
            con.execute(f"create schema if not exists {_name(WORK_ALIAS, schema)}")
            target = _name(WORK_ALIAS, schema, table)
            source = f"{_name(ALIAS, schema, table)} at (version => {snapshot})"
            if (schema, table) in existing:
                con.execute(f"insert into {target} by name select * from {source}")  # noqa: S608  catalog names
            else:
                con.execute(f"create table {target} as select * from {source}")  # noqa: S608  catalog names
        con.execute("commit")
        con.execute(f"detach {WORK_ALIAS}")
        return snapshot
    finally:
        con.close()


def _own_schemas(con: duckdb.DuckDBPyConnection) -> None:
    """Steppe's schemas in the lake, with the options its publish writes them with (an option cannot be set
    on a schema made in the same transaction, so this runs before a run's base snapshot is read)."""
    for schema in PUBLISHED_SCHEMAS:
        con.execute(f"create schema if not exists {_name(ALIAS, schema)}")
        # The Parquet writer holds a whole row group in memory, by default 122,880 rows: at 100,000 landed
        # pages raw.dumps' one row group was 1.6 GB of text and a publication peaked at 5.9 GB. A byte bound
        # needs insertion order off, on publish's connection and on any other writer of these schemas.
        con.execute(f"call {ALIAS}.set_option('parquet_row_group_size_bytes', ?, schema => ?)",  # noqa: S608
                    [PUBLISH_ROW_GROUP_BYTES, schema])


def publish_from(settings: Settings, database: Path, base: int) -> tuple[int, dict[str, int]]:
    """Make the lake's tables equal the working file's in one transaction; returns the new snapshot id and
    how many tables were written whole, changed in place and left alone.

    Raises LakeOvertakenError (committing nothing) when the lake's snapshot is no longer base.
    """
    con = connect(settings, read_only=False, ordered=False)
    try:
        con.execute(f"attach {_sql_string(str(database))} as {WORK_ALIAS} (read_only)")
        con.execute("begin transaction")
        try:
            now = current_snapshot(con)
            if now != base:
                raise LakeOvertakenError(f"the lake moved from snapshot {base} to {now} since this run's prepare")
            counts = _publish_tables(con)
        except BaseException:
            con.execute("rollback")
            raise
        # DuckLake's optimistic concurrency: a writer that committed meanwhile makes this commit fail.
        con.execute("commit")
        return current_snapshot(con), counts
    finally:
        con.close()


def _publish_tables(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Make the lake's tables equal the working file's; returns how many tables were written whole,
    changed in place and left alone."""
    work = tables(con, WORK_ALIAS)
    published = set(tables(con, ALIAS))
    for schema in sorted({schema for schema, _ in work}):
        con.execute(f"create schema if not exists {_name(ALIAS, schema)}")
    counts = {"rewritten": 0, "changed": 0, "unchanged": 0}
    for schema, table in work:
        target, source = _name(ALIAS, schema, table), _name(WORK_ALIAS, schema, table)
        columns = _columns(con, WORK_ALIAS, schema, table)
        if (schema, table) not in published or columns != _columns(con, ALIAS, schema, table):
            con.execute(f"create or replace table {target} as select * from {source}")  # noqa: S608  catalog names
            counts["rewritten"] += 1
        elif _apply_changed_rows(con, target, source, [c for c, _ in columns if c not in _fixed(schema, table)]):
            counts["changed"] += 1
        else:
            counts["unchanged"] += 1
    for schema, table in published - set(work):
        con.execute(f"drop table {_name(ALIAS, schema, table)}")
    return counts


# Columns publish need not compare: each is a function of a hash column of its row (the hash is taken of
# it), so two rows equal on the other columns are equal on these too. Leaving the page text out keeps the
# diff to the short columns: at 100,000 dumps the texts are most of the bytes.
# (schema, table) -> (the hash column, the columns it fixes)
DETERMINED_BY_HASH: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("raw", "dumps"): ("sha256", ("content",)),
    # content_hash: sha256 of title, body and captions (steppe.stages.parse.content_hash)
    ("raw", "page_articles"): ("content_hash", ("title", "body", "captions")),
    ("intermediate", "int_article_versions"): ("content_hash", ("title", "body")),
    ("intermediate", "int_articles__deduplicated"): ("content_hash", ("title", "body")),
    ("marts", "articles"): ("content_hash", ("title", "body")),
}


def _fixed(schema: str, table: str) -> tuple[str, ...]:
    """The columns of a table its hash column fixes (none for most tables)."""
    return DETERMINED_BY_HASH[(schema, table)][1] if (schema, table) in DETERMINED_BY_HASH else ()


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return [(str(name), str(kind)) for name, kind in rows]


def _apply_changed_rows(con: duckdb.DuckDBPyConnection, target: str, source: str, compared: list[str]) -> bool:
    """Write into the lake table only the rows that differ from the working file's; True when any did.

    Rows are compared by a 64-bit hash of the compared columns (all but the hash-fixed ones): one scan of each side
    keeps each row's hash and row id, and the hashes whose counts differ are the changed rows. The lake's
    rows with those hashes are deleted and the working file's inserted, so every row ends with the working
    file's count of it. Comparing the rows' values themselves (`except all`) took 90 s at 100,000 dumps,
    more than rewriting every table (35 s); their hashes take a few seconds. A change would go unseen
    only if a changed row's hash equalled the hash of the row it replaced.
    """
    row_hash = "hash(" + ", ".join('"' + c.replace('"', '""') + '"' for c in compared) + ")"
    # Temporary tables live in this connection's own catalog, neither the lake's nor the file's.
    for name, table in (("publish_lake_rows", target), ("publish_work_rows", source)):
        con.execute(f"create or replace temp table {name} as select {row_hash} as row_hash, rowid as row_id"  # noqa: S608
                    f" from {table}")
    con.execute(
        "create or replace temp table publish_changed as select distinct row_hash from ("
        "(select row_hash from publish_lake_rows except all select row_hash from publish_work_rows) union all"
        " (select row_hash from publish_work_rows except all select row_hash from publish_lake_rows))"
    )
    if con.execute("select count(*) from publish_changed").fetchone() == (0,):
        return False
    con.execute(f"delete from {target} where rowid in (select row_id from publish_lake_rows"  # noqa: S608
                " where row_hash in (select row_hash from publish_changed))")
    rowids = [int(r) for (r,) in con.execute(
        "select row_id from publish_work_rows where row_hash in (select row_hash from publish_changed) order by row_id"
    ).fetchall()]
    if rowids:  # the range prunes the scan to the changed rows' vectors: the texts read are theirs
        con.execute(
            f"insert into {target} select * from {source} where rowid between ? and ?"  # noqa: S608
            " and rowid in (select unnest(?::bigint[]))",
            [rowids[0], rowids[-1], rowids],
        )
    return True


# --- the replica: the last published working file, the next run's working file ---------------------------
#
# After a publication the lake holds exactly the working file's tables, so that file is kept (moved, not
# copied) and the next prepare takes it back, again by a rename, when the lake is still at the snapshot it
# published: no copy out of the lake, and dbt's marts stay incremental. Any other snapshot (another
# machine published, maintenance ran, the catalog was made anew) means the copy. A run that fails removes
# its working file, so a replica is never one a failed run wrote into.

REPLICA_FOLDER = "lake-replica"


def _replica_paths(settings: Settings) -> tuple[Path, Path]:
    folder = settings.state_dir / REPLICA_FOLDER
    return folder / "warehouse.duckdb", folder / "replica.json"


def _mark(con: duckdb.DuckDBPyConnection, settings: Settings, snapshot: int) -> dict[str, str | int]:
    """What identifies one snapshot of one lake: its id and commit time (ids restart in a catalog made anew)."""
    row = con.execute(f"select snapshot_time::varchar from {ALIAS}.snapshots() where snapshot_id = ?",  # noqa: S608
                      [snapshot]).fetchone()
    return {"lake": location(settings), "snapshot": snapshot, "snapshot_time": str(row[0]) if row else ""}


def keep_replica(settings: Settings, database: Path, snapshot: int) -> None:
    """Keep the working file that the lake equals at `snapshot` for the next prepare (a rename)."""
    path, mark = _replica_paths(settings)
    drop_replica(settings)
    con = connect(settings, read_only=True)
    try:
        kept = _mark(con, settings, snapshot)
    finally:
        con.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(database, path)
    write_json(mark, kept)  # written last: a mark always has its file


def take_replica(settings: Settings, database: Path) -> int | None:
    """Move the replica to `database` when the lake is still at its snapshot: that snapshot id, else
    None. Used at most once: a replica that does not match is removed."""
    path, mark = _replica_paths(settings)
    try:
        kept = json.loads(mark.read_text())
    except (OSError, ValueError):
        kept = None
    mark.unlink(missing_ok=True)
    if not kept or not path.is_file() or path.with_name(path.name + ".wal").exists():
        drop_replica(settings)
        return None
    con = connect(settings, read_only=False)  # a writer's attach, as copy_into's: it may create the catalog
    try:
        snapshot = current_snapshot(con)
        current = _mark(con, settings, snapshot)
    finally:
        con.close()
    if kept != current:
        drop_replica(settings)
        return None
    os.replace(path, database)
    return snapshot


def drop_replica(settings: Settings) -> None:
    path, mark = _replica_paths(settings)
    mark.unlink(missing_ok=True)
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def location(settings: Settings) -> str:
    """Where the lake is, for reports: its catalog (any password hidden) and data path."""
    return f"ducklake:{redacted(settings.lake_catalog)} (data {data_path(settings)})"
