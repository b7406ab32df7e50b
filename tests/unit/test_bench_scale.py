"""The scale benchmark's pure parts: its options, configurations, size accounting and issue 14's checks."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import pytest

from steppe_bench import summary
from steppe_bench.__main__ import _argument
from steppe_bench.configs import (
    Config,
    catalog_name,
    configurations,
    disk_needed,
    folder_bytes,
    lake_fields,
    mart_counts_differ,
    parse_backends,
    parse_workers,
    warehouse_bytes,
)
from steppe_bench.generator import PAGE_SIZE, DumpGenerator, write_dumps
from steppe_bench.memory import TREE_COST_RATIO, RssSampler, peak_rss_bytes, reset_peak_rss
from steppe_bench.pool import generate_pool, size_folder


def test_backend_option_names_one_backend_or_both() -> None:
    assert parse_backends("file") == ("file",)
    assert parse_backends(" DuckLake ") == ("ducklake",)
    assert parse_backends("both") == ("file", "ducklake")
    with pytest.raises(ValueError, match="expected file, ducklake or both"):
        parse_backends("postgres")


def test_workers_option_takes_counts_up_to_two_and_refuses_others() -> None:
    assert parse_workers("1") == (1,)
    assert parse_workers("2,1,2") == (1, 2)
    assert parse_workers("0") == (0,)  # no fan-out: the stages in one process, as `steppe run`
    for bad in ("3", "-1,1", "", "one"):
        with pytest.raises(ValueError, match="--workers"):
            parse_workers(bad)
    with pytest.raises(argparse.ArgumentTypeError):
        _argument(parse_workers)("5")


def test_configurations_are_every_backend_with_every_worker_count() -> None:
    chosen = configurations(("file", "ducklake"), (1, 2))
    assert [c.label for c in chosen] == ["file-w1", "file-w2", "ducklake-w1", "ducklake-w2"]
    assert Config("ducklake", 2) in chosen


def test_disk_needed_grows_with_the_largest_size() -> None:
    assert disk_needed(100_000) > 1.6e9  # the 100,000 dumps alone are ~1.6 GB
    assert disk_needed(100_000) > 100 * disk_needed(100)


def test_folder_bytes_counts_files_below_and_not_links(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "x.parquet").write_bytes(b"1" * 300)
    (tmp_path / "a" / "b" / "y.parquet").write_bytes(b"2" * 45)
    os.symlink(tmp_path / "a" / "x.parquet", tmp_path / "link")
    assert folder_bytes(tmp_path) == 345
    assert folder_bytes(tmp_path / "missing") == 0


def test_a_file_warehouse_size_is_its_file(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    db.write_bytes(b"0" * 1234)
    assert warehouse_bytes(db, "", "") == {"file": 1234, "total": 1234}
    assert warehouse_bytes(tmp_path / "none.duckdb", None, None)["total"] == 0


def test_the_lake_catalog_string_names_its_database() -> None:
    fields = lake_fields("steppe_bench_1_ab_n100_ducklake_w1_full", Path("/tmp/lake"))
    assert fields["backend"] == "ducklake"
    assert catalog_name(fields["lake_catalog"]) == "steppe_bench_1_ab_n100_ducklake_w1_full"
    assert catalog_name("postgres:host=127.0.0.1") is None


def test_mart_counts_differ_names_the_configurations_that_disagree_or_lack_counts() -> None:
    same = {"articles": 114, "fx_daily": 12}
    assert mart_counts_differ({"file-w1": same, "ducklake-w2": dict(same)}) == []
    assert mart_counts_differ({"file-w1": same, "ducklake-w1": {**same, "articles": 113}}) == ["ducklake-w1"]
    assert mart_counts_differ({"file-w1": same, "file-w2": None}) == ["file-w2"]


def test_the_peak_rss_can_be_reset_to_the_rss_now() -> None:
    ballast = bytearray(80_000_000)  # touch 80 MB, then free it: the peak stays above the RSS
    ballast[::4096] = b"1" * len(ballast[::4096])
    del ballast
    before = peak_rss_bytes()
    assert reset_peak_rss()  # Linux >= 4.0, as every machine the bench runs on
    assert peak_rss_bytes() < before - 50_000_000


def test_the_sampler_reads_the_costly_tree_again_only_after_a_multiple_of_its_cost() -> None:
    """PSS walks every page of every process: read every 20 ms, it kept a core busy during the benchmark."""
    sampler = RssSampler(start=False)
    cost = 0.01  # the tree's first read "takes" 10 ms
    later = 100.0 + 1.01 * cost * TREE_COST_RATIO
    times = iter([100.0, 100.0 + cost, 100.1, 100.2, later, later + cost])
    clock = lambda: next(times)  # noqa: E731
    assert sampler.tick(clock)  # the first sample reads the tree
    assert not sampler.tick(clock)  # 0.1 s later: this process's RSS only
    assert not sampler.tick(clock)
    assert sampler.tick(clock)  # TREE_COST_RATIO times the read's cost later: the tree again
    with sampler.window() as peak:
        pass
    assert peak["peak_rss_mb"] > 0 and peak["peak_with_children_mb"] >= peak["peak_rss_mb"]
    sampler.close()


def _entry(seconds: float, peak: float, workers: dict[str, float], plus_one: float | None,
           empty: float | None = None) -> dict[str, Any]:
    full = {"seconds_total": seconds, "seconds": {"parse": seconds}, "peak_rss_mb": {"parse": peak},
            "worker_peak_rss_mb": workers, "process_peak_mb": max([peak, *workers.values()]),
            "warehouse_bytes": {"file": 10, "total": 10}, "error": None, "fan_out": {}}
    entry: dict[str, Any] = {"full": full}
    if plus_one is not None:
        entry["plus_one"] = {"seconds_total": plus_one, "seconds": {}}
    if empty is not None:
        entry["empty_runs"] = [{"seconds_total": empty, "seconds": {}, "error": None}]
    return entry


def test_process_peak_is_the_highest_of_the_main_process_and_each_worker() -> None:
    assert summary.process_peak({"peak_rss_mb": 700.0, "worker_peak_rss_mb": {"11": 900.04, "12": 800.0}}) == 900.0
    assert summary.process_peak({"peak_rss_mb": 700.0}) == 700.0


def test_scale_checks_hold_each_configuration_to_issue_14s_targets() -> None:
    runs = {
        "file-w1": {"10000": _entry(60, 1000, {"1": 900}, 5), "100000": _entry(500, 1050, {"1": 1080}, 6, empty=5.5)},
        "file-w2": {"10000": _entry(50, 1000, {"1": 900}, 5), "100000": _entry(700, 1500, {"1": 800}, 9, empty=5)},
    }
    report = {"runs": runs, "configurations": summary.configurations(runs, 100_000),
              "marts_equal": {"10000": True, "100000": False}}
    checks = summary.scale_checks(report, 100_000)
    assert checks["scale_build_s[file-w1]"]["ok"] and not checks["scale_build_s[file-w2]"]["ok"]
    assert checks["scale_peak_vs_10000[file-w1]"]["value"] == 1.08  # 1080 / 1000: a worker's peak counts
    assert checks["scale_peak_vs_10000[file-w1]"]["ok"] and not checks["scale_peak_vs_10000[file-w2]"]["ok"]
    assert checks["scale_incremental_ratio[file-w1]"]["value"] == 1.09  # 6 / 5.5
    assert not checks["scale_incremental_ratio[file-w2]"]["ok"]  # 9 / 5 = 1.8
    assert not checks["marts_equal_across_configurations"]["ok"]
    assert checks["marts_equal_across_configurations"]["value"] == ["100000"]


def test_scale_checks_only_compare_marts_below_the_scale_size() -> None:
    runs = {"file-w1": {"100": _entry(3, 600, {}, 1, empty=1)}, "ducklake-w1": {"100": _entry(4, 650, {}, 1, empty=1)}}
    report = {"runs": runs, "configurations": summary.configurations(runs, 100), "marts_equal": {"100": True}}
    assert summary.scale_checks(report, 100) == {
        "marts_equal_across_configurations": {"value": "all sizes", "target": "equal per-mart rows", "ok": True}}


def test_the_generator_streams_holding_only_the_retained_and_current_articles() -> None:
    keeping, streaming = DumpGenerator(seed=5), DumpGenerator(seed=5, retain=3)
    held = []
    for _ in range(400):
        assert streaming.next_dump().text == keeping.next_dump().text  # releasing changes no dump
        held.append(len(streaming.articles))
    assert max(held) <= 3 + 2 * PAGE_SIZE < len(keeping.articles)
    assert [streaming.articles[i].title for i in range(3)] == [keeping.articles[i].title for i in range(3)]
    with pytest.raises(KeyError):
        streaming.article(10)  # released: no later dump shows it


def test_a_streamed_pool_reports_what_write_dumps_reports(tmp_path: Path) -> None:
    report = write_dumps(tmp_path / "direct", 300, seed=4)
    pool = generate_pool(tmp_path / "pool", 301, seed=4, retain=2)
    info = size_folder(pool, tmp_path / "raw", 300)
    assert info == {k: v for k, v in report.as_dict().items() if k in info}
    assert {0, 1} <= set(pool.articles) and len(pool.articles) <= 2 + 2 * PAGE_SIZE  # retained + current page
    assert len(pool.words) == len(pool.first_seen) > 300  # every article's words, most articles released


def test_the_configurations_table_shows_each_process_peak_and_unequal_marts() -> None:
    from rich.console import Console

    from steppe_bench.table import _print_configurations

    runs = {"file-w2": {"100": _entry(7.0, 676, {"1": 387.0, "2": 390.0}, 5.5, empty=4.9)},
            "ducklake-w1": {"100": _entry(14.6, 730, {"3": 389.0}, 17.9, empty=13.5)}}
    runs["ducklake-w1"]["100"]["full"]["warehouse_bytes"] = {"lake_data": 1_200_000, "catalog": 8_900_000,
                                                             "total": 10_100_000}
    report = {"configurations": summary.configurations(runs, 100), "marts_equal": {"100": False}}
    console = Console(record=True, width=200)
    _print_configurations(report, console)
    text = console.export_text()
    assert "387, 390" in text and "catalog 8.9" in text and "10.1" in text
    assert "NO" in text and "yes" not in text
    assert "1.12" in text and "1.33" in text  # +1 dump into it / into an empty one: 5.5 / 4.9, 17.9 / 13.5
