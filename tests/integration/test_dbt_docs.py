"""dbt's docs site, written as one page beside the quality report after each build."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from steppe.config import Settings
from steppe.integrations.dbt import dbt_build
from steppe.manifest import mart_names
from steppe.report import CSP_META, DBT_DOCS_PAGE
from tests.conftest import copy_of

pytestmark = pytest.mark.slow

SeedRun = tuple[Settings, dict[str, Any]]


def docs_page(settings: Settings) -> str:
    page = settings.reports_dir / DBT_DOCS_PAGE
    assert page.is_file(), f"no {page}"
    return page.read_text(encoding="utf-8")


def test_the_run_writes_the_docs_page_and_says_what_it_cost(seed_run: SeedRun) -> None:
    settings, results = seed_run
    build = results["build"]
    assert build["docs_page"] == str(settings.reports_dir / DBT_DOCS_PAGE) and build["docs_error"] is None
    assert 0 < build["docs_seconds"] < 60
    assert docs_page(settings).lstrip().lower().startswith("<!doctype html>")


def test_index_links_the_docs_page(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    index = (settings.reports_dir / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{DBT_DOCS_PAGE}">' in index


def test_the_docs_page_names_every_mart_with_its_description_and_columns(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    page = docs_page(settings)
    for mart in mart_names():
        assert f'"model.steppe.{mart}"' in page, mart
    # The catalog is inlined too (not only the manifest): the columns as DuckDB typed them.
    assert "Which articles mention which entities, one row per article and entity." in page
    assert "INLINE DATA" not in page  # dbt's placeholders for the manifest and catalog were filled
    assert re.search(r'"catalog"|getdbt\.com/dbt/catalog', page)


def test_the_docs_page_keeps_its_script_and_holds_no_page_text(seed_run: SeedRun) -> None:
    settings, _ = seed_run
    page = docs_page(settings)
    # Made offline like GX's pages, it would show nothing: it runs its own inline script.
    assert CSP_META not in page and "<script" in page.lower()
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        texts = [r[0] for r in con.execute(
            "select title from marts.articles union all select sentence from marts.trade_figures").fetchall()]
    finally:
        con.close()
    assert texts
    # As written, or as JSON inlined in the page would spell it (’ as \u2019).
    assert not [t for t in texts if t in page or json.dumps(t)[1:-1] in page]


def test_a_docs_failure_is_recorded_and_the_build_stands(seed_run: SeedRun, tmp_path: Path) -> None:
    settings, _ = seed_run
    db = copy_of(settings.warehouse, tmp_path / "copy")
    blocked = tmp_path / "a_file"
    blocked.write_text("not a folder")
    report = dbt_build(db, tmp_path / "dbt", docs_page=blocked / DBT_DOCS_PAGE)
    assert report.tests_failed == 0 and report.models > 0
    assert report.docs_page is None and report.docs_error and "a_file" in report.docs_error
