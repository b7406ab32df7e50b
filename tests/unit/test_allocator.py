"""DuckDB's allocator told to give freed memory back at once (steppe.allocator), on the real DuckDB library."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest

from steppe.allocator import DECAY_MS, decay_ms, set_decay

# What a fresh process reports before and after a run's first connection (and after a dbt instance).
PROBE = """
import sys
from pathlib import Path
from steppe.allocator import decay_ms
print(decay_ms(), decay_ms(arena=0))
from steppe.warehouse import connect
with connect(Path(sys.argv[1])) as con:
    con.execute("select count(*) from raw.dumps").fetchall()
print(decay_ms(), decay_ms(arena=0))
"""


def test_a_runs_first_connection_makes_duckdb_give_freed_memory_back_at_once(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "w.duckdb")],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    # DuckDB's own configuration keeps freed pages for a second; after connect(), none
    assert out[0] == "(1000, 1000) (1000, 1000)"
    assert out[1] == f"({DECAY_MS}, {DECAY_MS}) ({DECAY_MS}, {DECAY_MS})"


def test_the_decay_is_set_for_new_arenas_and_the_ones_made_already() -> None:
    try:
        assert set_decay(250)
        assert decay_ms() == (250, 250)
        assert decay_ms(arena=0) == (250, 250)
    finally:
        assert set_decay(DECAY_MS)
    assert decay_ms() == (DECAY_MS, DECAY_MS)


@pytest.mark.parametrize("library", [ctypes.util.find_library("c") or "libc.so.6", "/nonexistent/libduckdb.so"])
def test_a_library_without_duckdbs_allocator_is_left_alone(library: str) -> None:
    assert set_decay(0, library) is False
    assert decay_ms(library) == (None, None)
