"""A run's working folder: where write-audit-publish builds the copy it checks before publishing.

Beside the warehouse, transient (`.<stem>.steppe/work/<run>/`): the working copy and run.json
(mode, status, what the copy started from, the stage results so far). Nothing in it must outlive
the run: what lasts is written into the warehouse (audit.runs, steppe.ledger) or the report.

Stale working folders. prepare removes another run's folder only when that run provably cannot
continue: it finished (published or failed), or it ran as a single process (such a run holds the
writer lock until it ends, and prepare holds that lock), or it is a staged (Airflow) run that has
shown no activity for Settings.stale_run_seconds (STEPPE_STALE_RUN_SECONDS, six hours).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steppe.settings import DEFAULT_STALE_RUN_SECONDS, Settings

RUN_FILE = "run.json"
# The working copy's file name, whatever the published file is called: dbt's staging views name
# their DuckDB catalog after it, so a published file can be renamed or copied and still be read
# through a catalog of this name (steppe.readers.open_latest).
CATALOG = "warehouse"
RUN_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}")


class RunGoneError(RuntimeError):
    """A stage was asked to work on a run whose working copy no longer exists."""


@dataclass(frozen=True, slots=True)
class RunPaths:
    run_id: str
    run_dir: Path
    database: Path  # the working copy

    @classmethod
    def of(cls, settings: Settings, run_id: str) -> RunPaths:
        if not RUN_ID_RE.fullmatch(run_id):
            raise ValueError(f"not a valid run id: {run_id!r}")
        run_dir = settings.work_dir / run_id
        return cls(run_id=run_id, run_dir=run_dir, database=run_dir / f"{CATALOG}.duckdb")

    @property
    def run_file(self) -> Path:
        return self.run_dir / RUN_FILE


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def identity(path: Path) -> str:
    """What the published file is right now: a rename always changes it (new inode)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "absent"
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}"


def read_run(paths: RunPaths) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(paths.run_file.read_text())
    except (FileNotFoundError, NotADirectoryError, ValueError):
        return None
    return data


def update_run(paths: RunPaths, **changes: Any) -> dict[str, Any]:
    meta = read_run(paths) or {"run_id": paths.run_id}
    meta.update(changes, updated_at=now_iso())
    write_json(paths.run_file, meta)
    return meta


def remove_run(paths: RunPaths) -> None:
    """Remove a run's working folder (its copy of the warehouse first: it frees the most space)."""
    for partial in (paths.database, paths.database.with_name(paths.database.name + ".copying")):
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
    shutil.rmtree(paths.run_dir, ignore_errors=True)


def last_activity(run_dir: Path) -> float:
    stamps = [run_dir.stat().st_mtime]
    for child in run_dir.iterdir():
        try:
            stamps.append(child.stat().st_mtime)
        except FileNotFoundError:
            continue
    return max(stamps)


def stale_reason(run_dir: Path, stale_after_seconds: float = DEFAULT_STALE_RUN_SECONDS) -> str | None:
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
    if idle > stale_after_seconds:
        return f"staged run idle for {idle:.0f} s"
    return None


def remove_stale_runs(settings: Settings, keep: str) -> None:
    if not settings.work_dir.exists():
        return
    for child in settings.work_dir.iterdir():
        if child.name != keep and child.is_dir() and stale_reason(child, settings.stale_run_seconds) is not None:
            shutil.rmtree(child, ignore_errors=True)


def require_run(settings: Settings, run_id: str) -> RunPaths:
    """The run's paths, or RunGoneError when its working copy is not there."""
    paths = RunPaths.of(settings, run_id)
    if not paths.run_file.exists():
        raise RunGoneError(
            f"run {run_id}: its working folder {paths.run_dir} is gone (never prepared, or removed as stale "
            f"after {settings.stale_run_seconds:.0f} s without activity); start a new run"
        )
    return paths


def fsync(path: Path, *, folder: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if folder else 0))
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
