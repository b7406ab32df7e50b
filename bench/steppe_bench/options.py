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
