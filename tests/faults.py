"""Fault injection, a pytest plugin (registered in tests/conftest.py): kill a run with SIGKILL, or fill
its disk, at a named point. Production code has no fault switch: these hooks attach to the store's
steps (steppe.store.on_step) and wrap dbt and GX from outside.

In the test process: the `inject_fault` fixture (`inject_fault("disk-full@land")`). In a `steppe`
subprocess: run it as `python -m tests.fault_runner <point> -- run ...` (start_steppe_run does).

Kill points (SIGKILL, as `kill -9`): `prepare` (copy written, not yet in place), `land` (rows inserted,
not committed), `build` (dbt has built a mart, more to go), `validate` (GX has run a checkpoint, more
to go), `publish-before-replace` and `publish-after-replace` (around the atomic rename).
Disk-full points (`disk-full@<point>`: the working folder's file system is filled and the run goes
on, so the real ENOSPC errors follow): `prepare-copy` (before the published warehouse is copied),
`land` (before landing), `build`, `validate` (as above) and `publish` (before the working copy
replaces the published file).
"""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

FAULT_POINTS = ("prepare", "land", "build", "validate", "publish-before-replace", "publish-after-replace")
DISK_FULL = "disk-full@"
DISK_FULL_POINTS = ("prepare-copy", "land", "build", "validate", "publish")
# The store step at which each point strikes (build and validate strike inside dbt and GX).
_KILL_STEPS = {"prepare": "prepare", "land": "after:land", "publish-before-replace": "publish-before-replace",
               "publish-after-replace": "publish-after-replace"}
_DISK_STEPS = {"prepare-copy": "prepare-copy", "land": "before:land", "publish": "publish"}


def kill_now() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def fill_file_system(filler: Path) -> None:
    """Write zeros to `filler` until the file system has no room left."""
    chunk = bytes(1024 * 1024)
    with open(filler, "ab", buffering=0) as out:
        for size in (len(chunk), 4096):  # then the last partial chunk, so even a one-page write fails
            try:
                while True:
                    out.write(chunk[:size])
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise


def install(fault: str) -> Callable[[], None]:
    """Arm one fault (a kill point, or disk-full@<point>); returns a function that disarms it."""
    from steppe.store import on_step

    disk_full = fault.startswith(DISK_FULL)
    point = fault.removeprefix(DISK_FULL)
    if point not in (DISK_FULL_POINTS if disk_full else FAULT_POINTS):
        raise ValueError(f"unknown fault point {fault!r}")

    def strike(folder: Path) -> None:
        if disk_full:
            fill_file_system(folder / ".disk-filler")
        else:
            kill_now()

    steps = _DISK_STEPS if disk_full else _KILL_STEPS
    if point in steps:
        return on_step(lambda step, folder: strike(folder) if step == steps[point] else None)
    # build and validate: half-way through dbt's or GX's work, armed when the stage starts.
    arm = _arm_dbt if point == "build" else _arm_gx
    return on_step(lambda step, folder: arm(lambda: strike(folder)) if step == f"before:{point}" else None)


def _arm_dbt(strike: Callable[[], None]) -> None:
    """Strike as soon as dbt has built the first mart table (the build is then half done)."""
    import dbt.cli.main as dbt_main

    original = dbt_main.dbtRunner

    def on_event(event: Any) -> None:
        if event.info.name == "LogModelResult" and event.data.node_info.node_relation.schema == "marts":
            strike()

    class FaultyRunner(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), on_event]
            super().__init__(*args, **kwargs)

    dbt_main.dbtRunner = FaultyRunner  # type: ignore[misc]


def _arm_gx(strike: Callable[[], None]) -> None:
    """Strike once GX has run a few checkpoints (the validation is then half done)."""
    from great_expectations.checkpoint.checkpoint import Checkpoint

    original = Checkpoint.run
    calls = 0

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(self, *args, **kwargs)
        calls += 1
        if calls >= 3:
            strike()
        return result

    Checkpoint.run = run  # type: ignore[method-assign]


@pytest.fixture
def inject_fault() -> Iterator[Callable[[str], None]]:
    """inject_fault(point): arm a fault in this test's process, disarmed after the test."""
    disarms: list[Callable[[], None]] = []
    yield lambda fault: disarms.append(install(fault))
    for disarm in disarms:
        disarm()
