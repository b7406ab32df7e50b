"""No page text runs in a browser: script and event-handler payloads in a title, a body, an entity and
a file name, with failing checks that make GX print them, stay escaped in every HTML page the run
writes or links, and every page carries a Content-Security-Policy that runs no script."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from steppe.config import Settings
from steppe.pipeline import build, extract, land, parse, prepare, publish, validate
from steppe.report import CSP_META, DBT_DOCS_PAGE
from tests.conftest import make_settings, seed_raw, write_dump

pytestmark = pytest.mark.slow

TITLE = """<script>alert("title")</script><img src=x onerror=alert("title")> KZT/USD = 1"""
BODY = """\\n<img src=x onerror=alert("body")> • KZT/USD = 470.51"""
ENTITY = """<svg onload=alert("entity")>"""
PERSON = """<script>alert("person")</script>"""
FILE_NAME = """<img src=x onerror=alert('file')>.txt"""
# What must never appear as written: each would run (or load) in a browser.
LIVE = ("<script>alert", "<img src=x onerror", "<svg onload")


def tamper(settings: Settings, run_id: str, *statements: str) -> None:
    con = duckdb.connect(str(settings.work_dir / run_id / settings.warehouse.name))
    try:
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("hostile")
    settings = make_settings(root, seed_raw(root / "raw"))
    write_dump(settings.raw_dir, FILE_NAME, b"")  # refused (empty), listed by name
    run_id = prepare(settings)["run_id"]
    results = {"land": land(run_id, settings), "parse": parse(run_id, settings)}
    first = "rowid = (select min(rowid) from raw.page_articles)"
    tamper(
        settings,
        run_id,
        f"update raw.page_articles set title = {sql_text(TITLE)} where {first}",
        f"update raw.page_articles set body = body || {sql_text(BODY)} where {first}",
    )
    results["extract"] = extract(run_id, settings)
    mention = "from raw.entity_mentions where rowid = (select min(rowid) from raw.entity_mentions)"
    tamper(
        settings,
        run_id,
        # Quarantined: the offending value is shown in the report.
        f"insert into raw.entity_mentions select * replace (901 as position, 'COUNTRY' as entity_type, "
        f"{sql_text(ENTITY)} as country_code) {mention}",
        # Published: a named entity of its own.
        f"insert into raw.entity_mentions select * replace (902 as position, 'PERSON' as entity_type, "
        f"{sql_text(PERSON)} as name, null as country_code) {mention}",
    )
    results["build"] = build(run_id, settings)
    summary = results["validate"] = validate(run_id, settings, results)
    assert summary["blocking_failures"] == [] and summary["warnings"]  # checks failed on the payloads
    publish(run_id, settings, results=results)
    return settings


def html_pages(settings: Settings) -> list[Path]:
    pages = sorted(settings.reports_dir.rglob("*.html"))
    assert settings.reports_dir / "index.html" in pages
    assert any("validations" in p.parts for p in pages)
    return pages


def test_no_page_holds_a_payload_unescaped(hostile_run: Settings) -> None:
    for page in html_pages(hostile_run):
        text = page.read_text(encoding="utf-8").lower()  # HTML tags know no case
        for payload in LIVE:
            assert payload not in text, f"{payload} unescaped in {page}"


def test_every_page_carries_a_no_script_policy_before_anything_else(hostile_run: Settings) -> None:
    # But dbt's docs page: it needs its own script, and holds no page text (the test above).
    for page in set(html_pages(hostile_run)) - {hostile_run.reports_dir / DBT_DOCS_PAGE}:
        text = page.read_text(encoding="utf-8")
        assert CSP_META in text, page
        policy = text.index(CSP_META)
        assert policy < text.lower().index("</head>"), page
        for tag in ("<script", "<link", "<style", "<img"):
            where = text.lower().find(tag)
            assert where == -1 or where > policy, f"{tag} before the policy in {page}"
    assert "script-src 'none'" in CSP_META and "default-src 'none'" in CSP_META


def test_the_payloads_are_still_shown_as_text(hostile_run: Settings) -> None:
    """Escaped, not dropped: the report says what failed."""
    index = (hostile_run.reports_dir / "index.html").read_text(encoding="utf-8")
    assert "&lt;SVG ONLOAD=ALERT(&quot;ENTITY&quot;)&gt;" in index  # quarantined country code (upper-cased)
    assert "&lt;img src=x onerror=alert(&#x27;file&#x27;)&gt;.txt" in index  # refused file
    staging = next(hostile_run.reports_dir.rglob("*stg_steppe__page_articles.html")).read_text(encoding="utf-8")
    assert "KZT/USD = 470.51" in staging and "onerror=alert" in staging  # the body check's failing value
    assert "&lt;script&gt;alert" in staging or "&amp;lt;script&amp;gt;alert" in staging  # the title's
