"""The raw folder is the trust boundary: links are followed only into it (or STEPPE_ALLOWED_ROOTS),
a link swapped in between the check and the open is never followed, and files that are not dumps
are listed as ignored, with their names escaped.

A swap between two steps of landing is staged by wrapping a step of steppe.landing so the
attacker's move happens right before it; the real step then runs on the real file system.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import steppe.landing
from steppe.landing import LandingReport, land_raw_dir
from steppe.settings import ALLOWED_ROOTS_ENV, Settings
from steppe.warehouse import connect
from tests.conftest import FIRST, SEED_NAMES, SEED_TEXT, write_dump

SECRET = "root:x:0:0:the secret that must never land\n"  # noqa: S105  # pragma: allowlist secret (planted file)
SECOND = SEED_TEXT[SEED_NAMES[1]]


def land(raw: Path, db: Path, **kwargs: Any) -> LandingReport:
    kwargs.setdefault("settle_seconds", 0)
    with connect(db) as con:
        return land_raw_dir(raw, con, **kwargs)


def landed_contents(db: Path) -> list[str]:
    with connect(db) as con:
        return [row[0] for row in con.execute("select content from raw.dumps").fetchall()]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the raw folder holding a secret (as /etc/shadow would be)."""
    folder = tmp_path / "outside"
    write_dump(folder, "secret.txt", SECRET)
    return folder


def test_a_link_out_of_the_raw_folder_is_refused_unread(raw: Path, outside: Path, tmp_path: Path) -> None:
    os.symlink(outside / "secret.txt", raw / "shadow.txt")
    os.symlink(raw / "hop.txt", raw / "chain.txt")  # a link to a link that leaves the folder
    os.symlink(os.path.relpath(outside / "secret.txt", raw), raw / "hop.txt")
    report = land(raw, tmp_path / "w.duckdb")
    reasons = dict(report.rejected)
    assert sorted(reasons) == ["chain.txt", "hop.txt", "shadow.txt"]
    for reason in reasons.values():
        assert reason.startswith(f"a symbolic link to '{outside / 'secret.txt'}', outside the raw folder")
        assert ALLOWED_ROOTS_ENV in reason
    assert landed_contents(tmp_path / "w.duckdb") == []


def test_a_link_inside_the_raw_folder_is_followed(raw: Path, tmp_path: Path) -> None:
    write_dump(raw / "archive", "page.txt", FIRST)
    os.symlink("archive/page.txt", raw / "relative.txt")
    os.symlink(raw / "archive" / "page.txt", raw / "absolute.txt")
    report = land(raw, tmp_path / "w.duckdb")
    assert report.landed == ["absolute.txt"] and report.duplicates == ["relative.txt"]
    assert report.ignored == [("archive", "a subfolder: landing reads only the raw folder itself, not its subfolders")]


def test_allowed_roots_from_the_setting_let_links_into_them(
    raw: Path, outside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    write_dump(other, "page.txt", SECOND)
    os.symlink(outside / "secret.txt", raw / "a.txt")
    os.symlink(other / "page.txt", raw / "b.txt")
    monkeypatch.setenv(ALLOWED_ROOTS_ENV, os.pathsep.join([str(outside), "", str(other)]))
    report = land(raw, tmp_path / "w.duckdb", allowed_roots=Settings.from_env().allowed_roots)
    assert report.landed == ["a.txt", "b.txt"] and report.rejected == []
    monkeypatch.setenv(ALLOWED_ROOTS_ENV, str(other))
    os.symlink(outside / "secret.txt", raw / "c.txt")
    rejected = land(raw, tmp_path / "w.duckdb", allowed_roots=Settings.from_env().allowed_roots).rejected
    assert [name for name, _ in rejected] == ["a.txt", "c.txt"]


def test_a_raw_folder_reached_through_a_link_is_its_own_boundary(raw: Path, outside: Path, tmp_path: Path) -> None:
    write_dump(raw, "page.txt", FIRST)
    os.symlink("page.txt", raw / "alias.txt")
    os.symlink(outside / "secret.txt", raw / "shadow.txt")
    entry = tmp_path / "raw_link"
    os.symlink(raw, entry)
    report = land(entry, tmp_path / "w.duckdb")
    assert report.landed == ["alias.txt"] and report.duplicates == ["page.txt"]
    assert [name for name, _ in report.rejected] == ["shadow.txt"]


def _before(monkeypatch: pytest.MonkeyPatch, step: str, move: Callable[[], None]) -> None:
    """Run `move` once, right before steppe.landing.<step> runs."""
    real = getattr(steppe.landing, step)
    done: list[bool] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(True)
            move()
        return real(*args, **kwargs)

    monkeypatch.setattr(steppe.landing, step, wrapped)


def _swap_for_link(path: Path, target: Path) -> Callable[[], None]:
    def move() -> None:
        path.unlink()
        os.symlink(target, path)

    return move


@pytest.mark.parametrize("step", ["_stat_real", "_open"])
def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(
    raw: Path, outside: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    page = write_dump(raw, "page.txt", FIRST)
    _before(monkeypatch, step, _swap_for_link(page, outside / "secret.txt"))
    report = land(raw, tmp_path / "w.duckdb")
    assert report.landed == [] and report.deferred == ["page.txt"]
    assert "replaced by a symbolic link while being landed" in dict(report.deferrals)["page.txt"]
    assert landed_contents(tmp_path / "w.duckdb") == []
    monkeypatch.undo()  # the next run sees the link for what it is
    assert "outside the raw folder" in dict(land(raw, tmp_path / "w.duckdb").rejected)["page.txt"]


def test_a_folder_on_the_way_swapped_for_a_link_is_caught_after_the_open(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """O_NOFOLLOW guards the last part of the path only; the kernel's name of the open file tells."""
    write_dump(raw / "archive", "page.txt", FIRST)
    os.symlink("archive/page.txt", raw / "linked.txt")
    elsewhere = tmp_path / "elsewhere"
    write_dump(elsewhere, "page.txt", SECRET)

    def move() -> None:
        shutil.rmtree(raw / "archive")
        os.symlink(elsewhere, raw / "archive")

    _before(monkeypatch, "_stat_real", move)
    report = land(raw, tmp_path / "w.duckdb")
    assert report.deferred == ["linked.txt"] and report.landed == []
    assert "replaced or changed while being landed" in dict(report.deferrals)["linked.txt"]
    assert landed_contents(tmp_path / "w.duckdb") == []


def test_files_that_are_not_dumps_are_listed_as_ignored_once(raw: Path, tmp_path: Path) -> None:
    write_dump(raw, "page.txt", FIRST)
    write_dump(raw, "page.html", "<html></html>")
    write_dump(raw, "README", "notes")
    write_dump(raw, "x.txt.bak", FIRST)
    write_dump(raw, "evil\x1b[2J\n.csv", "a,b")
    (raw / "2025").mkdir()
    os.symlink("/etc/shadow", raw / "shadow")  # not a dump name: not even resolved
    db = tmp_path / "w.duckdb"
    expected = [
        ("2025", "a subfolder: landing reads only the raw folder itself, not its subfolders"),
        ("README", "no .txt extension (the name has none): only *.txt files are page dumps"),
        ("evil\\x1b[2J\\x0a.csv", "extension '.csv', not .txt: only *.txt files are page dumps"),
        ("page.html", "extension '.html', not .txt: only *.txt files are page dumps"),
        ("shadow", "no .txt extension (the name has none): only *.txt files are page dumps"),
        ("x.txt.bak", "extension '.bak', not .txt: only *.txt files are page dumps"),
    ]
    first = land(raw, db)
    assert first.landed == ["page.txt"] and first.ignored == expected
    assert first.as_dict()["ignored"] == [{"file": name, "reason": reason} for name, reason in expected]
    second = land(raw, db)
    assert second.ignored == expected  # listed every run
    with connect(db) as con:
        rows = con.execute("select file_name, reason from audit.ignored_files order by all").fetchall()
    assert rows == sorted(expected)  # but recorded once per name and reason


def test_names_in_reasons_and_report_entries_are_escaped(raw: Path, outside: Path, tmp_path: Path) -> None:
    write_dump(raw, "bell\x07.txt", FIRST)
    write_dump(raw, "rtl\u202e.txt", b"")
    os.symlink(raw / "gone\n.txt", raw / "dangling.txt")
    evil_dir = tmp_path / "out\x1bside"
    write_dump(evil_dir, "page.txt", SECOND)
    os.symlink(evil_dir / "page.txt", raw / "escape.txt")
    report = land(raw, tmp_path / "w.duckdb")
    assert report.landed == ["bell\\x07.txt"]
    reasons = dict(report.rejected)
    assert reasons["rtl\\u202e.txt"] == "empty file (0 bytes)"
    assert f"its target '{raw}/gone\\x0a.txt' does not exist" in reasons["dangling.txt"]
    assert f"a symbolic link to '{tmp_path}/out\\x1bside/page.txt'" in reasons["escape.txt"]
    with connect(tmp_path / "w.duckdb") as con:
        names = {row[0] for row in con.execute("select file_name from raw.dumps union all "
                                                "select file_name from audit.rejected_dumps").fetchall()}
    assert names == {"bell\\x07.txt", "rtl\\u202e.txt", "dangling.txt", "escape.txt"}
