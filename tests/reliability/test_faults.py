"""Faults of the machine, provoked for real, as the operator sees them.

Each fault (an unreadable raw folder, a read-only warehouse folder, a reports path that is a
file, a full disk at every stage, a writer lock held by another process) ends `steppe run` the
same way: exit 1, one line naming the path and what to do, no traceback (that is in the run's
log, or on the terminal with --debug), the run's working copy gone, the published warehouse
untouched, and last_run.json / `steppe summary` saying the run failed. A normal run prints a
short summary, with no dbt log lines and untrusted file names shown inert.

Permission faults: root ignores file modes, so as root the command runs with CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH dropped (setpriv), which makes chmod bind it as it binds any user. Full
disks: a small tmpfs (mounting needs root); the disk-full@<point> hook (steppe.runs) fills it at
a given stage so the real ENOSPC errors of DuckDB, dbt, GX and the file writes follow (the fault
plugin, tests/faults.py, armed in the `steppe` process by tests.fault_runner).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from steppe.cli import print_summary
from steppe.config import PROJECT_ROOT
from steppe.display import display_name
from steppe.ledger import ledger_entry
from steppe.lock import LockHeldError
from steppe.pipeline import land, prepare, record_fault
from steppe.settings import LOCK_WAIT_ENV, Settings
from tests.conftest import clone_warehouse, file_digest, make_settings, seed_raw, write_dump
from tests.reliability.conftest import Built, steppe_command, steppe_env
from tests.reliability.conftest import last_run as last_run_record

IS_ROOT = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
needs_root = pytest.mark.skipif(not IS_ROOT, reason="mounting a tmpfs needs root")
DBT_LINE = re.compile(r"Running with dbt|START sql|of \d+ (PASS|OK|START)|Finished running|Logging error")
HOSTILE_NAME = "\x1b[2J[conceal]hidden[link=x.example]click\u202eevil.txt"  # no "/": it is one file name


# --- helpers ------------------------------------------------------------------------------------------


def steppe(settings: Settings, *args: str, bound_by_modes: bool = False, timeout: float = 600,
           fault: str | None = None, **env: str) -> tuple[int, str]:
    """`steppe <args>` in a subprocess, stdout and stderr together; with bound_by_modes, as a
    process that file modes bind (a non-root user, or root without the DAC capabilities); with a
    fault armed (tests/faults.py)."""
    command = steppe_command(*args, fault=fault)
    if bound_by_modes and IS_ROOT:
        assert SETPRIV, "setpriv (util-linux) is needed to drop root's DAC capabilities"
        command = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, env=steppe_env(settings, **env), cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=timeout)
    return done.returncode, done.stdout + done.stderr


def assert_one_line_fault(code: int, output: str, *, names: Path | str, says: str) -> str:
    """Exit 1, exactly one line, naming `names` and what failed, with a remedy, no traceback."""
    lines = output.strip().splitlines()
    assert code == 1, output[-3000:]
    assert len(lines) == 1, output[-3000:]
    line = lines[0]
    assert str(names) in line and says in line, line
    assert "then run again" in line or "wait for it" in line, line  # a remedy
    assert "Traceback" not in output and "Logging error" not in output
    return line


def last_run(settings: Settings) -> dict[str, object]:
    return last_run_record(settings)


def work_left(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.work_dir.iterdir()) if settings.work_dir.exists() else []


@contextlib.contextmanager
def tmpfs(mount_point: Path, size: str) -> Iterator[Path]:
    mount_point.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@contextlib.contextmanager
def mode(path: Path, bits: int) -> Iterator[None]:
    """chmod for the duration (restored, so pytest can clean up)."""
    before = path.stat().st_mode & 0o7777
    path.chmod(bits)
    try:
        yield
    finally:
        path.chmod(before)


def published_on(root: Path, baseline: Built) -> Settings:
    """A copy of the baseline's published warehouse (and its report) under root."""
    settings = clone_warehouse(baseline.settings, root, seed_raw(root / "raw"))
    shutil.copytree(baseline.settings.reports_dir, settings.reports_dir)
    return settings


# --- preflight: caught before any work ------------------------------------------------------------------


def test_missing_raw_folder_is_one_line_and_recorded(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, tmp_path / "no-such-raw")
    code, output = steppe(settings, "run")
    assert_one_line_fault(code, output, names=settings.raw_dir, says="raw folder missing")
    assert "STEPPE_RAW_DIR" in output
    assert not settings.warehouse.exists() and work_left(settings) == []
    record = last_run(settings)
    assert record["status"] == "failed" and "raw folder missing" in str(record["reason"])
    code, output = steppe(settings, "summary")
    assert code == 1 and len(output.strip().splitlines()) == 1 and "failed" in output


@pytest.mark.skipif(IS_ROOT and not SETPRIV, reason="needs setpriv to drop root's DAC capabilities")
def test_unreadable_raw_folder_is_one_line(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    with mode(settings.raw_dir, 0o000):
        code, output = steppe(settings, "run", bound_by_modes=True)
    assert_one_line_fault(code, output, names=settings.raw_dir, says="permission denied")
    assert "read access" in output and not settings.warehouse.exists()
    assert last_run(settings)["status"] == "failed"


@pytest.mark.skipif(IS_ROOT and not SETPRIV, reason="needs setpriv to drop root's DAC capabilities")
def test_read_only_warehouse_folder_is_one_line_and_the_warehouse_untouched(tmp_path: Path, baseline: Built) -> None:
    settings = published_on(tmp_path, baseline)
    with mode(settings.warehouse.parent, 0o555):
        code, output = steppe(settings, "run", bound_by_modes=True)
    assert_one_line_fault(code, output, names=settings.warehouse.parent, says="permission denied")
    assert "STEPPE_WAREHOUSE" in output
    assert file_digest(settings.warehouse) == baseline.digest and work_left(settings) == []
    assert last_run(settings)["status"] == "failed"
    assert (settings.reports_dir / "published.html").exists()  # the last published report stays


def test_reports_path_that_is_a_file_fails_before_landing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    settings.reports_dir.write_text("not a folder")
    started = time.monotonic()
    code, output = steppe(settings, "run")
    assert_one_line_fault(code, output, names=settings.reports_dir, says="not a folder")
    assert time.monotonic() - started < 60  # no landing, parsing or dbt before finding out
    assert not settings.warehouse.exists() and work_left(settings) == []
    # The report cannot be written there; the ledger beside the warehouse says the run failed.
    code, output = steppe(settings, "summary")
    assert code == 1 and "not a folder" in output

    code, output = steppe(settings, "run", "--debug")  # the traceback, only when asked for
    assert code == 1 and "Traceback" in output


def test_a_held_writer_lock_is_waited_for_then_one_line(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom steppe.lock import writer_lock\n"
         "from tests.conftest import make_settings\nwith writer_lock(make_settings(Path(sys.argv[1]))):\n"
         "    print('held', flush=True); time.sleep(60)", str(tmp_path)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        code, output = steppe(settings, "run", **{LOCK_WAIT_ENV: "2"})
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    waiting, *rest = output.splitlines()  # first: why nothing happens for a while
    assert waiting.startswith("Waiting for the writer lock") and f"pid {holder.pid}" in waiting
    line = assert_one_line_fault(code, "\n".join(rest), names=settings.lock_file, says="writer lock held")
    assert f"pid {holder.pid}" in line and waited >= 2
    assert work_left(settings) == [] and not settings.warehouse.exists()


def test_a_stage_that_meets_a_held_lock_is_recorded_and_its_copy_removed(tmp_path: Path) -> None:
    """As an Airflow task meets it: the stage raises LockHeldError, record_fault ends the run."""
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    run_id = prepare(settings)["run_id"]
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\nfrom steppe.lock import writer_lock\n"
         "from tests.conftest import make_settings\nwith writer_lock(make_settings(Path(sys.argv[1]))):\n"
         "    print('held', flush=True); time.sleep(60)", str(tmp_path)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        settings = settings.replace(lock_wait_seconds=0.5)  # STEPPE_LOCK_WAIT_SECONDS
        with pytest.raises(LockHeldError) as raised:
            land(run_id, settings)
    finally:
        holder.kill()
        holder.wait()
    failure = record_fault(run_id, raised.value, settings)
    assert failure is not None and "writer lock held" in failure.line() and "\n" not in failure.line()
    assert work_left(settings) == []
    assert (ledger_entry(settings, run_id) or {})["status"] == "failed"
    assert last_run(settings)["status"] == "failed"


@needs_root
def test_too_little_free_space_is_found_before_copying(tmp_path: Path, baseline: Built) -> None:
    size = baseline.settings.warehouse.stat().st_size
    with tmpfs(tmp_path / "small", f"{(size * 3) // 1024 + 1024}k") as disk:
        settings = clone_warehouse(baseline.settings, disk, seed_raw(tmp_path / "raw"))
        code, output = steppe(settings, "run")
        assert_one_line_fault(code, output, names=settings.warehouse.parent, says="not enough free space")
        assert work_left(settings) == [] and file_digest(settings.warehouse) == baseline.digest


# --- faults that strike during the run ------------------------------------------------------------------


@needs_root
@pytest.mark.slow
@pytest.mark.parametrize("point", ["prepare-copy", "land", "build", "validate", "publish"])
def test_a_disk_that_fills_during_the_run_ends_it_in_one_line(point: str, tmp_path: Path, baseline: Built) -> None:
    with tmpfs(tmp_path / "disk", "128m") as disk:
        settings = published_on(disk, baseline)
        code, output = steppe(settings, "run", fault=f"disk-full@{point}")
        line = assert_one_line_fault(code, output, names=disk, says="disk full")
        assert not DBT_LINE.search(output), output[-3000:]

        assert work_left(settings) == []  # the working copy, half-copied or not, is gone
        assert file_digest(settings.warehouse) == baseline.digest
        record = last_run(settings)
        assert record["status"] == "failed" and "disk full" in str(record["reason"])
        log = Path(str(record["log"]))
        assert log.parent == settings.reports_dir / "runs" and "Traceback" in log.read_text()
        assert str(log) in line
        index = (settings.reports_dir / "index.html").read_text()
        assert "failed: disk full" in index and 'href="published.html"' in index
        assert "published" in (settings.reports_dir / "published.html").read_text()

        code, output = steppe(settings, "summary")
        assert code == 1 and len(output.strip().splitlines()) == 1 and "published.html" in output


# --- a normal run -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_normal_run_prints_a_short_summary_and_names_files_inertly(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, seed_raw(tmp_path / "raw"))
    write_dump(settings.raw_dir, HOSTILE_NAME, b"")  # refused (empty), and its name is shown
    code, output = steppe(settings, "run")
    assert code == 0, output[-3000:]
    lines = output.strip().splitlines()
    assert len(lines) <= 30, output
    assert not DBT_LINE.search(output), output
    assert "marts.articles" in output and "3 landed" in output and "1 refused" in output
    assert str(settings.reports_dir / "index.html") in output and str(settings.warehouse) in output
    assert "\x1b" not in output and "\u202e" not in output
    assert "\\x1b[2J[conceal]hidden[link=x.example]click\\u202eevil.txt" in output
    assert (settings.reports_dir / "published.html").exists()
    code, again = steppe(settings, "summary")
    assert code == 0 and again.strip().splitlines()[-1] == lines[-1]


# --- what the terminal shows -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.txt", "plain.txt"),
        ("a\x1b[2Jb.txt", "a\\x1b[2Jb.txt"),
        ("two\nlines.txt", "two\\x0alines.txt"),
        ("del\x7f.txt", "del\\x7f.txt"),
        ("c1\x9b.txt", "c1\\x9b.txt"),
        ("\u202etxt.exe", "\\u202etxt.exe"),
        ("iso\u2066late\u2069.txt", "iso\\u2066late\\u2069.txt"),
        ("not-utf8-\udcff.txt", "not-utf8-\\udcff.txt"),
        ("back\\slash.txt", "back\\slash.txt"),
        ("Алматы [1].txt", "Алматы [1].txt"),
    ],
)
def test_display_name_escapes_what_a_terminal_would_obey(name: str, shown: str) -> None:
    assert display_name(name) == shown
    assert display_name(shown) == shown  # idempotent: a name escaped upstream is not escaped twice


def test_summary_prints_rich_markup_in_names_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    names = ["[conceal]secret.txt", "[link=http://x.example]here[/link].txt", "line\nbreak.txt", "\x1b]8;;x\x07.txt"]
    print_summary({
        "run_id": "r1", "status": "published", "warehouse": "/w/[bold]w.duckdb", "reports_dir": "/r",
        "stages": {"land": {"landed": 1, "rejected": len(names),
                            "rejections": [{"file": n, "reason": f"empty [red]{n}"} for n in names]}},
    })
    out = capsys.readouterr().out
    assert "[conceal]secret.txt" in out and "[link=http://x.example]here[/link].txt" in out
    assert "line\\x0abreak.txt" in out and "\\x1b]8;;x\\x07.txt" in out and "\x1b" not in out
    assert "/w/[bold]w.duckdb" in out
    assert sum(line.startswith("  refused ") for line in out.splitlines()) == len(names)  # one line each
