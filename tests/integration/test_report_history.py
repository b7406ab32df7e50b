"""The quality report keeps every run: a history table of the last runs in index.html, each run's own
page, failed checks with what was expected and which rows failed, and GX pages with no dead link."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from steppe.config import Settings
from steppe.integrations.quality import _expected, _offending
from steppe.pipeline import run_pipeline
from steppe.report import CSP_META, label_validation_pages, render_index
from tests.conftest import extra_dumps, make_settings, seed_raw, write_dump

HREF_RE = re.compile(r'href="([^"#:]++)"')  # relative links only (no scheme, no fragment)


def summary_of(run_id: str, **publish: Any) -> dict[str, Any]:
    warning = {"severity": "warning", "suite": "marts.fx_daily", "expectation": "expect_column_values_to_be_in_set",
               "column": "has_conflict", "observed": "1 unexpected", "expected": "value_set=[False]",
               "offending": ["rate_date=2025-12-08, currency=KZT"]}
    return {
        "run_id": run_id, "status": "published", "finished_at": f"2026-01-01T00:00:{run_id[-2:]}",
        "warehouse": "w", "raw_dir": "raw",
        "stages": {"publish": {"mart_rows": {"articles": 7}, **publish},
                   "validate": {"warnings": [warning, warning], "quarantined_rows": 5}},
    }


def test_the_history_lists_each_run_escaped_with_its_outcome(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    hostile = "<script>alert(1)</script>01"
    for summary in (summary_of("run-01", freshness={"latest_page_date": "2025-12-13"}),
                    summary_of("run-02", unchanged=True, published_by="run-01"),
                    summary_of(hostile)):
        (runs / f"{len(list(runs.iterdir()))}.json").write_text(json.dumps(summary))
    (runs / "broken.json").write_text("{not json")
    page = render_index(summary_of("run-02", unchanged=True, published_by="run-01"), tmp_path)
    history = page[page.index("<h2>Run history</h2>"):]
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;01" in history
    assert "run-01" in history and "published (unchanged)" in history and "2025-12-13" in history
    assert "<td>7</td>" in history and "<td>2</td><td>5</td>" in history  # articles; warnings, quarantined
    assert "was left in place, not replaced" in page and "from run run-01" in page
    assert "<td>value_set=[False]</td><td>1 unexpected</td><td>rate_date=2025-12-08, currency=KZT</td>" in page
    # A run page lives in runs/: no history, every link one folder up.
    own = render_index(summary_of("run-02"), tmp_path, run_page=True)
    assert "<h2>Run history</h2>" not in own and 'href="../static/steppe-offline.css"' in own
    assert own.startswith(f"<!doctype html><html><head>{CSP_META}")


def test_a_failed_check_names_what_it_expected_and_the_rows_by_their_keys() -> None:
    assert _expected({"column": "has_conflict", "batch_id": "b", "value_set": [False]}) == "value_set=[False]"
    assert _expected({"column": "page_date"}, "expect_column_values_to_not_be_null") == "values to not be null"
    frame = pd.DataFrame({"rate_date": pd.to_datetime(["2025-12-08", "2025-12-09"]), "currency": ["KZT", "UZS"],
                          "has_conflict": [False, True]})
    result = {"unexpected_count": 1, "partial_unexpected_list": [True], "partial_unexpected_index_list": [1]}
    assert _offending(result, frame, ("rate_date", "currency")) == ("rate_date=2025-12-09, currency=UZS",)
    assert _offending(result, frame, ()) == ()
    assert _offending({"observed_value": 3}, frame, ("currency",)) == ()


def test_validation_pages_name_their_asset_and_lose_the_missing_suite_link(tmp_path: Path) -> None:
    page = tmp_path / "validations" / "marts" / "fx_daily" / "__none__" / "20260101T000000Z" / "p.html"
    page.parent.mkdir(parents=True)
    page.write_text('<span>Expectation Suite:</span> <a href="../../../../../expectations/marts/fx_daily.html" >'
                    'marts.fx_daily</a><br> Data asset: None<br> <a href="../../../../../index.html">Home</a>'
                    '<link rel="shortcut icon" href="../../../../static/images/favicon.ico" type="image/x-icon"/>')
    assert label_validation_pages(tmp_path) == 1
    text = page.read_text()
    assert "<b>marts.fx_daily</b><br> Data asset: marts.fx_daily" in text
    assert "expectations/" not in text and 'href="../../../../../index.html"' in text and "favicon" not in text
    assert label_validation_pages(tmp_path) == 0  # already done


def dead_links(page: Path) -> list[str]:
    links = HREF_RE.findall(page.read_text(encoding="utf-8"))
    return [link for link in links if not (page.parent / link.split("?")[0]).exists()]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("history")
    settings = make_settings(root, seed_raw(root / "raw"))
    first = run_pipeline(settings)
    write_dump(settings.raw_dir, "x_later_day.txt", extra_dumps()["x_later_day.txt"])
    second = run_pipeline(settings)
    return settings, [first, second]


@pytest.mark.slow
def test_after_two_runs_the_index_shows_both_and_links_nothing_dead(
    two_runs: tuple[Settings, list[dict[str, Any]]],
) -> None:
    settings, runs = two_runs
    reports = settings.reports_dir
    index = (reports / "index.html").read_text(encoding="utf-8")
    history = index[index.index("<h2>Run history</h2>"):]
    for run in runs:
        assert f'<a href="runs/{run["run_id"]}.html">{run["run_id"]}</a>' in history
        own = (reports / "runs" / f"{run['run_id']}.html").read_text(encoding="utf-8")
        assert CSP_META in own and run["run_id"] in own
    assert history.index(runs[1]["run_id"]) < history.index(runs[0]["run_id"])  # newest first
    assert "<h2>Data freshness</h2>" in index and runs[1]["publish"]["freshness"]["last_new_dump_at"] in index
    # The FX conflict of the later day's dump is named by date and currency.
    conflicts = [w for w in runs[1]["validate"]["warnings"] if w["column"] == "has_conflict"]
    assert not conflicts or all(", currency=" in row for w in conflicts for row in w["offending"])
    for page in [reports / "index.html", *reports.glob("runs/*.html")]:
        assert dead_links(page) == [], page
    validation_pages = sorted(reports.glob("validations/**/*.html"))
    assert validation_pages
    newest = [reports / p for p in re.findall(r'href="(validations/[^"]++)"', index)]
    assert newest and all("Data asset: None" not in p.read_text(encoding="utf-8") for p in newest)
    assert all(dead_links(p) == [] for p in newest)
