"""The hostile set's generator (tests/hostile/pages.py) writes what the run test and the bench rely on."""

from __future__ import annotations

import os
from pathlib import Path

from tests.hostile.pages import (
    CORRECTION_AFTER,
    CORRECTION_BEFORE,
    MAX_DUMP_BYTES,
    OUTSIDE_MARKER,
    PATTERN_PAGE_BYTES,
    correct_in_place,
    write_hostile_set,
)


def test_the_set_holds_every_entry_it_lists_and_nothing_else(tmp_path: Path) -> None:
    hostile = write_hostile_set(tmp_path / "raw", tmp_path / "outside")
    assert set(os.listdir(hostile.folder)) == hostile.names
    assert not hostile.names & set(os.listdir(tmp_path / "outside"))


def test_the_pages_are_the_sizes_the_issue_names(tmp_path: Path) -> None:
    hostile = write_hostile_set(tmp_path / "raw", tmp_path / "outside")
    patterns = [hostile.folder / name for name in hostile.landed if name.startswith("pattern_")]
    assert len(patterns) == 7
    assert all(PATTERN_PAGE_BYTES <= p.stat().st_size <= PATTERN_PAGE_BYTES * 1.1 for p in patterns)
    big = hostile.folder / "one_line_5mb.txt"
    assert MAX_DUMP_BYTES - 10_000 < big.stat().st_size <= MAX_DUMP_BYTES
    assert max(len(line) for line in big.read_text(encoding="utf-8").splitlines()) > 5_000_000  # one line


def test_the_link_points_out_of_the_folder_at_the_marker(tmp_path: Path) -> None:
    hostile = write_hostile_set(tmp_path / "raw", tmp_path / "outside")
    link = hostile.folder / "linked_page.txt"
    assert link.is_symlink() and hostile.link_target is not None
    assert link.resolve() == hostile.link_target.resolve()
    assert not link.resolve().is_relative_to(hostile.folder.resolve())
    assert OUTSIDE_MARKER in hostile.link_target.read_text(encoding="utf-8")


def test_the_correction_keeps_size_inode_and_mtime_and_changes_the_amount(tmp_path: Path) -> None:
    hostile = write_hostile_set(tmp_path / "raw", tmp_path / "outside")
    before = hostile.correction.stat()
    assert CORRECTION_BEFORE in hostile.correction.read_text(encoding="utf-8")
    correct_in_place(hostile.correction)
    after = hostile.correction.stat()
    text = hostile.correction.read_text(encoding="utf-8")
    assert CORRECTION_AFTER in text and CORRECTION_BEFORE not in text
    assert (after.st_size, after.st_ino, after.st_mtime_ns) == (before.st_size, before.st_ino, before.st_mtime_ns)


def test_the_set_is_the_same_every_time(tmp_path: Path) -> None:
    one = write_hostile_set(tmp_path / "a", tmp_path / "a_out")
    two = write_hostile_set(tmp_path / "b", tmp_path / "b_out")
    for name in one.landed:
        assert (one.folder / name).read_bytes() == (two.folder / name).read_bytes()
