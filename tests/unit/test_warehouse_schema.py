"""The warehouse's raw schema on a real DuckDB file: the tables holding page text carry no index, and a
warehouse made when they had keys is rebuilt without them, rows and NOT NULL columns kept."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from steppe.warehouse import UNINDEXED_TABLES, connect

# raw.dumps and raw.page_articles as older warehouses made them: with a primary key (and a unique sha256).
OLD_DDL = """
create schema raw;
create table raw.dumps (
    dump_id varchar primary key, sha256 varchar not null unique, file_name varchar not null,
    size_bytes bigint not null, encoding varchar not null, content varchar not null, landed_at timestamp not null
);
insert into raw.dumps values ('d1', 's1', 'a.txt', 4, 'utf-8', 'text', '2026-01-01'),
                             ('d2', 's2', 'b.txt', 4, 'utf-8', 'more', '2026-01-02');
create table raw.page_articles (
    dump_id varchar not null, position integer not null, title varchar not null, body varchar not null,
    paragraph_count integer not null, subheadings varchar[] not null, inline_subheadings varchar[] not null,
    is_truncated boolean not null, dateline varchar, article_id varchar, content_hash varchar not null,
    primary key (dump_id, position)
);
insert into raw.page_articles values ('d1', 1, 'T', 'B', 1, [], [], false, null, 'a1', 'h1');
"""


def _keys(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select constraint_type from duckdb_constraints() where schema_name = ? and table_name = ? "
        "and constraint_type in ('PRIMARY KEY', 'UNIQUE')",
        [schema, name],
    ).fetchall()
    return [row[0] for row in rows]


def test_a_new_warehouse_has_no_index_on_its_text_tables(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        assert {table: _keys(con, table) for table in UNINDEXED_TABLES} == {table: [] for table in UNINDEXED_TABLES}


def test_an_older_warehouse_loses_its_text_indexes_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(OLD_DDL)
        assert _keys(old, "raw.dumps") and _keys(old, "raw.page_articles")
        before = old.execute("select * from raw.dumps order by dump_id").fetchall()
    with connect(path) as con:
        assert _keys(con, "raw.dumps") == [] and _keys(con, "raw.page_articles") == []
        # The rows, with run_id added (before-run-ids) by the same connect.
        assert [row[:-1] for row in con.execute("select * from raw.dumps order by dump_id").fetchall()] == before
        assert con.execute("select dump_id, position, title from raw.page_articles").fetchall() == [("d1", 1, "T")]
        with pytest.raises(duckdb.ConstraintException):  # the key columns stay NOT NULL
            con.execute("insert into raw.dumps values (null, 's3', 'c.txt', 4, 'utf-8', 'x', '2026-01-03', 'r')")
    with connect(path) as again:  # done once: a second connect finds nothing to rebuild
        assert again.execute("select count(*) from raw.dumps").fetchone() == (2,)
