"""The warehouse's writer lock: one writer at a time, across processes and threads.

flock on a file beside the warehouse (Settings.lock_file), held by whoever writes: one stage, or
a whole single-process run. The kernel releases it when its holder dies, so a killed run never
leaves it held. A run waits at most Settings.lock_wait_seconds (STEPPE_LOCK_WAIT_SECONDS), then
fails with LockHeldError naming the holder (its pid and host, written in the lock file).
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from steppe.preflight import EnvironmentFault
from steppe.settings import LOCK_WAIT_ENV, Settings

_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.RLock] = {}
_HELD: dict[str, tuple[IO[str], int]] = {}


class LockHeldError(EnvironmentFault):
    """Another writer held the warehouse's writer lock for longer than this run would wait."""


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
    run never leaves it held. Waits at most `timeout` seconds (default: settings.lock_wait_seconds),
    then raises LockHeldError.
    """
    wait = settings.lock_wait_seconds if timeout is None else max(timeout, 0.0)
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
