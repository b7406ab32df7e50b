"""One pipeline run, write-audit-publish: build a working copy, check it, then publish it atomically.

BI users read the published file (STEPPE_WAREHOUSE). A run copies it into a working folder
beside it, lands, parses, extracts, builds and validates the copy, and only then replaces the
published file with one rename. A run that fails or is killed leaves the published warehouse
as it was.

State beside the warehouse (`.<stem>.steppe/`):

    writer.lock        flock held by whoever writes (one stage, or a whole single-process run)
    work/<run>/        a run's working copy and run.json (mode, status, what it started from)
    runs/<run>.json    ledger of finished runs (published or failed), the newest few hundred

Concurrency. Every stage takes the writer lock, so two runs never write at the same time and
no DuckDB file is ever opened by two writers. A single-process run (`steppe run`,
`run_pipeline`) holds the lock from prepare to publish, so overlapping runs of that kind run
one after the other. Airflow runs one DAG run at a time (max_active_runs=1); runs of separate
orchestrators may still interleave stage by stage, and publish then reconciles: a run whose
starting point was replaced by another run's publication first takes over every dump that
publication holds and it lacks, rebuilds, and only then publishes (nothing is ever lost).

Stale working folders. prepare removes another run's folder only when that run provably
cannot continue: it finished (published or failed), or it ran as a single process (such a run
holds the writer lock until it ends, and prepare holds that lock), or it is a staged (Airflow)
run that has shown no activity for STEPPE_STALE_RUN_SECONDS (default six hours).

The writer lock is waited for at most STEPPE_LOCK_WAIT_SECONDS (default 900 s); then the run
fails with LockHeldError naming the holder (its pid and host, written in the lock file).

A run that fails removes its working folder (pipeline.record_failure); one whose copy fails
half-way removes the partial file at once.

Fault injection (test hook). With STEPPE_FAULT_INJECT=<point> the process kills itself with
SIGKILL when it reaches that point; the crash tests use it (tests/reliability/). Points:
`prepare` (copy written, not yet in place), `land` (rows inserted, not committed), `build` (dbt has built a
mart, more to go), `validate` (GX has run a checkpoint, more to go), `publish-before-replace`
and `publish-after-replace` (around the atomic rename). With STEPPE_FAULT_INJECT=disk-full@<point>
the process instead fills the working folder's file system at that point and carries on, so
the real disk-full errors follow (tests/reliability/test_faults.py, on a small tmpfs). Its points:
`prepare-copy` (before the published warehouse is copied), `land` (before landing), `build`,
`validate` (as above) and `publish` (before the working copy replaces the published file).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from steppe.config import Settings
from steppe.preflight import EnvironmentFault

FAULT_ENV = "STEPPE_FAULT_INJECT"
FAULT_POINTS = (
    "prepare",
    "land",
    "build",
    "validate",
    "publish-before-replace",
    "publish-after-replace",
)
DISK_FULL_FAULT = "disk-full@"
STALE_ENV = "STEPPE_STALE_RUN_SECONDS"
LOCK_WAIT_ENV = "STEPPE_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 900.0
DEFAULT_STALE_SECONDS = 6 * 3600.0
LEDGER_KEEP = 500
RUN_FILE = "run.json"


class RunGoneError(RuntimeError):
    """A stage was asked to work on a run whose working copy no longer exists."""


def fault_point(name: str, folder: Path | None = None) -> None:
    """Test hook: die here, as `kill -9` would, when STEPPE_FAULT_INJECT names this point; or,
    with disk-full@<point>, fill the file system of `folder` and carry on."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if folder is not None:
        disk_full_point(name, folder)


def disk_full_point(name: str, folder: Path) -> None:
    """Test hook: fill the file system of `folder` when STEPPE_FAULT_INJECT is disk-full@<name>."""
    if os.environ.get(FAULT_ENV) == DISK_FULL_FAULT + name:
        fill_file_system(folder / ".disk-filler")


def fill_file_system(filler: Path) -> None:
    """Write zeros to `filler` until the file system has no room left (test hook only)."""
    chunk = bytes(1024 * 1024)
    with open(filler, "ab", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        # Fill the last partial chunk too, so even a one-page write fails.
        try:
            while True:
                out.write(chunk[:4096])
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise


@dataclass(frozen=True, slots=True)
class RunPaths:
    run_id: str
    run_dir: Path
    database: Path  # the working copy; same file name as the published one (dbt views name their catalog)

    @classmethod
    def of(cls, settings: Settings, run_id: str) -> RunPaths:
        if not RUN_ID_RE.fullmatch(run_id):
            raise ValueError(f"not a valid run id: {run_id!r}")
        run_dir = settings.work_dir / run_id
        return cls(run_id=run_id, run_dir=run_dir, database=run_dir / settings.warehouse.name)

    @property
    def run_file(self) -> Path:
        return self.run_dir / RUN_FILE


RUN_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")


# --- the writer lock --------------------------------------------------------------------------

_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.RLock] = {}
_HELD: dict[str, tuple[IO[str], int]] = {}


class LockHeldError(EnvironmentFault):
    """Another writer held the warehouse's writer lock for longer than this run would wait."""


def lock_wait_seconds() -> float:
    try:
        return float(os.environ.get(LOCK_WAIT_ENV, DEFAULT_LOCK_WAIT_SECONDS))
    except ValueError:
        return DEFAULT_LOCK_WAIT_SECONDS


def lock_holder(settings: Settings) -> str:
    """Who holds the lock, as its holder wrote it ("pid N on host"), or "another process"."""
    try:
        text = settings.lock_file.read_text(errors="replace").strip()
    except OSError:
        return "another process"
    return text[:200] or "another process"


def _lock_held(settings: Settings, waited: float) -> LockHeldError:
    holder = lock_holder(settings)
    return LockHeldError(
        f"writer lock held by {holder} for more than {waited:.0f} s", settings.lock_file,
        f"another run is writing this warehouse: wait for it to finish, or stop it ({holder}) if it hangs, "
        f"then run again ({LOCK_WAIT_ENV} sets how long a run waits)",
    )


def _flock_until(handle: IO[str], deadline: float) -> bool:
    """flock(LOCK_EX) on handle, polling until the monotonic deadline; False when it timed out."""
    pause = 0.05
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(pause, left))
            pause = min(pause * 2, 1.0)


@contextmanager
def writer_lock(settings: Settings, *, timeout: float | None = None) -> Iterator[None]:
    """Serialises writers of one warehouse across processes (and threads).

    Re-entrant within a thread: a single-process run holds it for the whole run while each
    stage takes it again. flock is released by the kernel when a process dies, so a killed
    run never leaves it held. Waits at most `timeout` seconds (default: STEPPE_LOCK_WAIT_SECONDS),
    then raises LockHeldError.
    """
    wait = lock_wait_seconds() if timeout is None else max(timeout, 0.0)
    deadline = time.monotonic() + wait
    key = str(settings.lock_file)
    with _GUARD:
        local = _THREAD_LOCKS.setdefault(key, threading.RLock())
    if not local.acquire(timeout=wait):
        raise _lock_held(settings, wait)
    try:
        held = _HELD.get(key)
        if held is None:
            settings.state_dir.mkdir(parents=True, exist_ok=True)
            opened: IO[str] = open(settings.lock_file, "a+")  # noqa: SIM115  (kept open while held)
            try:
                if not _flock_until(opened, deadline):
                    raise _lock_held(settings, wait)
            except BaseException:
                opened.close()
                raise
            opened.seek(0)
            opened.truncate()
            opened.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
            opened.flush()
            _HELD[key] = (opened, 1)
        else:
            _HELD[key] = (held[0], held[1] + 1)
        try:
            yield
        finally:
            handle, depth = _HELD[key]
            if depth == 1:
                del _HELD[key]
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            else:
                _HELD[key] = (handle, depth - 1)
    finally:
        local.release()


# --- runs ---------------------------------------------------------------------------------------


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def identity(path: Path) -> str:
    """What the published file is right now: a rename always changes it (new inode)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "absent"
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def read_run(paths: RunPaths) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(paths.run_file.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data


def update_run(paths: RunPaths, **changes: Any) -> dict[str, Any]:
    meta = read_run(paths) or {"run_id": paths.run_id}
    meta.update(changes, updated_at=_now())
    write_json(paths.run_file, meta)
    return meta


def ledger_entry(settings: Settings, run_id: str) -> dict[str, Any] | None:
    """The ledger's record of a finished run, if it finished."""
    try:
        data: dict[str, Any] = json.loads((settings.state_dir / "runs" / f"{run_id}.json").read_text())
    except (FileNotFoundError, ValueError):
        return None
    return data


def record_finished(settings: Settings, paths: RunPaths, status: str, **details: Any) -> None:
    """Write the ledger entry (and the status in run.json while the folder is still there)."""
    entry = {"run_id": paths.run_id, "status": status, "finished_at": _now(), **details}
    ledger = settings.state_dir / "runs"
    write_json(ledger / f"{paths.run_id}.json", entry)
    if paths.run_dir.exists():
        update_run(paths, status=status)
    entries = sorted(ledger.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-LEDGER_KEEP]:
        old.unlink(missing_ok=True)


def is_published(settings: Settings, run_id: str) -> bool:
    entry = ledger_entry(settings, run_id)
    return bool(entry and entry.get("status") == "published")


def prepare_run(settings: Settings, run_id: str | None = None, *, mode: str = "staged") -> RunPaths:
    """A fresh working copy of the published warehouse (an empty one on the first run).

    mode is "process" when one process runs every stage while holding the writer lock, and
    "staged" when the stages run as separate tasks (Airflow). Preparing a run id again starts
    it afresh (a retried prepare task) unless that run was already published.
    """
    paths = RunPaths.of(settings, run_id or new_run_id())
    with writer_lock(settings):
        if is_published(settings, paths.run_id):
            return paths
        _remove_stale_runs(settings, keep=paths.run_id)
        if paths.run_dir.exists():
            shutil.rmtree(paths.run_dir)
        paths.run_dir.mkdir(parents=True)
        update_run(
            paths,
            mode=mode,
            status="running",
            created_at=_now(),
            pid=os.getpid(),
            host=socket.gethostname(),
            base=identity(settings.warehouse),
        )
        if settings.warehouse.exists():
            partial = paths.database.with_name(paths.database.name + ".copying")
            try:
                fault_point("prepare-copy", paths.run_dir)
                shutil.copyfile(settings.warehouse, partial)  # in the kernel (sendfile)
                fault_point("prepare")
                os.replace(partial, paths.database)
            except Exception:
                # A half-copied file is useless and may fill the disk: never leave it behind.
                shutil.rmtree(paths.run_dir, ignore_errors=True)
                raise
    return paths


def remove_run(paths: RunPaths) -> None:
    """Remove a run's working folder (its copy of the warehouse first: it frees the most space)."""
    for partial in (paths.database, paths.database.with_name(paths.database.name + ".copying")):
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    shutil.rmtree(paths.run_dir, ignore_errors=True)


def stale_after_seconds() -> float:
    try:
        return float(os.environ.get(STALE_ENV, DEFAULT_STALE_SECONDS))
    except ValueError:
        return DEFAULT_STALE_SECONDS


def last_activity(run_dir: Path) -> float:
    stamps = [run_dir.stat().st_mtime]
    for child in run_dir.iterdir():
        try:
            stamps.append(child.stat().st_mtime)
        except FileNotFoundError:
            continue
    return max(stamps)


def stale_reason(run_dir: Path) -> str | None:
    """Why another run's working folder can be removed, or None while that run may continue.

    Only called with the writer lock held (see the module docstring for why that proves a
    single-process run dead).
    """
    meta = read_run(RunPaths(run_dir.name, run_dir, run_dir))
    if meta is None:
        return "no run.json: a prepare that never completed"
    status = meta.get("status")
    if status in ("published", "failed"):
        return f"run {status}"
    if meta.get("mode") == "process":
        return "single-process run no longer holds the writer lock: it ended"
    idle = time.time() - last_activity(run_dir)
    if idle > stale_after_seconds():
        return f"staged run idle for {idle:.0f} s"
    return None


def _remove_stale_runs(settings: Settings, keep: str) -> None:
    if not settings.work_dir.exists():
        return
    for child in settings.work_dir.iterdir():
        if child.name != keep and child.is_dir() and stale_reason(child) is not None:
            shutil.rmtree(child, ignore_errors=True)


def require_run(settings: Settings, run_id: str) -> RunPaths:
    """The run's paths, or RunGoneError when its working copy is not there."""
    paths = RunPaths.of(settings, run_id)
    if not paths.run_file.exists():
        raise RunGoneError(
            f"run {run_id}: its working folder {paths.run_dir} is gone (never prepared, or removed as stale "
            f"after {stale_after_seconds():.0f} s without activity); start a new run"
        )
    return paths


def base_changed(settings: Settings, paths: RunPaths) -> bool:
    """Whether another run published since this one copied the published warehouse."""
    meta = read_run(paths) or {}
    return meta.get("base") != identity(settings.warehouse)


def publish_run(settings: Settings, paths: RunPaths) -> Path:
    """Atomically replace the published warehouse with the checked working copy."""
    if not paths.database.exists():
        raise FileNotFoundError(f"working copy {paths.database} is missing: nothing to publish")
    wal = paths.database.with_name(paths.database.name + ".wal")
    if wal.exists():
        raise RuntimeError(f"working copy {paths.database} was not closed cleanly ({wal.name} exists)")
    with writer_lock(settings):
        settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
        _fsync(paths.database)
        fault_point("publish-before-replace")
        # Readers holding the old file keep reading it; new readers open the new one.
        os.replace(paths.database, settings.warehouse)
        _fsync_dir(settings.warehouse.parent)
        fault_point("publish-after-replace")
    return settings.warehouse


def finish_published(settings: Settings, paths: RunPaths, **details: Any) -> None:
    record_finished(settings, paths, "published", **details)
    shutil.rmtree(paths.run_dir, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, payload: Mapping[str, object]) -> None:
    """Write JSON atomically (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str))
    os.replace(tmp, path)
