"""Landing on a real DuckDB file: every file is landed once per content or refused with a reason."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import duckdb
import pytest

from steppe.landing import RejectedDump, decode_dump, land_raw_dir
from steppe.warehouse import connect
from tests.conftest import BUNDLED_RAW, SEED_NAMES, write_dump

SEED = (BUNDLED_RAW / f"{SEED_NAMES[0]}.txt").read_bytes()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x00\x01\x02binary\x00", "binary file, not text: NUL byte at offset 0"),
        ("Café du Kazakhstan".encode("latin-1"), "not UTF-8 text: byte 0xE9 at offset 3"),
    ],
)
def test_undecodable_bytes_are_refused_with_a_precise_reason(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedDump, match=reason):
        decode_dump(data)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + SEED, "utf-8-sig"),
        (SEED.decode().encode("utf-16"), "utf-16"),
        (SEED, "utf-8"),
    ],
)
def test_utf8_boms_and_utf16_decode_to_the_same_text(data: bytes, encoding: str) -> None:
    text, used = decode_dump(data)
    assert used == encoding
    assert text == SEED.decode()


def test_batch_lands_good_files_refuses_bad_ones_and_recognises_duplicates(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_dump(raw, "a.txt", SEED)
    write_dump(raw, "copy of a.txt", SEED)  # same bytes, other name
    write_dump(raw, "empty.txt", b"")
    write_dump(raw, "blank.txt", " \n\u00a0\n\t\n".encode())
    write_dump(raw, "latin1.txt", "Tenge é".encode("latin-1"))
    write_dump(raw, "digits.txt", b"12 345\n-- 678 --\n")
    write_dump(raw, "ignored.csv", b"not a dump")
    (raw / "folder.txt").mkdir()
    os.symlink(raw / "missing-target", raw / "dangling.txt")

    with connect(tmp_path / "w.duckdb") as con:
        report = land_raw_dir(raw, con)
        dumps = con.execute("select file_name from raw.dumps").fetchall()
        rejected = dict(con.execute("select file_name, reason from audit.rejected_dumps").fetchall())

    assert report.landed == ["a.txt"] and report.duplicates == ["copy of a.txt"]
    assert dumps == [("a.txt",)]
    assert set(rejected) == {"empty.txt", "blank.txt", "latin1.txt", "digits.txt", "folder.txt", "dangling.txt"}
    assert "empty file" in rejected["empty.txt"]
    assert "only white space" in rejected["blank.txt"]
    assert "not UTF-8" in rejected["latin1.txt"]
    assert "no words" in rejected["digits.txt"]
    assert "directory" in rejected["folder.txt"]
    assert "broken symbolic link" in rejected["dangling.txt"]
    assert report.ignored == [("ignored.csv", "extension '.csv', not .txt: only *.txt files are page dumps")]


def test_landing_again_adds_nothing_and_refusals_are_recorded_once(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_dump(raw, "a.txt", SEED)
    write_dump(raw, "empty.txt", b"")
    db = tmp_path / "w.duckdb"
    for _ in range(2):
        with connect(db) as con:
            land_raw_dir(raw, con)
    con2 = duckdb.connect(str(db), read_only=True)
    assert con2.execute("select count(*) from raw.dumps").fetchone() == (1,)
    assert con2.execute("select count(*) from audit.rejected_dumps").fetchone() == (1,)
    con2.close()


def test_a_file_still_being_written_is_left_for_the_next_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "fresh.txt").write_bytes(SEED)  # modified just now
    with connect(tmp_path / "w.duckdb") as con:
        report = land_raw_dir(raw, con)
    assert report.deferred == ["fresh.txt"] and report.landed == []


def test_symlink_to_a_dump_in_an_allowed_root_lands_like_the_file(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    target = write_dump(tmp_path / "archive", "elsewhere.txt", SEED)
    os.symlink(target, raw / "linked.txt")
    with connect(tmp_path / "w.duckdb") as con:
        assert land_raw_dir(raw, con, allowed_roots=[tmp_path / "archive"]).landed == ["linked.txt"]


def test_missing_raw_folder_is_a_clear_error(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con, pytest.raises(FileNotFoundError, match="STEPPE_RAW_DIR"):
        land_raw_dir(tmp_path / "nope", con)


def test_landing_in_small_batches_lands_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import steppe.landing

    monkeypatch.setattr(steppe.landing, "LAND_BATCH", 2)
    raw = tmp_path / "raw"
    raw.mkdir()
    for k in range(5):
        write_dump(raw, f"d{k}.txt", SEED + b"\n" * k)  # five distinct contents
    with connect(tmp_path / "w.duckdb") as con:
        assert len(land_raw_dir(raw, con).landed) == 5
        assert con.execute("select count(*) from raw.dumps").fetchone() == (5,)
