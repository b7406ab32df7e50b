"""One pipeline run, write-audit-publish: build a working copy, check it, then publish it atomically.

BI users read the published file (STEPPE_WAREHOUSE). A run copies it into a working folder
beside it, lands, parses, extracts, builds and validates the copy, and only then replaces the
published file with one rename. A run that fails or is killed leaves the published warehouse
as it was; its working folder is removed by the next run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from steppe.config import Settings


@dataclass(frozen=True, slots=True)
class RunPaths:
    run_id: str
    run_dir: Path
    database: Path  # the working copy; same file name as the published one (dbt views name their catalog)

    @classmethod
    def of(cls, settings: Settings, run_id: str) -> RunPaths:
        run_dir = settings.work_dir / run_id
        return cls(run_id=run_id, run_dir=run_dir, database=run_dir / settings.warehouse.name)


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Serialises writers of one warehouse across processes (Airflow also runs one DAG run at a time)."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.lock_file, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def prepare_run(settings: Settings, run_id: str | None = None) -> RunPaths:
    """A fresh working copy of the published warehouse (an empty one on the first run)."""
    paths = RunPaths.of(settings, run_id or new_run_id())
    with writer_lock(settings):
        _remove_stale_runs(settings, keep=paths.run_id)
        paths.run_dir.mkdir(parents=True, exist_ok=True)
        if settings.warehouse.exists():
            shutil.copy2(settings.warehouse, paths.database)
    return paths


def _remove_stale_runs(settings: Settings, keep: str) -> None:
    if not settings.work_dir.exists():
        return
    for child in settings.work_dir.iterdir():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True)


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
        # Readers holding the old file keep reading it; new readers open the new one.
        os.replace(paths.database, settings.warehouse)
        _fsync_dir(settings.warehouse.parent)
        shutil.rmtree(paths.run_dir, ignore_errors=True)
    return settings.warehouse


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
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2, default=str))
    os.replace(tmp, path)
