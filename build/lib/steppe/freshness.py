"""What a reader would see, as one digest: publish only when it changed.

A run that lands nothing new rebuilds the same marts; replacing the published file with an equal
one would tell every reader (and every Asset consumer) that there is new data when there is none.
The digest covers the marts and the state that decides what the next run must redo (which dumps
and file versions are held, which pages and articles were processed by which code version, what
was refused, ignored or quarantined, the dbt project's version): a change there is published even
when the marts come out equal, so the next run does not redo it. Timestamps and run ids are left
out: they change every run.

Each table's part is its row count and the sum of DuckDB's 64-bit row hashes, which is independent
of row order and cheap (one scan). It is a change detector, not a signature: DuckDB's hash is not
cryptographic. The digest of the published file is kept inside it (audit.publications), so it
travels with the file when its folder is copied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import duckdb

# name -> query of the rows that matter (no timestamps, no run ids)
STATE_QUERIES: dict[str, str] = {
    "marts.articles": "select * from marts.articles",
    "marts.fx_daily": "select * from marts.fx_daily",
    "marts.entities": "select * from marts.entities",
    "marts.article_entities": "select * from marts.article_entities",
    "marts.trade_figures": "select * from marts.trade_figures",
    "raw.dumps": "select sha256 from raw.dumps",
    "raw.file_versions": "select file_name, dump_id from raw.file_versions",
    "raw.pages": "select dump_id, parser_version from raw.pages",
    "raw.article_extractions": "select content_hash, extractor_version from raw.article_extractions",
    "audit.rejected_dumps": "select file_name, sha256, reason from audit.rejected_dumps",
    "audit.ignored_files": "select file_name, reason from audit.ignored_files",
    "audit.quarantined_rows": "select table_name, row_key, check_name, offending_value from audit.quarantined_rows",
    "audit.dbt_builds": "select project_digest from audit.dbt_builds order by built_at desc limit 1",
}

PUBLICATIONS_DDL = """
create schema if not exists audit;
create table if not exists audit.publications (
    run_id           varchar not null,
    digest           varchar not null,  -- steppe.freshness.state_digest of what was published
    published_at     timestamp not null,
    latest_page_date date,              -- the newest page date the warehouse holds
    last_new_dump_at timestamp          -- when the newest dump was landed
);
"""


@dataclass(frozen=True, slots=True)
class Freshness:
    """How fresh the warehouse's data is: the newest page date, and when a new dump last arrived."""

    latest_page_date: dt.date | None
    last_new_dump_at: dt.datetime | None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "latest_page_date": self.latest_page_date.isoformat() if self.latest_page_date else None,
            "last_new_dump_at": self.last_new_dump_at.isoformat(timespec="seconds") if self.last_new_dump_at else None,
        }


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {str(r[0]) for r in rows}


def table_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each state table's "rows:hashsum" (tables the warehouse lacks are left out)."""
    existing = _existing_tables(con)
    digests: dict[str, str] = {}
    for name, query in STATE_QUERIES.items():
        if name not in existing:
            continue
        row = con.execute(f"select count(*), coalesce(sum(hash(t)), 0) from ({query}) t").fetchone()  # noqa: S608  constant queries
        count, total = row if row else (0, 0)
        digests[name] = f"{count}:{total}"
    return digests


def state_digest(con: duckdb.DuckDBPyConnection) -> str:
    """One digest of every state table (table_digests)."""
    return hashlib.sha256(json.dumps(table_digests(con), sort_keys=True).encode()).hexdigest()


def freshness(con: duckdb.DuckDBPyConnection) -> Freshness:
    existing = _existing_tables(con)
    page = con.execute("select max(page_date) from raw.pages").fetchone() if "raw.pages" in existing else None
    dump = con.execute("select max(landed_at) from raw.dumps").fetchone() if "raw.dumps" in existing else None
    return Freshness(latest_page_date=page[0] if page else None, last_new_dump_at=dump[0] if dump else None)


def last_publication(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(run id, digest) of the publication this warehouse was copied from, or None."""
    if "audit.publications" not in _existing_tables(con):
        return None
    row = con.execute("select run_id, digest from audit.publications order by published_at desc limit 1").fetchone()
    return (str(row[0]), str(row[1])) if row else None


def record_publication(con: duckdb.DuckDBPyConnection, run_id: str, digest: str, fresh: Freshness) -> None:
    con.execute(PUBLICATIONS_DDL)
    con.execute(
        "insert into audit.publications values (?, ?, now()::timestamp, ?, ?)",
        [run_id, digest, fresh.latest_page_date, fresh.last_new_dump_at],
    )
