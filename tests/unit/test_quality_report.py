"""Quality report: what each suite reads, offline Data Docs pages, pruning of old validation results."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations.expectations as gxe
from great_expectations.expectations.row_conditions import Column

from steppe.integrations.quality import BATCH_QUERIES, batch_query, get_context, make_offline, prune_validation_results

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
        ("expect_column_values_to_not_match_regex", TICKER_LINE, {})  # no severity: blocking
    ]
    assert body_checks("marts.articles") == []
    assert "exclude (body)" in BATCH_QUERIES["marts.articles"]
    assert "exclude (body)" not in BATCH_QUERIES["staging.stg_steppe__page_articles"]


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
