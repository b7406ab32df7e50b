"""Faults of the machine, not of the data: checked before a run starts, and named in one line when they strike later.

A run needs a readable raw folder, writable warehouse and reports folders, room on their file
systems and the warehouse's writer lock. preflight() checks all of it before any work, so a
run that cannot finish fails in a second instead of after landing, parsing and building; a
fault that strikes anyway (the disk fills during dbt, a folder is made read-only mid-run) is
recognised by classify() wherever it surfaces (an OSError, a DuckDB IO error, dbt's failure
messages), and either way the operator reads one line: what failed, which path, what to do.

The writer lock (steppe.lock.writer_lock): a run waits for another writer for at most
STEPPE_LOCK_WAIT_SECONDS (default 900 s), then fails naming the holder's pid. flock is released
by the kernel when its holder dies, so a lock that stays held belongs to a live process.
"""

from __future__ import annotations

import errno
import os
import pwd
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from steppe.display import display_name
from steppe.settings import Settings

MIB = 1024 * 1024
# What a run writes besides its working copy: dbt's artifacts and log, DuckDB's WAL, the run files.
WAREHOUSE_MARGIN_BYTES = 32 * MIB
# GX's results and Data Docs pages of one run, and the run report.
REPORTS_MARGIN_BYTES = 16 * MIB
# A new dump is stored, parsed into articles and built into the marts: about three times its size.
NEW_DUMP_FACTOR = 3


class EnvironmentFault(RuntimeError):
    """A fault of the machine (space, permissions, a held lock): what failed, where, what to do."""

    def __init__(self, what: str, path: Path | str | None, remedy: str) -> None:
        self.what = what
        self.path = str(path) if path is not None else None
        self.remedy = remedy
        super().__init__(self.line())

    def line(self) -> str:
        where = f" ({display_name(self.path)})" if self.path else ""
        return f"{self.what}{where}: {self.remedy}"


@dataclass(frozen=True, slots=True)
class Fault:
    """What an errno means to an operator."""

    what: str
    errnos: frozenset[int]
    phrase: str  # how libraries that do not raise OSError (DuckDB, dbt) word it


FAULTS = (
    Fault("disk full", frozenset({errno.ENOSPC}), "No space left on device"),
    Fault("disk full", frozenset({errno.EDQUOT}), "Disk quota exceeded"),
    Fault("read-only file system", frozenset({errno.EROFS}), "Read-only file system"),
    Fault("permission denied", frozenset({errno.EACCES, errno.EPERM}), "Permission denied"),
    Fault("not a folder", frozenset({errno.ENOTDIR}), "Not a directory"),
)
_PHRASES = re.compile("|".join(re.escape(f.phrase) for f in FAULTS))
# A path quoted in a library's message, e.g. DuckDB's `Could not write file "/w/x.duckdb.wal": ...`
_QUOTED_PATH = re.compile(r"[\"'](/[^\"'\n]{1,4096}+)[\"']")
# Else the first absolute path in it (dbt's failures name the database they built).
_BARE_PATH = re.compile(r"(?<![\w.])(/[^\s\"'()]{1,4096}+)")
_CHAIN_DEPTH = 20


def _setting_for(path: str | None, settings: Settings) -> str:
    """The variable an operator changes to move `path` elsewhere."""
    if path is None:
        return "STEPPE_WAREHOUSE"
    target = Path(path)
    for variable, root in (
        ("STEPPE_REPORTS_DIR", settings.reports_dir),
        ("STEPPE_RAW_DIR", settings.raw_dir),
        ("STEPPE_WAREHOUSE", settings.warehouse.parent),
    ):
        if target == root or target.is_relative_to(root):
            return variable
    return "STEPPE_WAREHOUSE"


def _user() -> str:
    uid = os.geteuid()
    try:
        return f"user {pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def remedy(what: str, path: str | None, settings: Settings, *, need_bytes: int | None = None) -> str:
    variable = _setting_for(path, settings)
    user = _user()
    if what == "disk full":
        need = f" (this run needs about {need_bytes / MIB:.0f} MB)" if need_bytes else ""
        return f"free space on that file system{need} or point {variable} at another one, then run again"
    if what == "read-only file system":
        return f"remount it read-write or point {variable} at a writable folder, then run again"
    if what == "permission denied":
        access = "read" if variable == "STEPPE_RAW_DIR" else "write"
        return f"give {user} {access} access to it (chown/chmod) or point {variable} elsewhere, then run again"
    if what == "not a folder":
        return f"it must be a folder: move that file away or point {variable} elsewhere, then run again"
    return "see the run's log, fix the cause, then run again"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < _CHAIN_DEPTH:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _from_os_error(exc: OSError) -> tuple[str, str | None] | None:
    for fault in FAULTS:
        if exc.errno in fault.errnos:
            path = exc.filename if isinstance(exc.filename, str) else None
            return fault.what, path
    return None


def _from_message(exc: BaseException) -> tuple[str, str | None] | None:
    text = str(exc)[:20_000]  # messages of many failed dbt nodes: the first fault is enough
    found = _PHRASES.search(text)
    if found is None:
        return None
    what = next(f.what for f in FAULTS if f.phrase == found.group(0))
    named = _QUOTED_PATH.search(text) or _BARE_PATH.search(text)
    return what, named.group(1).rstrip(":;,.") if named else None


def classify(exc: BaseException, settings: Settings) -> EnvironmentFault | None:
    """The machine fault behind `exc` (however deeply wrapped), or None when it is not one."""
    for link in _chain(exc):
        if isinstance(link, EnvironmentFault):
            return link
        found = _from_os_error(link) if isinstance(link, OSError) else None
        found = found or _from_message(link)
        if found:
            what, path = found
            if path is None and what == "disk full":
                path = str(_fullest_folder(settings))
            return EnvironmentFault(what, path, remedy(what, path, settings))
    return None


def _fullest_folder(settings: Settings) -> Path:
    """Of the folders a run writes, the one with the least room: where an unnamed ENOSPC struck."""
    folders = [settings.warehouse.parent, settings.reports_dir]

    def room(folder: Path) -> int:
        try:
            return free_bytes(folder)
        except OSError:
            return 1 << 62

    return min(folders, key=room)


# --- the checks ---------------------------------------------------------------------------------


def _fault_of(exc: OSError, path: Path, settings: Settings) -> EnvironmentFault:
    found = _from_os_error(exc)
    what = found[0] if found else f"cannot use it ({exc.strerror or exc})"
    return EnvironmentFault(what, path, remedy(what, str(path), settings))


def check_raw_dir(settings: Settings) -> None:
    raw = settings.raw_dir
    if not raw.exists():
        raise EnvironmentFault("raw folder missing", raw,
                               "create it or point STEPPE_RAW_DIR at the folder of dumps, then run again")
    if not raw.is_dir():
        raise EnvironmentFault("not a folder", raw, remedy("not a folder", str(raw), settings))
    try:
        with os.scandir(raw) as entries:
            next(entries, None)  # listing it is what landing does first
    except OSError as exc:
        raise _fault_of(exc, raw, settings) from None


def _not_a_folder_on_the_way(folder: Path) -> Path | None:
    """The first existing component of `folder` that is not a folder, if any."""
    for candidate in [*reversed(folder.parents), folder]:
        if candidate.exists() and not candidate.is_dir():
            return candidate
        if not candidate.exists():
            return None
    return None


def check_writable_folder(folder: Path, settings: Settings) -> None:
    """`folder` is (or can be made) a folder this user can create files in."""
    blocker = _not_a_folder_on_the_way(folder)
    if blocker is not None:
        raise EnvironmentFault("not a folder", blocker, remedy("not a folder", str(blocker), settings))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=".steppe-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise _fault_of(exc, folder, settings) from None


def check_warehouse_path(settings: Settings) -> None:
    if settings.warehouse.is_dir():
        raise EnvironmentFault("is a folder, not a file", settings.warehouse,
                               "STEPPE_WAREHOUSE names the DuckDB file itself: point it at a file name, then run again")
    check_writable_folder(settings.warehouse.parent, settings)
    check_writable_folder(settings.state_dir, settings)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def new_dump_bytes(settings: Settings) -> int:
    """Bytes of raw files that arrived since the warehouse was last published (an upper bound).

    ctime cannot be set back by a copy (cp -p, rsync -t keep mtime, never ctime), so every file
    landed by an earlier run has a ctime before that run published; the rest may be new.
    """
    published = settings.warehouse.stat().st_mtime if settings.warehouse.exists() else 0.0
    total = 0
    with os.scandir(settings.raw_dir) as entries:
        for entry in entries:
            try:
                info = entry.stat()
            except OSError:
                continue
            if entry.is_file() and info.st_ctime >= published:
                total += info.st_size
    return total


def needed_bytes(settings: Settings) -> int:
    """About what a run writes beside the warehouse: a working copy, its growth and the build."""
    return 2 * _file_size(settings.warehouse) + NEW_DUMP_FACTOR * new_dump_bytes(settings) + WAREHOUSE_MARGIN_BYTES


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def check_free_space(settings: Settings) -> None:
    folder = settings.warehouse.parent
    need = needed_bytes(settings)
    have = free_bytes(folder)
    if have < need:
        raise EnvironmentFault(
            "not enough free space", folder,
            f"{have / MIB:.0f} MB free, this run needs about {need / MIB:.0f} MB (twice the published warehouse, "
            f"the new dumps and dbt's files): {remedy('disk full', str(folder), settings)}",
        )
    reports = settings.reports_dir
    if os.stat(reports).st_dev != os.stat(folder).st_dev and free_bytes(reports) < REPORTS_MARGIN_BYTES:
        raise EnvironmentFault(
            "not enough free space", reports,
            f"{free_bytes(reports) / MIB:.0f} MB free, the report needs about {REPORTS_MARGIN_BYTES / MIB:.0f} MB: "
            f"{remedy('disk full', str(reports), settings)}",
        )


def check_lock(
    settings: Settings, wait_seconds: float | None = None, on_wait: Callable[[str], None] | None = None
) -> None:
    """Another writer may hold the lock: wait for it as a run would (raises LockHeldError).

    on_wait(holder) is called once when the lock is held, before waiting, so a person at the
    terminal knows why nothing happens.
    """
    from steppe.lock import LockHeldError, lock_holder, writer_lock

    try:
        with writer_lock(settings, timeout=0):
            return
    except LockHeldError:
        if on_wait is not None:
            on_wait(lock_holder(settings))
    with writer_lock(settings, timeout=wait_seconds):
        pass


def preflight(
    settings: Settings, *, lock_wait_seconds: float | None = None, on_wait: Callable[[str], None] | None = None
) -> None:
    """Every check before a run; the first that fails raises EnvironmentFault (one line)."""
    check_raw_dir(settings)
    check_warehouse_path(settings)
    check_writable_folder(settings.reports_dir, settings)
    check_lock(settings, lock_wait_seconds, on_wait)  # before the space check: the holder may change the warehouse
    check_free_space(settings)
