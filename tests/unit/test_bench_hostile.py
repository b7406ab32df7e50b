"""The bench's hostile comparison: the two folders it measures, the ratios and checks it reports, its table."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.console import Console

from steppe_bench.hostile import checks, compare, folder_input, load_pages, write_sets
from steppe_bench.pipeline_calls import STAGE_NAMES
from steppe_bench.table import print_hostile


def summary(total: float, peak: float, **stages: float) -> dict[str, Any]:
    """A run as summary.summarise_run reports it, with only what the comparison reads."""
    seconds = {name: stages.get(name, 0.0) for name in STAGE_NAMES}
    return {
        "seconds_total": total, "seconds": seconds, "peak_rss_mb": {name: peak for name in STAGE_NAMES},
        "peak_rss_mb_max": peak, "error": None, "input_files": 3, "input_mb": 0.05, "runs_s": [total],
    }


def test_the_two_folders_differ_by_the_hostile_set_only(tmp_path: Path) -> None:
    pages = load_pages()
    assert pages is not None
    folders = write_sets(tmp_path / "hostile", pages)
    seeds = set(os.listdir(folders["seeds"]))
    both = set(os.listdir(folders["seeds_hostile"]))
    assert len(seeds) == 3 and seeds < both
    assert pages.CORRECTION_NAME in both and pages.LINK_NAME in both
    # the link out of the folder is not read, so its target's bytes are not input
    assert folder_input(folders["seeds_hostile"])["files"] == len([n for n in both if n.endswith(".txt")]) - 1
    assert folder_input(folders["seeds_hostile"])["bytes"] > 5_000_000 > folder_input(folders["seeds"])["bytes"]


def test_the_ratios_and_each_stages_share_of_the_extra_time() -> None:
    seeds = summary(10.0, 400.0, parse=1.0, extract=2.0, dbt_build=7.0)
    both = summary(16.0, 500.0, parse=2.0, extract=7.0, dbt_build=7.0)
    result = compare(seeds, both)
    assert result["time_ratio"] == 1.6 and result["memory_ratio"] == 1.25
    assert result["stages"]["extract"]["extra_s"] == 5.0
    assert result["stages"]["extract"]["share_of_extra"] == round(5 / 6, 3)
    assert result["stages"]["dbt_build"]["share_of_extra"] == 0.0


def test_checks_hold_the_targets() -> None:
    seeds = summary(10.0, 400.0)
    within = {"seeds": seeds, "seeds_hostile": summary(20.0, 600.0), **compare(seeds, summary(20.0, 600.0))}
    over = {"seeds": seeds, "seeds_hostile": summary(21.0, 700.0), **compare(seeds, summary(21.0, 700.0))}
    assert all(check["ok"] for check in checks(within).values())
    assert not any(check["ok"] for check in checks(over).values())
    assert checks({"skipped": "no source tree"}) == {}


def test_the_table_shows_both_ratios_and_the_stages() -> None:
    seeds = summary(10.0, 400.0, extract=2.0)
    both = summary(25.0, 520.0, extract=17.0)
    hostile = {"seeds": seeds, "seeds_hostile": both, "targets": {"time_ratio": 2.0, "memory_ratio": 1.5},
               **compare(seeds, both)}
    console = Console(record=True, width=200)
    print_hostile(hostile, console)
    text = console.export_text()
    assert "2.50×" in text and "1.30×" in text
    assert "extraction" in text and "100%" in text
