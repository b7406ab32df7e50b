"""Crash safety: `steppe run` killed with SIGKILL at each stage (the fault plugin, tests/faults.py).

Each time: the published warehouse still opens read-only and is the one from before, byte for
byte (or, killed after the atomic rename, the new one, complete); and the next run completes
with marts equal to a clean build's (per-mart content hashes).
"""

from __future__ import annotations

import signal
from pathlib import Path

import duckdb
import pytest

from steppe.ledger import ledger_entry
from steppe.pipeline import run_pipeline
from tests.conftest import clone_warehouse, file_digest, landed_shas, mart_hashes, seed_raw
from tests.faults import FAULT_POINTS
from tests.reliability.conftest import Built, last_run, run_steppe

pytestmark = pytest.mark.slow

KILLED = -signal.SIGKILL


def opens_read_only(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from marts.articles").fetchone()[0] > 0  # type: ignore[index]
    finally:
        con.close()


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_killed_run_leaves_the_published_warehouse_and_the_next_run_recovers(
    point: str, tmp_path: Path, baseline: Built, extended: Built
) -> None:
    # The published warehouse of the bundled dumps; two new dumps have arrived since.
    settings = clone_warehouse(baseline.settings, tmp_path, seed_raw(tmp_path / "raw", extras=True))
    assert file_digest(settings.warehouse) == baseline.digest

    code, output = run_steppe(settings, fault=point)
    assert code == KILLED, f"expected SIGKILL at {point}, got exit {code}:\n{output[-3000:]}"
    [dead_run] = [p.name for p in settings.work_dir.iterdir()]  # its working folder is left behind

    opens_read_only(settings.warehouse)
    if point == "publish-after-replace":
        # The rename happened: the new warehouse is published, complete and checked.
        assert mart_hashes(settings.warehouse) == extended.hashes
        assert landed_shas(settings.warehouse) == extended.shas
    else:
        assert file_digest(settings.warehouse) == baseline.digest  # untouched, byte for byte
        assert mart_hashes(settings.warehouse) == baseline.hashes
    assert not (settings.reports_dir / "last_run.json").exists() or last_run(settings)["run_id"] != dead_run

    # The next run: removes the dead run's folder, completes, and equals a clean build.
    again = run_pipeline(settings)
    assert mart_hashes(settings.warehouse) == extended.hashes
    assert landed_shas(settings.warehouse) == extended.shas
    assert not (settings.work_dir / dead_run).exists()
    assert list(settings.work_dir.iterdir()) == []
    assert ledger_entry(settings, again["run_id"])["status"] == "published"  # type: ignore[index]
    assert again["land"]["landed"] == (0 if point == "publish-after-replace" else 2)
