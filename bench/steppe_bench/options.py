"""What one bench run does (the command line's options)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from steppe_bench.generator import DEFAULT_SEED
from steppe_bench.pipeline_calls import PROJECT_ROOT

DEFAULT_SIZES = (100, 1000, 10000)
DEFAULT_OUT = PROJECT_ROOT / "bench" / "out"


@dataclass(slots=True)
class BenchOptions:
    sizes: tuple[int, ...] = DEFAULT_SIZES
    out: Path = DEFAULT_OUT
    seed: int = DEFAULT_SEED
    nlp_articles: int = 300
    empty_repeats: int = 3
    profile: bool = False
    keep_work: bool = False
    nlp: bool = True
    hostile: bool = True  # the hostile set's cost against the seeds alone (hostile.py)
    hostile_repeats: int = 1
    backends: tuple[str, ...] = ("file",)  # where runs publish: "file", "ducklake" (configs.BACKENDS)
    # Batch worker processes: 0 runs the stages in the bench's process as `steppe run` does; 1 or 2 run
    # the parse/extract batches in that many processes (standing in for Celery workers).
    workers: tuple[int, ...] = (0,)
    batch_size: int | None = None  # STEPPE_BATCH_SIZE of the fanned-out runs (None: steppe's default)
    memory_limit: str = ""  # STEPPE_DUCKDB_MEMORY_LIMIT of every run ("": none, DuckDB's own default)
