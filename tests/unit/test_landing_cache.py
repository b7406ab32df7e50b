"""Landing's quick check on a real DuckDB file: a file read before is known by its signature, unread.

Reads are counted by wrapping steppe.landing._read (the real one still does the reading). The
files written here have a fresh ctime (age() backdates only the mtime), so most tests land with
settle_seconds=0 to let a signature be recorded at once; one test shows the default refusing to.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

import steppe.landing
from steppe.landing import LandingReport, land_raw_dir
from steppe.warehouse import connect
from tests.conftest import BUNDLED_RAW, SEED_NAMES, age, write_dump

SEED = (BUNDLED_RAW / f"{SEED_NAMES[0]}.txt").read_bytes()


def land(raw: Path, db: Path, **kwargs: Any) -> LandingReport:
    """One landing in a transaction, as the pipeline's land stage runs it."""
    kwargs.setdefault("settle_seconds", 0)
    with connect(db) as con:
        con.execute("begin transaction")
        report = land_raw_dir(raw, con, **kwargs)
        con.execute("commit")
    return report


def signatures(db: Path) -> list[str]:
    with connect(db) as con:
        return [row[0] for row in con.execute("select file_name from raw.landed_files order by 1").fetchall()]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files landing opened, in order."""
    opened: list[str] = []
    real = steppe.landing._read

    def counting(path: Path, **kwargs: Any) -> steppe.landing.Candidate:
        opened.append(path.name)
        return real(path, **kwargs)

    monkeypatch.setattr(steppe.landing, "_read", counting)
    return opened


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "w.duckdb"


@pytest.fixture
def page(raw: Path, db: Path, reads: list[str]) -> Path:
    """raw/page.txt (a seed dump), landed once."""
    page = write_dump(raw, "page.txt", SEED)
    land(raw, db)
    return page


def test_a_second_landing_opens_only_the_refused_files(raw: Path, db: Path, reads: list[str]) -> None:
    for k in range(3):
        write_dump(raw, f"d{k}.txt", SEED + b"\n" * k)
    write_dump(raw, "z copy of d0.txt", SEED)
    write_dump(raw, "empty.txt", b"")

    first = land(raw, db)
    assert first.landed == ["d0.txt", "d1.txt", "d2.txt"] and first.duplicates == ["z copy of d0.txt"]
    assert signatures(db) == ["d0.txt", "d1.txt", "d2.txt", "z copy of d0.txt"]

    reads.clear()
    second = land(raw, db)
    assert reads == ["empty.txt"]  # the refused file is looked at again, nothing else is opened
    assert second.landed == [] and second.duplicates == ["d0.txt", "d1.txt", "d2.txt", "z copy of d0.txt"]
    assert second.cached == 4 and second.as_dict()["cached"] == 4
    assert second.rejected == first.rejected


def test_a_refused_file_stays_refused_with_the_same_reason(raw: Path, db: Path, reads: list[str]) -> None:
    write_dump(raw, "digits.txt", b"12 345\n678\n")
    write_dump(raw, "latin1.txt", "Tenge \u00e9".encode("latin-1"))
    first = land(raw, db)
    reads.clear()
    second = land(raw, db)
    assert sorted(reads) == ["digits.txt", "latin1.txt"]
    assert second.rejected == first.rejected and len(first.rejected) == 2
    assert "no words" in dict(second.rejected)["digits.txt"]
    assert signatures(db) == []
    with connect(db) as con:  # still recorded once per name and content
        assert con.execute("select count(*) from audit.rejected_dumps").fetchone() == (2,)


def test_a_changed_file_is_read_again_and_landed(raw: Path, db: Path, page: Path, reads: list[str]) -> None:
    page.write_bytes(SEED + b"\nA later edition.\n")
    age(page, 30)  # a new mtime, still long settled
    reads.clear()
    second = land(raw, db)
    assert reads == ["page.txt"] and second.landed == ["page.txt"] and second.cached == 0
    reads.clear()
    assert land(raw, db).cached == 1 and reads == []  # and its new signature is recorded
    with connect(db) as con:
        assert con.execute("select count(*) from raw.dumps").fetchone() == (2,)


def test_new_content_of_the_same_size_with_the_old_mtime_restored_is_read_again(
    raw: Path, db: Path, page: Path, reads: list[str]
) -> None:
    before = page.stat()
    edited = SEED.replace(b"the", b"THE", 1)
    assert edited != SEED and len(edited) == len(SEED)
    time.sleep(0.05)  # past the file system's timestamp granularity, so ctime moves
    page.write_bytes(edited)  # in place: same inode
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or tar would
    after = page.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert after.st_ctime_ns != before.st_ctime_ns  # only the ctime tells

    reads.clear()
    second = land(raw, db)
    assert reads == ["page.txt"] and second.landed == ["page.txt"]
    with connect(db) as con:
        contents = {row[0] for row in con.execute("select content from raw.dumps").fetchall()}
    assert contents == {SEED.decode(), edited.decode()}


def test_a_renamed_file_is_read_once_then_known_by_its_new_name(raw: Path, db: Path, reads: list[str]) -> None:
    write_dump(raw, "a.txt", SEED)
    land(raw, db)
    (raw / "a.txt").rename(raw / "b.txt")
    reads.clear()
    second = land(raw, db)
    assert reads == ["b.txt"] and second.duplicates == ["b.txt"] and second.cached == 0
    assert signatures(db) == ["b.txt"]  # the old name is forgotten
    reads.clear()
    third = land(raw, db)
    assert reads == [] and third.duplicates == ["b.txt"] and third.cached == 1


def test_a_symlink_is_read_every_run(raw: Path, tmp_path: Path, db: Path, reads: list[str]) -> None:
    target = write_dump(tmp_path / "archive", "elsewhere.txt", SEED)
    os.symlink(target, raw / "linked.txt")
    assert land(raw, db, allowed_roots=[tmp_path / "archive"]).landed == ["linked.txt"]
    reads.clear()
    second = land(raw, db, allowed_roots=[tmp_path / "archive"])
    assert reads == ["linked.txt"] and second.duplicates == ["linked.txt"] and second.cached == 0
    assert signatures(db) == []


def test_a_file_changed_within_the_settle_time_is_not_trusted_by_signature(
    raw: Path, db: Path, reads: list[str]
) -> None:
    write_dump(raw, "page.txt", SEED)  # mtime backdated, but its ctime is now (the racy case)
    assert land(raw, db, settle_seconds=steppe.landing.SETTLE_SECONDS).landed == ["page.txt"]
    assert signatures(db) == []
    reads.clear()
    assert land(raw, db, settle_seconds=steppe.landing.SETTLE_SECONDS).duplicates == ["page.txt"]
    assert reads == ["page.txt"]


def test_a_known_file_being_rewritten_is_deferred_and_read_again_once_settled(
    raw: Path, db: Path, page: Path
) -> None:
    page.write_bytes(SEED + b"\nMore.\n")  # modified just now
    second = land(raw, db, settle_seconds=steppe.landing.SETTLE_SECONDS)
    assert second.deferred == ["page.txt"] and second.duplicates == []
    assert signatures(db) == []
    age(page)
    assert land(raw, db).landed == ["page.txt"]


@pytest.mark.parametrize("land_batch", [1, 10_000])
def test_known_and_refused_looked_up_per_file_or_per_chunk_alike(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, land_batch: int
) -> None:
    """Whether a content is landed is asked once per chunk of files read: chunks of one file or of the
    whole folder land, count and refuse the same, and a refusal is recorded once."""
    monkeypatch.setattr(steppe.landing, "LAND_BATCH", land_batch)
    db = tmp_path / "w.duckdb"
    write_dump(raw, "a.txt", SEED)
    write_dump(raw, "bad.txt", b"\x00\x01binary")
    first = land(raw, db)
    assert (len(first.landed), len(first.rejected)) == (1, 1)
    write_dump(raw, "copy.txt", SEED)  # same content under another name: a duplicate
    os.utime(raw / "a.txt")  # signature changed: read again, known content
    age(raw / "a.txt")
    second = land(raw, db)
    assert second.landed == []
    assert sorted(second.duplicates) == ["a.txt", "copy.txt"]
    assert [name for name, _ in second.rejected] == ["bad.txt"]
    with connect(db) as con:
        assert con.execute("select count(*) from audit.rejected_dumps").fetchone() == (1,)
        assert con.execute("select count(*) from raw.dumps").fetchone() == (1,)


def _landing_state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What landing wrote, without times and inodes: the dumps, the recorded signatures' names and contents,
    the versions of each name in order, the refusals."""
    queries = {
        "dumps": "select dump_id, file_name from raw.dumps order by all",
        "signatures": "select file_name, sha256 from raw.landed_files order by all",
        "versions": "select file_name, dump_id from raw.file_versions order by file_name, seen_at",
        "refused": "select file_name, sha256 from audit.rejected_dumps order by all",
    }
    with connect(db) as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


@pytest.mark.parametrize("land_batch", [1, 2])
def test_chunked_landing_writes_what_one_chunk_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, land_batch: int
) -> None:
    """Each chunk writes its own dumps, versions and signatures and keeps nothing for the next: over two
    runs (a content in two chunks, a file changed, one removed, one refused) small chunks leave the
    warehouse as one chunk of the whole folder does."""
    states = []
    for size in (10_000, land_batch):
        monkeypatch.setattr(steppe.landing, "LAND_BATCH", size)
        raw, db = tmp_path / f"raw{size}", tmp_path / f"w{size}.duckdb"
        raw.mkdir()
        for k in range(4):
            write_dump(raw, f"d{k}.txt", SEED + b"\n" * k)
        write_dump(raw, "e_same_as_d0.txt", SEED)  # its content lands once, from the first chunk
        write_dump(raw, "f_bad.txt", b"\x00\x01binary")
        first = land(raw, db)
        assert (len(first.landed), first.duplicates, len(first.rejected)) == (4, ["e_same_as_d0.txt"], 1)
        write_dump(raw, "d1.txt", SEED + b"\nMore.\n")  # a new version of d1
        age(raw / "d1.txt")
        (raw / "d2.txt").unlink()  # gone: its signature goes, its versions stay
        second = land(raw, db)
        assert second.landed == ["d1.txt"] and second.versions == 1
        states.append(_landing_state(db))
    whole, chunked = states
    assert chunked == whole
    assert [name for name, _ in whole["signatures"]] == ["d0.txt", "d1.txt", "d3.txt", "e_same_as_d0.txt"]
    d1_versions = [dump for name, dump in whole["versions"] if name == "d1.txt"]
    assert len(d1_versions) == 2
    assert set(d1_versions) == {dump for dump, name in whole["dumps"] if name == "d1.txt"}
