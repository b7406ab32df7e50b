"""The run report: index.html of STEPPE_REPORTS_DIR (static, readable offline) plus JSON summaries.

Page text (titles, bodies, entity names, file names) is untrusted: everything shown is escaped,
and every HTML page Steppe writes or links carries a Content-Security-Policy that runs no script
and loads nothing from elsewhere (with_csp), so a payload that slipped through stays inert. One
exception: dbt's docs page (DBT_DOCS_PAGE), which needs its own inline script and shows no page
text, only the dbt project's models and column docs (steppe.integrations.dbt.write_docs_page).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import duckdb

from steppe.config import Settings
from steppe.runs import RunPaths, write_json

MARTS = ("articles", "fx_daily", "entities", "article_entities", "trade_figures")
DBT_DOCS_PAGE = "dbt_docs.html"  # dbt's static docs site, in the reports folder

# No script, no frames, no forms, nothing from the network: our pages need none, and GX's pages
# read fine without theirs. Styles from the reports folder (and inline: GX writes style attributes).
CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
    "form-action 'none'; style-src 'self' file: 'unsafe-inline'; img-src 'self' file: data:"
)
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
_HEAD_OPEN_RE = re.compile(r"<head\b[^>]*+>", re.IGNORECASE)


def with_csp(page: str) -> str:
    """The page with CSP_META first in its head (a policy only governs what follows it)."""
    if CSP_META in page:
        return page
    head = _HEAD_OPEN_RE.search(page)
    if head is None:
        return f"<head>{CSP_META}</head>{page}"
    return page[: head.end()] + CSP_META + page[head.end() :]


def mart_row_counts(database: Path) -> dict[str, int]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {m: int(con.execute(f"select count(*) from marts.{m}").fetchone()[0]) for m in MARTS}  # type: ignore[index]  # noqa: S608  MARTS is a constant
    finally:
        con.close()


def write_run_report(settings: Settings, paths: RunPaths, stages: dict[str, Any], *, status: str) -> Path:
    """Write runs/<run_id>.json, last_run.json and index.html; returns the index path."""
    reports = settings.reports_dir
    summary = {
        "run_id": paths.run_id,
        "status": status,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "raw_dir": str(settings.raw_dir),
        "warehouse": str(settings.warehouse),
        "reports_dir": str(reports),
        "stages": stages,
    }
    write_json(reports / "runs" / f"{paths.run_id}.json", summary)
    write_json(reports / "last_run.json", summary)
    index = reports / "index.html"
    index.write_text(render_index(summary, reports), encoding="utf-8")
    return index


def _latest_validation_pages(reports: Path) -> dict[str, str]:
    """Suite name -> newest static validation page, relative to the reports folder."""
    pages: dict[str, Path] = {}
    base = reports / "validations"
    for page in sorted(base.rglob("*.html")) if base.exists() else []:
        parts = page.relative_to(base).parts  # schema/table/run_name/timestamp/file.html
        if len(parts) >= 3:
            pages[f"{parts[0]}.{parts[1]}"] = page  # sorted: the last one is the newest
    return {suite: page.relative_to(reports).as_posix() for suite, page in pages.items()}


def _table(rows: list[list[Any]], header: list[str]) -> str:
    if not rows:
        return "<p><i>none</i></p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _file_list(heading: str, entries: list[dict[str, str]] | None) -> str:
    """A table of files and why (rejected, ignored, deferred); nothing when there are none."""
    if not entries:
        return ""
    rows = [[e.get("file", ""), e.get("reason", "")] for e in entries]
    return f"<h3>{html.escape(heading)}</h3>" + _table(rows, ["file", "reason"])


def render_index(summary: dict[str, Any], reports: Path) -> str:
    stages = summary["stages"]
    land = stages.get("land", {})
    parse = stages.get("parse", {})
    extract = stages.get("extract", {})
    build = stages.get("build", {})
    quality = stages.get("validate", {})
    quarantine = quality.get("quarantine", [])
    marts = stages.get("publish", {}).get("mart_rows", {})
    sections = [
        f"<h1>Steppe data-quality report</h1><p>Run <b>{html.escape(summary['run_id'])}</b> — "
        f"<b>{html.escape(summary['status'])}</b> at {html.escape(summary['finished_at'])}.<br>"
        f"Warehouse: <code>{html.escape(summary['warehouse'])}</code><br>"
        f"Raw dumps: <code>{html.escape(summary['raw_dir'])}</code></p>",
        "<h2>Marts</h2>" + _table([[f"marts.{k}", v] for k, v in marts.items()], ["table", "rows"]),
        "<h2>Landing</h2>"
        + _table(
            [
                ["landed", land.get("landed", 0)],
                ["byte-identical duplicates", land.get("duplicates", 0)],
                ["rejected", land.get("rejected", 0)],
                ["deferred (still being written)", land.get("deferred", 0)],
                ["ignored (not a *.txt dump)", len(land.get("ignored") or [])],
            ],
            ["files", "count"],
        )
        + _file_list("Rejected files", land.get("rejections"))
        + _file_list("Ignored files", land.get("ignored"))
        + _file_list("Deferred files (looked at again next run)", land.get("deferrals")),
        "<h2>Parsing and extraction</h2>"
        + _table(
            [
                ["pages parsed", parse.get("pages", 0)],
                ["articles on them", parse.get("articles", 0)],
                ["pages without articles", parse.get("pages_without_articles", 0)],
                ["ticker quotes", parse.get("quotes", 0)],
                ["unusable ticker lines", parse.get("issues", 0)],
                ["article contents extracted", extract.get("articles", 0)],
                ["entity mentions", extract.get("entities", 0)],
                ["trade figures", extract.get("figures", 0)],
            ],
            ["this run", "count"],
        ),
        "<h2>dbt build</h2>"
        + _table(
            [[build.get("models", 0), "full refresh" if build.get("full_refresh") else "incremental",
              build.get("tests_passed", 0), build.get("tests_failed", 0)]],
            ["models", "build", "tests passed", "tests failed"],
        )
        + (
            f'<p>Models and columns, described: <a href="{DBT_DOCS_PAGE}">dbt docs</a> '
            "(dbt's own page: it runs its script, and shows no page text).</p>"
            if build.get("docs_page")
            else ""
        ),
        "<h2>Great Expectations checks</h2>"
        f"<p>{quality.get('checks_passed', 0)} passed, {quality.get('checks_failed', 0)} failed "
        f"({len(quality.get('blocking_failures', []))} blocking, {len(quality.get('warnings', []))} warnings). "
        "Blocking checks stop a run before it publishes; warnings are reported only.</p>"
        + _table(
            [
                [c["severity"], c["suite"], c["expectation"], c["column"] or "", c["observed"]]
                for c in quality.get("blocking_failures", []) + quality.get("warnings", [])
            ],
            ["severity", "suite", "expectation", "column", "observed"],
        )
        + "<h3>Quarantined rows</h3>"
        "<p>Rows failing a row check of the contract are held out of the marts (and what refers to them) "
        "and kept in <code>audit.quarantined_rows</code>; the run still publishes.</p>"
        + _table(
            [[q["table"], q["check"], q["column"] or "", q["rows"], "; ".join(q["examples"])] for q in quarantine],
            ["table", "check", "column", "rows", "examples"],
        )
        + "<h3>Validation results by suite</h3><ul>"
        + "".join(
            f'<li><a href="{html.escape(path)}">{html.escape(suite)}</a></li>'
            for suite, path in sorted(_latest_validation_pages(reports).items())
        )
        + "</ul><p>GX's own index (needs network access for its scripts): "
        + '<a href="gx_index.html">gx_index.html</a></p>',
    ]
    return (
        f'<!doctype html><html><head>{CSP_META}<meta charset="utf-8"><title>Steppe data-quality report</title>'
        '<link rel="stylesheet" href="static/steppe-offline.css"></head><body>' + "\n".join(sections) + "</body></html>"
    )
