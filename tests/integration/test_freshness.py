"""Fresh data when it changed: a run with nothing new leaves the published file in place and says
"unchanged"; a run with new data replaces it, and a reader sees it from a new process or through
steppe.readers.open_latest() in the same process (a plain duckdb.connect() there does not)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from steppe.freshness import state_digest, table_digests
from steppe.pipeline import run_pipeline
from steppe.readers import open_latest
from tests.conftest import extra_dumps, make_settings, seed_raw, write_dump

FX_ROWS = "select count(*) from marts.fx_daily"


def file_identity(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns


def fx_rows_in_new_process(warehouse: Path) -> int:
    code = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True);"
        f"print(con.execute({FX_ROWS!r}).fetchone()[0])"
    )
    done = subprocess.run([sys.executable, "-c", code, str(warehouse)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


def test_the_digest_ignores_row_order_and_timestamps_and_sees_a_changed_value() -> None:
    con = duckdb.connect()
    con.execute("create schema marts; create schema raw")
    con.execute("create table marts.fx_daily (rate_date date, currency varchar, rate decimal(18,8))")
    con.execute("insert into marts.fx_daily values ('2025-12-08', 'KZT', 0.00196), ('2025-12-08', 'UZS', 0.00008)")
    con.execute("create table raw.dumps (sha256 varchar, landed_at timestamp)")
    con.execute("insert into raw.dumps values ('a', now()::timestamp)")
    before = state_digest(con)
    assert set(table_digests(con)) == {"marts.fx_daily", "raw.dumps"}  # tables it lacks are left out

    con.execute("create table marts.shuffled as select * from marts.fx_daily order by currency desc")
    con.execute("drop table marts.fx_daily; alter table marts.shuffled rename to fx_daily")
    con.execute("update raw.dumps set landed_at = landed_at + interval 1 hour")
    assert state_digest(con) == before  # same rows in another order, another landing time

    con.execute("update marts.fx_daily set rate = 0.00199 where currency = 'KZT'")
    assert state_digest(con) != before
    con.execute("update marts.fx_daily set rate = 0.00196 where currency = 'KZT'")
    con.execute("insert into marts.fx_daily select * from marts.fx_daily limit 1")  # a duplicate row counts
    assert state_digest(con) != before


@pytest.mark.slow
def test_nothing_new_leaves_the_file_in_place_and_new_data_reaches_readers(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    first = run_pipeline(settings)
    assert first["publish"]["unchanged"] is False
    published = file_identity(settings.warehouse)
    old_rows = fx_rows_in_new_process(settings.warehouse)

    again = run_pipeline(settings)
    assert again["publish"]["unchanged"] is True and again["publish"]["published_by"] == first["run_id"]
    assert file_identity(settings.warehouse) == published  # not replaced: same inode, same mtime
    index = (settings.reports_dir / "index.html").read_text(encoding="utf-8")
    assert "published (unchanged)" in index and "was left in place, not replaced" in index
    assert not list(settings.work_dir.iterdir())  # the working copy is gone all the same

    # A reader holding the published file open while a run publishes new data.
    held = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert held.execute(FX_ROWS).fetchone() == (old_rows,)
        write_dump(settings.raw_dir, "x_later_day.txt", extra_dumps()["x_later_day.txt"])
        third = run_pipeline(settings)
        assert third["publish"]["unchanged"] is False
        assert file_identity(settings.warehouse) != published
        new_rows = fx_rows_in_new_process(settings.warehouse)  # a new process sees the new file (a new day)
        assert new_rows > old_rows
        # In this process DuckDB hands out the instance it holds for that path: the old file.
        again_connected = duckdb.connect(str(settings.warehouse), read_only=True)
        assert again_connected.execute(FX_ROWS).fetchone() == (old_rows,)
        again_connected.close()
        # open_latest() makes a new instance: it reads the file published now.
        latest = open_latest(settings.warehouse)
        try:
            assert latest.execute(FX_ROWS).fetchone() == (new_rows,)
            assert latest.execute("select count(*) from raw.dumps").fetchone() == (4,)
            newest_page, newest_dump = latest.execute(
                "select (select max(page_date)::varchar from raw.pages), (select max(landed_at) from raw.dumps)"
            ).fetchone()
        finally:
            latest.close()
    finally:
        held.close()
    summary = third["publish"]["freshness"]
    assert summary == {"latest_page_date": newest_page, "last_new_dump_at": newest_dump.isoformat(timespec="seconds")}
