"""The run report: index.html of STEPPE_REPORTS_DIR (static, readable offline) plus one JSON record per run.

Page text (titles, bodies, entity names, file names) is untrusted: everything shown is escaped,
and every HTML page Steppe writes or links carries a Content-Security-Policy that runs no script
and loads nothing from elsewhere (with_csp), so a payload that slipped through stays inert. One
exception: dbt's docs page (DBT_DOCS_PAGE), which needs its own inline script and shows no page
text, only the dbt project's models and column docs (steppe.integrations.dbt.dbt_build).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb

from steppe.manifest import mart_names
from steppe.runs import write_json
from steppe.settings import Settings

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
        return {m: int(con.execute(f"select count(*) from marts.{m}").fetchone()[0]) for m in mart_names()}  # type: ignore[index]  # noqa: S608  dbt's model names
    finally:
        con.close()


def _published_location(settings: Settings) -> str:
    if settings.uses_lake:
        from steppe.lake import location

        return location(settings)
    return str(settings.warehouse)


def _snapshot_line(summary: dict[str, Any]) -> str:
    """The lake snapshot a run published (readers: `AT (VERSION => n)`), when it published one."""
    snapshot = (summary.get("result") or {}).get("lake_snapshot")
    if snapshot is None:
        return ""
    return f"<br>DuckLake snapshot: <b>{int(snapshot)}</b>"


def write_run_report(
    settings: Settings, run_id: str, stages: dict[str, Any], *, status: str, record_status: str | None = None,
    **facts: Any,
) -> Path:
    """Write the run's JSON record (runs/<run_id>.json), point last_run.json at it, and write the run's
    page and index.html; returns the index path. The pages show `status` ("failed: disk full ..."), the
    record `record_status` ("failed") when given; facts (reason, log, ...) go into the record."""
    reports = settings.reports_dir
    summary = {
        "run_id": run_id,
        "status": status,
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "raw_dir": str(settings.raw_dir),
        "warehouse": _published_location(settings),
        "reports_dir": str(reports),
        "stages": stages,
        **facts,
    }
    write_json(reports / "runs" / f"{run_id}.json", {**summary, "status": record_status or status})
    write_json(reports / LAST_RUN, {"run_id": run_id, "record": f"runs/{run_id}.json"})
    # The run's own page, kept: the index's history links every run to it.
    run_page = reports / "runs" / f"{run_id}.html"
    run_page.write_text(render_index(summary, reports, run_page=True), encoding="utf-8")
    label_validation_pages(reports)
    index = reports / "index.html"
    index.write_text(render_index(summary, reports), encoding="utf-8")
    return index


LAST_RUN = "last_run.json"  # a pointer to the newest run's record: {"run_id", "record"}


def read_last_run(reports: Path) -> dict[str, Any] | None:
    """The newest run's JSON record, through last_run.json; None when there is none (or it is unreadable)."""
    try:
        pointer = json.loads((reports / LAST_RUN).read_text(encoding="utf-8"))
        record = json.loads((reports / str(pointer["record"])).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record if isinstance(record, dict) else None


HISTORY_RUNS = 20  # runs in the index's trend table


def run_history(reports: Path, limit: int = HISTORY_RUNS) -> list[dict[str, Any]]:
    """The newest `limit` run summaries of runs/, newest first (unreadable ones skipped)."""
    folder = reports / "runs"
    try:
        files = sorted(folder.glob("*.json"), key=lambda f: f.stat().st_mtime, reverse=True)[:limit]
    except OSError:
        return []
    runs = []
    for file in files:
        try:
            summary = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(summary, dict) and "run_id" in summary:
            runs.append(summary)
    return sorted(runs, key=lambda r: str(r.get("finished_at", "")), reverse=True)


def outcome(summary: dict[str, Any]) -> str:
    """The run's status, with "unchanged" when it published nothing new."""
    status = str(summary.get("status", ""))
    publish = (summary.get("stages") or {}).get("publish") or {}
    return f"{status} (unchanged)" if status == "published" and publish.get("unchanged") else status


def _history_row(summary: dict[str, Any], reports: Path, prefix: str) -> str:
    stages = summary.get("stages") or {}
    marts = (stages.get("publish") or {}).get("mart_rows") or {}
    quality = stages.get("validate") or {}
    run_id = str(summary["run_id"])
    page = reports / "runs" / f"{run_id}.html"
    link = (f'<a href="{html.escape(prefix + "runs/" + quote(page.name))}">{html.escape(run_id)}</a>'
            if page.exists() else html.escape(run_id))
    cells = [str(summary.get("finished_at", "")), outcome(summary)]
    cells += [str(marts.get(m, "")) for m in mart_names()]
    cells += [str(len(quality.get("warnings") or [])) if quality else "",
              str(quality.get("quarantined_rows", "")) if quality else "",
              str((stages.get("publish") or {}).get("freshness", {}).get("latest_page_date") or "")]
    return f"<tr><td>{link}</td>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


def _history_section(reports: Path, prefix: str) -> str:
    runs = run_history(reports)
    if not runs:
        return "<h2>Run history</h2><p><i>none</i></p>"
    header = ["run", "finished", "status", *(f"marts.{m}" for m in mart_names()), "warnings", "quarantined",
              "latest page date"]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    rows = "".join(_history_row(r, reports, prefix) for r in runs)
    return (f"<h2>Run history</h2><p>The last {len(runs)} runs, newest first (rows per mart as published; "
            "<i>unchanged</i>: nothing new, the published file was left in place).</p>"
            f"<table><tr>{head}</tr>{rows}</table>")


def _freshness_section(summary: dict[str, Any]) -> str:
    publish = summary["stages"].get("publish") or {}
    fresh = publish.get("freshness") or {}
    if publish.get("unchanged"):
        when = (f"Unchanged: this run found nothing new; the published warehouse (from run "
                f"{html.escape(str(publish.get('published_by') or '?'))}) was left in place, not replaced.")
    elif publish:
        when = "This run published a new warehouse file: new connections (in a new process) read it."
    else:
        when = "This run published nothing."
    rows = [["latest page date", fresh.get("latest_page_date") or "unknown"],
            ["last new dump landed at", fresh.get("last_new_dump_at") or "unknown"]]
    return "<h2>Data freshness</h2>" + f"<p>{when}</p>" + _table(rows, ["what", "when"])


# GX's validation pages link the suite's page (never built: no expectation pages) and print
# "Data asset: None" for dataframe batches. The newest page of each suite is fixed as it is linked.
_SUITE_LINK_RE = re.compile(r'<a href="(?:\.\./)*+expectations/[^"<>]*+" >([^<>]*+)</a>')
_NO_ASSET = "Data asset: None"
_FAVICON_RE = re.compile(r'<link rel="shortcut icon" href="[^"<>]*+"[^<>]*+>')  # GX links an icon it never copies


def label_validation_pages(reports: Path) -> int:
    """Name the data asset and unlink the missing suite page in each suite's newest validation page."""
    fixed = 0
    for suite, relative in _latest_validation_pages(reports).items():
        page = reports / relative
        text = page.read_text(encoding="utf-8")
        labelled = _SUITE_LINK_RE.sub(r"<b>\1</b>", text).replace(_NO_ASSET, f"Data asset: {html.escape(suite)}")
        labelled = _FAVICON_RE.sub("", labelled)
        if labelled != text:
            page.write_text(labelled, encoding="utf-8")
            fixed += 1
    return fixed


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


def _check_rows(quality: dict[str, Any]) -> list[list[Any]]:
    return [
        [c["severity"], c["suite"], c["expectation"], c["column"] or "", c.get("expected", ""), c["observed"],
         "; ".join(c.get("offending") or [])]
        for c in quality.get("blocking_failures", []) + quality.get("warnings", [])
    ]


def render_index(summary: dict[str, Any], reports: Path, *, run_page: bool = False) -> str:
    """index.html, or (run_page) the run's own page in runs/: no history, links one folder up."""
    prefix = "../" if run_page else ""
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
        f"<b>{html.escape(outcome(summary))}</b> at {html.escape(summary['finished_at'])}.<br>"
        f"Warehouse: <code>{html.escape(summary['warehouse'])}</code>{_snapshot_line(summary)}<br>"
        f"Raw dumps: <code>{html.escape(summary['raw_dir'])}</code></p>",
        "<h2>Marts</h2>" + _table([[f"marts.{k}", v] for k, v in marts.items()], ["table", "rows"]),
        _freshness_section(summary),
        "" if run_page else _history_section(reports, prefix),
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
            f'<p>Models and columns, described: <a href="{prefix}{DBT_DOCS_PAGE}">dbt docs</a> '
            "(dbt's own page: it runs its script, and shows no page text).</p>"
            if build.get("docs_page")
            else ""
        ),
        "<h2>Great Expectations checks</h2>"
        f"<p>{quality.get('checks_passed', 0)} passed, {quality.get('checks_failed', 0)} failed "
        f"({len(quality.get('blocking_failures', []))} blocking, {len(quality.get('warnings', []))} warnings). "
        "Blocking checks stop a run before it publishes; warnings are reported only.</p>"
        + _table(_check_rows(quality), ["severity", "suite", "expectation", "column", "expected", "observed",
                                        "offending rows (first few)"])
        + "<h3>Quarantined rows</h3>"
        "<p>Rows failing a row check of the contract are held out of the marts (and what refers to them) "
        "and kept in <code>audit.quarantined_rows</code>; the run still publishes.</p>"
        + _table(
            [[q["table"], q["check"], q["column"] or "", q["rows"], "; ".join(q["examples"])] for q in quarantine],
            ["table", "check", "column", "rows", "examples"],
        )
        + ('<p><a href="../index.html">The latest report</a> links GX\'s validation pages.</p>' if run_page
           else _validation_links(reports)),
    ]
    return (
        f'<!doctype html><html><head>{CSP_META}<meta charset="utf-8"><title>Steppe data-quality report</title>'
        f'<link rel="stylesheet" href="{prefix}static/steppe-offline.css"></head><body>' + "\n".join(sections)
        + "</body></html>"
    )


def _validation_links(reports: Path) -> str:
    return (
        "<h3>Validation results by suite</h3><ul>"
        + "".join(
            f'<li><a href="{html.escape(path)}">{html.escape(suite)}</a></li>'
            for suite, path in sorted(_latest_validation_pages(reports).items())
        )
        + "</ul><p>GX's own index (needs network access for its scripts): "
        + '<a href="gx_index.html">gx_index.html</a></p>'
    )
