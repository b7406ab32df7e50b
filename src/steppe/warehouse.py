"""The DuckDB warehouse: tables the Python stages write (schemas raw and audit) and connections.

dbt owns the staging and marts schemas; Python owns what it lands and parses, which dbt reads
as sources. DuckDB allows one writing process per file, so only one run writes at a time
(steppe.store) and every stage opens, writes and closes its connection promptly.

The warehouse keeps its own books: which run landed or parsed each raw row (run_id), and one
row per finished run in audit.runs (steppe.ledger). A copied or renamed file takes them along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from steppe.allocator import return_freed_memory_at_once

DDL = """
create schema if not exists raw;
create schema if not exists audit;

-- raw.dumps and raw.page_articles hold page text and carry no index (UNINDEXED_TABLES): their keys
-- (dump_id and sha256; dump_id and position) are kept by the stages that write them and checked by dbt.
create table if not exists raw.dumps (
    dump_id     varchar not null,      -- first 16 hex digits of sha256: stable across runs
    sha256      varchar not null,
    file_name   varchar not null,      -- name it was first landed under
    size_bytes  bigint not null,
    encoding    varchar not null,      -- how the bytes were decoded
    content     varchar not null,      -- full decoded text, line ends as in the file
    landed_at   timestamp not null
);

-- Landing's quick check (git's index, rsync's size-and-time): the signature each file in the
-- raw folder had when it was last read, and its content. A file whose signature is unchanged
-- is a duplicate without being opened, so a run costs what its new files cost. Only landed and
-- duplicate files are listed (refused and deferred ones are read again each run); losing the
-- table only costs one run re-reading every file.
create table if not exists raw.landed_files (
    file_name   varchar primary key,   -- name in the raw folder
    size_bytes  bigint not null,
    mtime_ns    bigint not null,
    ctime_ns    bigint not null,       -- changes even when a copy restores the old mtime
    inode       bigint not null,
    sha256      varchar not null,      -- the content read: a row of raw.dumps
    seen_at     timestamp not null     -- when this signature was recorded
);

-- Append-only ledger of file versions: one row each time a file name is found holding a new
-- content. The marts are built from each file's latest version (dbt: int_dumps__current).
create table if not exists raw.file_versions (
    file_name varchar not null,
    dump_id   varchar not null,
    seen_at   timestamp not null
);

create table if not exists audit.rejected_dumps (
    file_name   varchar not null,
    sha256      varchar,               -- null when the file could not be read at all
    reason      varchar not null,
    size_bytes  bigint,
    rejected_at timestamp not null
);

-- Files in the raw folder that are not dumps (another extension, none, a subfolder): one row
-- per name and reason, the first time it was seen; the run's report lists them every run.
create table if not exists audit.ignored_files (
    file_name   varchar not null,      -- as shown: control characters escaped (steppe.display)
    reason      varchar not null,
    seen_at     timestamp not null
);

-- Append-only ledger of what each file name held: a row whenever landing finds a name (landed
-- or a duplicate) whose content differs from that name's latest row. The current content of a
-- name is its row with the greatest seen_at; A -> B -> A is three rows.
create table if not exists raw.file_versions (
    file_name   varchar not null,
    dump_id     varchar not null,      -- -> raw.dumps
    seen_at     timestamp not null     -- strictly increasing per file_name
);

create table if not exists raw.pages (
    dump_id        varchar primary key,
    parser_version varchar not null,
    page_date      date,
    listing_first  integer,
    listing_last   integer,
    listing_total  integer,
    quote_count    integer not null,
    article_count  integer not null,
    parsed_at      timestamp not null
);

create table if not exists raw.fx_quotes (
    dump_id        varchar not null,
    position       integer not null,
    currency       varchar not null,
    quote_currency varchar not null,
    rate           varchar not null,   -- as printed
    change_pct     varchar not null,   -- as printed, "%" removed, sign kept
    primary key (dump_id, currency)
);

create table if not exists raw.page_articles (
    dump_id            varchar not null,
    position           integer not null,
    title              varchar not null,
    body               varchar not null,
    paragraph_count    integer not null,
    subheadings        varchar[] not null,
    inline_subheadings varchar[] not null,
    is_truncated       boolean not null,
    dateline           varchar,
    article_id         varchar,            -- stable article key from the title (steppe.stages.article_key)
    content_hash       varchar not null,   -- sha256 of title and body: one extraction per content
    word_count         integer,            -- words in the body (str.split), counted once here
    captions           varchar[]           -- photo captions shown with it: entities, not body
);
-- Warehouses made before word_count or article_id existed get the column; their pages are
-- parsed again (the parser version changed with them).
alter table raw.page_articles add column if not exists word_count integer;
alter table raw.page_articles add column if not exists captions varchar[];
alter table raw.page_articles add column if not exists article_id varchar;

create table if not exists raw.parse_issues (
    dump_id varchar not null,
    line_no integer not null,
    kind    varchar not null,
    detail  varchar not null
);

create table if not exists raw.article_extractions (
    content_hash      varchar primary key,
    page_date         date,            -- the date the extractor was given (earliest page date)
    extractor_version varchar not null,
    extracted_at      timestamp not null
);
-- Why an article has no rows despite being extracted ("over_time_budget: ..."), or only rows of the
-- start of its body ("cut_for_extraction: ..."); else null.
alter table raw.article_extractions add column if not exists issue varchar;

create table if not exists raw.entity_mentions (
    content_hash  varchar not null,
    position      integer not null,
    entity_type   varchar not null,
    name          varchar not null,
    country_code  varchar,
    aliases       varchar[] not null,
    mention_count integer not null
);

create table if not exists raw.trade_figures (
    content_hash     varchar not null,
    position         integer not null,
    figure_text      varchar not null,
    value            double not null,
    unit             varchar not null,
    kind             varchar not null,
    metric           varchar not null,
    reporter_country varchar,
    partner_country  varchar,
    commodity        varchar,
    period           varchar,
    sentence         varchar not null,
    in_title         boolean not null,
    note             varchar
);

-- The run ledger: one row per finished run. A published run writes its row into the copy it
-- publishes; a failed run publishes nothing, so its row is carried in by the next published run
-- from its JSON record (steppe.ledger).
create table if not exists audit.runs (
    run_id      varchar primary key,
    status      varchar not null,      -- published | failed
    started_at  timestamp,
    finished_at timestamp not null,
    reason      varchar,               -- why a failed run failed (one line)
    details     json                   -- the run's stage results and facts (its JSON record)
);

-- One row per dbt build: which version of the dbt project built the tables. Incremental models
-- are rebuilt in full when the project changed since the last build (steppe.integrations.dbt).
create table if not exists audit.dbt_builds (
    project_digest varchar not null,
    full_refresh   boolean not null,
    built_at       timestamp not null
);
"""


@contextmanager
def connect(
    path: Path, *, read_only: bool = False, memory_limit: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; the schema is created on first write. memory_limit: DuckDB's buffer limit
    (Settings.duckdb_memory_limit), its own default when None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only, config=memory_config(memory_limit))
    try:
        if not read_only:
            con.execute(DDL)
            _migrate(con)
        yield con
    finally:
        con.close()


def memory_config(memory_limit: str | None) -> dict[str, str | bool | int | float | list[str]]:
    """duckdb.connect's config for a memory_limit (Settings.duckdb_memory_limit); empty: DuckDB's own default.

    Every connection of a run takes its config here; on the way, DuckDB is told to give back what it frees
    at once, so that the process stays near the limit instead of a second's frees above it (allocator.py)."""
    return_freed_memory_at_once()
    return {"memory_limit": memory_limit} if memory_limit else {}


def rows_by_rowid(con: duckdb.DuckDBPyConnection, table: str, columns: str, rowids: list[int]) -> list[Any]:
    """`columns` of the rows of `table` with these row ids (ascending), in row-id order. The range
    prunes the scan to the rows' own vectors: a batch of page texts reads those texts, not the table's."""
    return con.execute(
        f"select {columns} from {table} where rowid between ? and ? and rowid in (select unnest(?::bigint[]))"  # noqa: S608  callers' constants
        " order by rowid",
        [rowids[0], rowids[-1], rowids],
    ).fetchall()


# The run that wrote each row: stamped by steppe.store when the stage that wrote it commits.
RUN_STAMPED = ("raw.dumps", "raw.file_versions", "raw.pages", "raw.article_extractions", "audit.rejected_dumps")
BEFORE_RUN_IDS = "before-run-ids"  # rows of a warehouse made before run ids existed


# Tables whose rows hold page text carry no index (no primary key, no unique constraint). DuckDB
# rewrites every row of an indexed table at the checkpoint that follows any write to it, so with
# indexes one new dump rewrote every landed text (6.6 s at 100,000 dumps, and a file twice the size).
# Their keys are kept by their writers (landing lands a content once, parse forgets a dump's rows
# before writing them again) and checked by dbt: the source tests of raw.dumps and
# tests/assert_page_articles_unique_by_dump_and_position.sql.
UNINDEXED_TABLES = ("raw.dumps", "raw.page_articles")

# What an older warehouse lacks, in one catalog query (every write connection asks it): which tables
# have a run_id column, and which carry a key.
_CATALOG = """
select 'stamped', schema_name || '.' || table_name from duckdb_columns() where column_name = 'run_id'
union all
select 'keyed', schema_name || '.' || table_name from duckdb_constraints()
where constraint_type in ('PRIMARY KEY', 'UNIQUE')
"""


def _migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a warehouse made by an older Steppe to this schema, once: run_id columns added (older rows
    marked as such), and the text tables rebuilt without their index."""
    found = con.execute(_CATALOG).fetchall()
    stamped = {table for kind, table in found if kind == "stamped"}
    keyed = {table for kind, table in found if kind == "keyed"}
    for table in RUN_STAMPED:
        if table not in stamped:
            con.execute(f"alter table {table} add column run_id varchar")
            con.execute(f"update {table} set run_id = ?", [BEFORE_RUN_IDS])  # noqa: S608  constant names
    for table in UNINDEXED_TABLES:
        if table in keyed:
            _rebuild_unindexed(con, table)


def _rebuild_unindexed(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Rebuild a table in one transaction with the same rows and NOT NULL columns, and no index."""
    schema, name = table.split(".")
    not_null = [
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ? and not is_nullable "
            "order by column_index",
            [schema, name],
        ).fetchall()
    ]
    with transaction(con):
        con.execute(f"create table {table}__unindexed as select * from {table}")  # noqa: S608  constant names
        for column in not_null:
            con.execute(f'alter table {table}__unindexed alter column "{column}" set not null')
        con.execute(f"drop table {table}")
        con.execute(f"alter table {table}__unindexed rename to {name}")


def stamp_run(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Stamp the rows a stage just wrote (run_id still NULL) with the run that wrote them."""
    for table in RUN_STAMPED:
        con.execute(f"update {table} set run_id = ? where run_id is null", [run_id])  # noqa: S608  constant names


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back when it raises (or is killed)."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    """Bulk insert through Arrow (row-by-row inserts are slow in DuckDB), columns matched by name."""
    if not rows:
        return
    batch = pa.Table.from_pylist(rows)  # noqa: F841  (read by DuckDB's replacement scan)
    con.execute(f"insert into {table} by name select * from batch")  # noqa: S608  table names are the callers' constants
