"""Quality report: what each suite reads, the action each check declares, offline and script-free Data
Docs pages, escaped page text, pruning of old validation results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from steppe.integrations.quality import (
    CheckResult,
    QualityReport,
    batch_queries,
    batch_query,
    escape_stored_results,
    escape_strings,
    get_context,
    make_offline,
    prune_validation_results,
    quarantine_warning,
    read_quarantine,
)
from steppe.report import CSP_META, render_index, with_csp

TICKER_LINE = r"[A-Z]{3}\s*/\s*[A-Z]{3}\s*="


def test_batch_query_reads_only_the_columns_the_suite_names() -> None:
    con = duckdb.connect()
    con.execute("create table t (a int, b int, c int, d int, big varchar)")
    query = "select *, a + 1 as computed from t where a > 0"
    suite = [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToNotBeNull(column="computed"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["b", "computed"]),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="c", column_B="d"),
    ]
    pruned = batch_query(query, suite)
    assert con.sql(pruned).columns == ["computed", "b", "c", "d"]
    # Expectations on the column set, row conditions, or no column at all: every column.
    for needs_all in (
        [*suite, gxe.ExpectTableColumnsToMatchSet(column_set=["a", "b", "c", "d", "big"])],
        [gxe.ExpectColumnValuesToNotBeNull(column="a", row_condition=Column("b") > 0)],
        [gxe.ExpectTableRowCountToEqual(value=0)],
    ):
        assert batch_query(query, needs_all) == query


def test_article_bodies_are_checked_in_staging_not_in_the_mart() -> None:
    """Each body is checked once, by the run that parsed it; the mart checks keys and counts."""
    context = get_context()

    def body_checks(name: str) -> list[tuple[str, str, dict[str, object]]]:
        return [
            (e.expectation_type, e.configuration.kwargs.get("regex"), e.configuration.meta or {})
            for e in context.suites.get(name).expectations
            if e.configuration.kwargs.get("column") == "body"
        ]

    assert body_checks("staging.stg_steppe__page_articles") == [
        ("expect_column_values_to_not_match_regex", TICKER_LINE, {"action": "warn"}),  # one slip: reported
        ("expect_column_values_to_not_match_regex", TICKER_LINE, {"action": "fail"}),  # a broken parser: blocks
    ]
    assert body_checks("marts.articles") == []
    queries = batch_queries()
    assert "exclude (body)" in queries["marts.articles"]
    assert "exclude (body)" not in queries["staging.stg_steppe__page_articles"]


def test_pages_lose_cdn_references_and_gain_the_local_stylesheet(tmp_path: Path) -> None:
    page = tmp_path / "validations" / "a.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<html><head><link href="https://cdn.example/bootstrap.css" rel="stylesheet">'
        '<script src="https://cdn.example/jquery.js"></script></head>'
        '<body><img src="https://cdn.example/logo.png"><i class="fas fa-check-circle"></i></body></html>'
    )
    assert make_offline(tmp_path) == 1
    html = page.read_text()
    assert "https://" not in html
    assert '<link rel="stylesheet" href="../static/steppe-offline.css">' in html
    assert html.startswith(f"<html><head>{CSP_META}")
    assert (tmp_path / "static" / "steppe-offline.css").exists()
    assert make_offline(tmp_path) == 0  # idempotent


def test_only_the_newest_runs_per_suite_are_kept(tmp_path: Path) -> None:
    for store in ("gx_validation_results", "validations"):
        for stamp in ("20260101T000000Z", "20260102T000000Z", "20260103T000000Z"):
            run = tmp_path / store / "marts" / "articles" / "__none__" / stamp
            run.mkdir(parents=True)
            (run / "result.json").write_text("{}")
    assert prune_validation_results(tmp_path, keep=2) == 2
    left = sorted(p.name for p in (tmp_path / "validations" / "marts" / "articles" / "__none__").iterdir())
    assert left == ["20260102T000000Z", "20260103T000000Z"]


def test_every_expectation_declares_warn_or_fail() -> None:
    context = get_context()
    actions = {
        (name, e.expectation_type, (e.configuration.meta or {}).get("action"))
        for name in batch_queries()
        for e in context.suites.get(name).expectations
    }
    assert {action for _, _, action in actions} == {"warn", "fail"}
    # Value sets of extracted values are the contract's (dbt quarantines); GX keeps none of them.
    assert not any(kind == "expect_column_values_to_be_in_set" and name.startswith("marts.trade")
                   for name, kind, _ in actions)


def test_only_failed_checks_that_declare_fail_block() -> None:
    report = QualityReport(checks=[
        CheckResult("s", "e", "c", "blocking", False, ""),
        CheckResult("s", "e", "c", "warning", False, ""),
        CheckResult("s", "e", "c", "blocking", True, ""),
    ])
    assert [c.severity for c in report.blocking_failures] == ["blocking"]
    assert len(report.warnings) == 1 and report.passed == 1


def test_quarantined_rows_are_summarised_as_warnings_with_examples() -> None:
    con = duckdb.connect()
    con.execute("create schema audit")
    assert read_quarantine(con) == []  # a warehouse dbt never built
    con.execute("create table audit.quarantined_rows (table_name varchar, row_key varchar, check_name varchar, "
                "column_name varchar, offending_value varchar)")
    con.execute("insert into audit.quarantined_rows values "
                "('raw.trade_figures', 'h:1', 'unit_in_contract', 'unit', 'parsecs'), "
                "('raw.trade_figures', 'h:2', 'unit_in_contract', 'unit', 'furlongs'), "
                "('raw.trade_figures', 'h:3', 'unit_in_contract', 'unit', 'cubits'), "
                "('raw.trade_figures', 'h:4', 'unit_in_contract', 'unit', 'leagues'), "
                "('raw.fx_quotes', 'd:ABC', 'currency_iso4217', 'currency', 'ABC')")
    summaries = read_quarantine(con)
    assert [(q.table, q.check, q.rows, q.examples) for q in summaries] == [
        ("raw.fx_quotes", "currency_iso4217", 1, ["ABC"]),
        ("raw.trade_figures", "unit_in_contract", 4, ["parsecs", "furlongs", "cubits"]),
    ]
    warning = quarantine_warning(summaries[1])
    assert (warning.severity, warning.success, warning.column) == ("warning", False, "unit")
    assert warning.observed == "4 rows held out of the marts, e.g. ['parsecs', 'furlongs', 'cubits']"


def test_page_text_in_stored_results_is_escaped_and_nothing_else_changes(tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(1)>"
    assert escape_strings({"k<": [payload, 3, None, {"x": "a & b"}]}) == {
        "k<": ["&lt;img src=x onerror=alert(1)&gt;", 3, None, {"x": "a &amp; b"}]
    }
    stored = tmp_path / "store" / "suite" / "run.json"
    stored.parent.mkdir(parents=True)
    result: dict[str, Any] = {
        "meta": {"run_id": "<kept>"},
        "results": [{"expectation_config": {"kwargs": {"regex": "<a>"}},
                     "result": {"partial_unexpected_list": [payload], "observed_value": payload}}],
    }
    stored.write_text(json.dumps(result))
    assert escape_stored_results(tmp_path / "store") == 1
    escaped = json.loads(stored.read_text())
    assert escaped["results"][0]["result"]["partial_unexpected_list"] == ["&lt;img src=x onerror=alert(1)&gt;"]
    assert escaped["results"][0]["expectation_config"] == result["results"][0]["expectation_config"]  # ours
    assert escaped["meta"] == result["meta"]
    assert escape_stored_results(tmp_path / "store", since=stored.stat().st_mtime + 10) == 0  # earlier runs'


def test_the_policy_comes_first_in_the_head_once() -> None:
    page = '<!DOCTYPE html><html><HEAD lang="en"><script>x()</script></head><body></body></html>'
    secured = with_csp(page)
    assert secured.index(CSP_META) < secured.index("<script>")
    assert with_csp(secured) == secured
    assert with_csp("<p>no head</p>").startswith(f"<head>{CSP_META}</head>")


def test_the_index_escapes_every_value_and_carries_the_policy(tmp_path: Path) -> None:
    payload = "<script>alert(1)</script>"
    summary: dict[str, Any] = {
        "run_id": payload, "status": payload, "finished_at": payload, "warehouse": payload, "raw_dir": payload,
        "stages": {
            "land": {"rejections": [{"file": payload, "reason": payload}]},
            "validate": {
                "warnings": [{"severity": "warning", "suite": payload, "expectation": payload, "column": payload,
                              "observed": payload}],
                "quarantine": [{"table": payload, "check": payload, "column": payload, "rows": 1,
                                "examples": [payload]}],
            },
            "publish": {"mart_rows": {payload: 1}},
        },
    }
    page = render_index(summary, tmp_path)
    assert "<script" not in page.lower()
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10
    assert page.startswith(f"<!doctype html><html><head>{CSP_META}")


def test_pages_of_every_age_get_the_policy_when_asked(tmp_path: Path) -> None:
    old = tmp_path / "validations" / "old.html"
    old.parent.mkdir(parents=True)
    old.write_text("<html><head></head><body><script>alert(1)</script></body></html>")
    assert make_offline(tmp_path, since=old.stat().st_mtime + 10) == 0  # left alone: older than since
    assert make_offline(tmp_path, since=0.0) == 1
    assert CSP_META in old.read_text()


def test_ignored_and_deferred_files_are_listed_by_name_with_their_reason(tmp_path: Path) -> None:
    summary: dict[str, Any] = {
        "run_id": "r1", "status": "published", "finished_at": "now", "warehouse": "w", "raw_dir": "raw",
        "stages": {"land": {
            "ignored": [{"file": "x.html", "reason": "not a *.txt dump"}, {"file": "<b>sub</b>", "reason": "a folder"}],
            "deferrals": [{"file": "late.txt", "reason": "modified 0.5 s ago"}],
        }},
    }
    page = render_index(summary, tmp_path)
    assert "<h3>Ignored files</h3>" in page and "x.html" in page and "not a *.txt dump" in page
    assert "&lt;b&gt;sub&lt;/b&gt;" in page and "<b>sub</b>" not in page
    assert "late.txt" in page and "Deferred files" in page
