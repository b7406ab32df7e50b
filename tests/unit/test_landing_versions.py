"""raw.file_versions: the append-only ledger of what each file name held, newest row = current content."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from pathlib import Path
from typing import Any

import pytest

from steppe.landing import LandingReport, land_raw_dir
from steppe.warehouse import connect
from tests.conftest import FIRST, SEED_NAMES, SEED_TEXT, age, write_dump

SECOND = SEED_TEXT[SEED_NAMES[1]]


def land(raw: Path, db: Path, **kwargs: Any) -> LandingReport:
    kwargs.setdefault("settle_seconds", 0)  # files written here have a fresh ctime
    with connect(db) as con:
        con.execute("begin transaction")
        report = land_raw_dir(raw, con, **kwargs)
        con.execute("commit")
    return report


def versions(db: Path, name: str) -> list[tuple[str, dt.datetime]]:
    with connect(db) as con:
        rows = con.execute(
            "select dump_id, seen_at from raw.file_versions where file_name = ? order by seen_at", [name]
        ).fetchall()
    return [(dump_id, seen) for dump_id, seen in rows]


def current(db: Path) -> dict[str, str]:
    """What the dbt side builds: each name's dump_id of its row with the greatest seen_at, as content."""
    with connect(db) as con:
        rows = con.execute(
            "select v.file_name, d.content from (select file_name, arg_max(dump_id, seen_at) as dump_id "
            "from raw.file_versions group by file_name) v join raw.dumps d using (dump_id)"
        ).fetchall()
    return dict(rows)


def count(db: Path) -> int:
    with connect(db) as con:
        row = con.execute("select count(*) from raw.file_versions").fetchone()
    assert row is not None
    return int(row[0])


def dump_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    write_dump(folder, "a.txt", FIRST)
    write_dump(folder, "b.txt", SECOND)
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


def test_an_edit_in_place_with_the_old_mtime_restored_adds_a_version(raw: Path, db: Path) -> None:
    first = land(raw, db)
    assert first.versions == 2 and count(db) == 2
    page = raw / "a.txt"
    before = page.stat()
    edited = FIRST.replace("Astana", "ASTANA", 1)
    assert edited != FIRST and len(edited.encode()) == before.st_size
    time.sleep(0.05)  # past the file system's timestamp granularity, so ctime moves
    page.write_text(edited)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = land(raw, db)
    assert second.landed == ["a.txt"] and second.versions == 1
    history = versions(db, "a.txt")
    assert [d for d, _ in history] == [dump_id(FIRST), dump_id(edited)] and history[0][1] < history[1][1]
    assert current(db) == {"a.txt": edited, "b.txt": SECOND}


def test_an_unchanged_landing_adds_no_row_whether_read_or_known_by_signature(raw: Path, db: Path) -> None:
    land(raw, db, settle_seconds=60)  # signatures too fresh to trust: the next run reads every file
    read_again = land(raw, db)
    assert read_again.cached == 0 and read_again.duplicates == ["a.txt", "b.txt"] and read_again.versions == 0
    quick = land(raw, db)
    assert quick.cached == 2 and quick.versions == 0
    assert count(db) == 2


def test_a_byte_identical_copy_under_another_name_adds_a_row_for_that_name(raw: Path, db: Path) -> None:
    land(raw, db)
    write_dump(raw, "copy of a.txt", FIRST)
    report = land(raw, db)
    assert report.duplicates[0] == "a.txt" and "copy of a.txt" in report.duplicates and report.versions == 1
    assert [d for d, _ in versions(db, "copy of a.txt")] == [dump_id(FIRST)]
    assert count(db) == 3


def test_a_to_b_to_a_is_three_rows_and_a_is_current(raw: Path, db: Path) -> None:
    land(raw, db)
    for text in (SECOND, FIRST):
        write_dump(raw, "a.txt", text)  # a new mtime each time, long settled
        age(raw / "a.txt", 60 + len(versions(db, "a.txt")))
        assert land(raw, db).versions == 1
    assert [d for d, _ in versions(db, "a.txt")] == [dump_id(FIRST), dump_id(SECOND), dump_id(FIRST)]
    assert current(db)["a.txt"] == FIRST


def test_refused_deferred_and_ignored_files_add_no_row(raw: Path, db: Path) -> None:
    write_dump(raw, "empty.txt", b"")
    write_dump(raw, "page.html", FIRST)
    (raw / "fresh.txt").write_text(SECOND + "\n")  # modified just now
    report = land(raw, db, settle_seconds=2)
    assert report.deferred == ["fresh.txt"] and [n for n, _ in report.rejected] == ["empty.txt"]
    with connect(db) as con:
        names = [row[0] for row in con.execute("select file_name from raw.file_versions order by 1").fetchall()]
    assert names == ["a.txt", "b.txt"]


def test_a_new_version_sorts_after_the_last_even_if_the_clock_went_back(raw: Path, db: Path) -> None:
    land(raw, db)
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)  # as a clock set back would leave
    with connect(db) as con:
        con.execute("update raw.file_versions set seen_at = ? where file_name = 'a.txt'", [later])
    write_dump(raw, "a.txt", SECOND)
    land(raw, db)
    history = versions(db, "a.txt")
    assert [d for d, _ in history] == [dump_id(FIRST), dump_id(SECOND)] and history[1][1] > later
    assert current(db)["a.txt"] == SECOND


def test_seen_at_is_utc_wall_time(raw: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Almaty")  # five hours from UTC: a local time would show
    time.tzset()
    try:
        land(raw, db)
    finally:
        monkeypatch.undo()
        time.tzset()
    seen = versions(db, "a.txt")[0][1]
    assert abs(seen - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=5)


def test_a_ledger_missing_from_an_older_warehouse_is_filled_from_the_quick_check(raw: Path, db: Path) -> None:
    land(raw, db)
    with connect(db) as con:
        con.execute("delete from raw.file_versions")
    report = land(raw, db)
    assert report.cached == 2 and report.versions == 2
    assert current(db) == {"a.txt": FIRST, "b.txt": SECOND}
