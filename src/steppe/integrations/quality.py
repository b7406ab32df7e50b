"""Great Expectations: validate the warehouse's tables and publish Data Docs.

GX 1.x has no DuckDB datasource and its SQL path fails on DuckDB, so each table is read from
DuckDB into a pandas DataFrame and validated through a dataframe asset of the file-backed
context in expectations/ (suites, validation definitions and checkpoints are committed there;
expectations/define_suites.py writes them). One checkpoint per table runs every time.

Each run should cost what its new data costs. Raw and staging rows never change once written,
so their checkpoints see only this run's batch (the latest landing and parsing); a run can
change any mart row, so marts are checked whole, but only on counts and short columns: checks
of article text run once, on the staging rows of the parse that produced them (batch_queries).
Only the columns a suite's expectations name are read (batch_query). Tables dbt builds are named
by their model: dbt's manifest says where each is, and a mart's primary key names its failing rows
(steppe.manifest). Keys, not-nulls, accepted values and relationships are dbt's tests; the suites
keep the content checks dbt cannot express cheaply (expectations/define_suites.py).

Every expectation declares its action in its meta: {"action": "fail"} stops the run before
publishing (blocking), {"action": "warn"} is only reported. Rows failing the contract's row checks
never reach GX: dbt quarantines them (audit.quarantined_rows), and the report lists them here as
warnings, with counts and examples.

Page text is untrusted: GX's validation pages print failing values as they are, so this run's
stored results are HTML-escaped before the pages are rendered, and every page carries a
Content-Security-Policy that runs no script (steppe.report.with_csp).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml  # dbt's own dependency

from steppe.config import PROJECT_ROOT
from steppe.manifest import Manifest, project_manifest
from steppe.report import CSP_META, DBT_DOCS_PAGE, with_csp
from steppe.warehouse import memory_config

GX_PROJECT_DIR = PROJECT_ROOT / "expectations"
DATASOURCE = "steppe_warehouse"
BATCH_DEFINITION = "whole_table"

# Suite name = table name; the query picks the rows to check. Raw and staging rows never change
# once written, so each run checks the rows it added (the latest landing and parsing batch);
# a run can change any mart row, so marts are checked whole. The raw text of dumps is left out: it is
# big and landing checked it. Article bodies are checked in staging, on the parse that produced
# them: every body in marts.articles is one of those, so re-reading all of them each run (the
# dearest check of a large warehouse) would only repeat checks already passed.
_LATEST_PAGES = "dump_id in (select dump_id from raw.pages where parsed_at = (select max(parsed_at) from raw.pages))"
# The tables Python writes (raw, audit), by name.
_PYTHON_TABLE_QUERIES: dict[str, str] = {
    "raw.dumps": "select * exclude (content) from raw.dumps where landed_at = (select max(landed_at) from raw.dumps)",
    "audit.rejected_dumps": "select * from audit.rejected_dumps",
    "raw.pages": "select *, year(page_date) as page_year from raw.pages "
    "where parsed_at = (select max(parsed_at) from raw.pages)",
    "raw.parse_issues": f"select * from raw.parse_issues where {_LATEST_PAGES}",  # noqa: S608  constant names
}
# The tables dbt builds, by model: the manifest says where each is ({relation}).
_MODEL_QUERIES: dict[str, str] = {
    # Once per distinct content: the checks read title and body, which the content hash fixes, and
    # a first build's batch would otherwise hold each article about six times.
    "stg_steppe__page_articles": f"select * from {{relation}} where {_LATEST_PAGES} "  # noqa: S608  constant names
    "qualify row_number() over (partition by content_hash order by dump_id, position) = 1",
    # Bodies were checked in staging when they were parsed (above); the mart checks keys and counts.
    "articles": "select * exclude (body) from {relation}",
    "fx_daily": "select * from {relation}",
}
# The columns that name a row of a batch, where its table declares no primary key (the marts do,
# in dbt): a failed check lists its first offending rows by them.
_ROW_NAMES: dict[str, tuple[str, ...]] = {
    "raw.dumps": ("file_name",),
    "audit.rejected_dumps": ("file_name",),
    "raw.pages": ("dump_id",),
    "raw.parse_issues": ("dump_id", "line_no"),
    "stg_steppe__page_articles": ("dump_id", "position"),
}


def batch_queries(manifest: Manifest | None = None) -> dict[str, str]:
    """Every validated table (its suite's name) and the query of the rows its suite checks."""
    relations = (manifest or project_manifest()).relations
    models = {relations[name]: query.format(relation=relations[name]) for name, query in _MODEL_QUERIES.items()}
    return {**_PYTHON_TABLE_QUERIES, **models}


def key_columns(manifest: Manifest | None = None) -> dict[str, tuple[str, ...]]:
    """The columns that name a row of each validated table: a mart's primary key, as dbt declares it."""
    manifest = manifest or project_manifest()
    keys = {manifest.relations.get(name, name): columns for name, columns in _ROW_NAMES.items()}
    keys.update({mart.relation: mart.primary_key for mart in manifest.marts})
    return keys


def batch_query(query: str, expectations: list[Any], keys: tuple[str, ...] = ()) -> str:
    """The batch query cut down to the columns that the suite's expectations name.

    The staging batch of a first build holds every article: columns no expectation reads are
    not loaded into pandas. A suite that looks at the table's columns as a whole (expect_table_*
    other than row counts), filters rows by a condition, or names no column reads them all.
    """
    columns: dict[str, None] = {}  # an ordered set
    for expectation in expectations:
        kind, kwargs = expectation.configuration.type, expectation.configuration.kwargs
        if kwargs.get("row_condition") or (
            kind.startswith("expect_table_") and not kind.startswith("expect_table_row_count")
        ):
            return query
        named = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B"), *kwargs.get("column_list", [])]
        columns.update(dict.fromkeys(name for name in named if name))
    if not columns:
        return query
    columns.update(dict.fromkeys(keys))
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    return f"select {select} from ({query})"  # noqa: S608  quoted GX column names around a constant query


@dataclass(frozen=True, slots=True)
class CheckResult:
    suite: str
    expectation: str
    column: str | None
    severity: str  # "blocking" or "warning"
    success: bool
    observed: str
    expected: str = ""  # what the expectation asks for (its arguments), e.g. "value_set=[False]"
    offending: tuple[str, ...] = ()  # the first failing rows, by their key columns (key_columns)


@dataclass(frozen=True, slots=True)
class QuarantineSummary:
    """The rows of one table held out of the marts by one row check."""

    table: str
    check: str
    column: str | None
    rows: int
    examples: list[str]


@dataclass(slots=True)
class QualityReport:
    checks: list[CheckResult] = field(default_factory=list)
    quarantine: list[QuarantineSummary] = field(default_factory=list)
    docs_index: Path | None = None

    @property
    def passed(self) -> int:
        return sum(c.success for c in self.checks)

    @property
    def failed(self) -> int:
        return sum(not c.success for c in self.checks)

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "blocking"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "warning"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "checks_passed": self.passed,
            "checks_failed": self.failed,
            "blocking_failures": [_as_dict(c) for c in self.blocking_failures],
            "warnings": [_as_dict(c) for c in self.warnings],
            "quarantined_rows": sum(q.rows for q in self.quarantine),
            "quarantine": [_as_dict(q) for q in self.quarantine],
            "data_docs": str(self.docs_index) if self.docs_index else None,
        }


def _as_dict(item: CheckResult | QuarantineSummary) -> dict[str, Any]:
    return {s: getattr(item, s) for s in item.__slots__}


def _severity(meta: dict[str, Any] | None) -> str:
    """Blocking for an expectation whose action is "fail"; a warning otherwise (they say "warn")."""
    return "blocking" if (meta or {}).get("action") == "fail" else "warning"


QUARANTINE_EXAMPLES = 3


def read_quarantine(con: duckdb.DuckDBPyConnection) -> list[QuarantineSummary]:
    """What dbt held out of the marts, per table and check, with a few offending values."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'audit' and table_name = 'quarantined_rows'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = con.execute(
        "select table_name, check_name, any_value(column_name), count(*), "
        "list(offending_value order by row_key)[1:?] "
        "from audit.quarantined_rows group by table_name, check_name order by table_name, check_name",
        [QUARANTINE_EXAMPLES],
    ).fetchall()
    return [
        QuarantineSummary(table=t, check=c, column=col, rows=int(n), examples=[str(v) for v in examples])
        for t, c, col, n, examples in rows
    ]


def quarantine_warning(summary: QuarantineSummary) -> CheckResult:
    """A quarantined (table, check) as a failed warning check of the report."""
    return CheckResult(
        suite=summary.table,
        expectation=f"quarantined by {summary.check}",
        column=summary.column,
        severity="warning",
        success=False,
        observed=f"{summary.rows} rows held out of the marts, e.g. {summary.examples}",
    )


def get_context(reports_dir: Path | None = None, project_dir: Path = GX_PROJECT_DIR) -> Any:
    """The file-backed context of expectations/gx; with reports_dir, one whose validation results
    and Data Docs go there (set here, in code: the committed great_expectations.yml names no
    warehouse's folder). project_dir: the folder holding gx/ (Settings.expectations_dir)."""
    import great_expectations as gx  # heavy: imported in the task, never at DAG parse time

    if reports_dir is None:
        return gx.get_context(mode="file", project_root_dir=str(project_dir))
    config = yaml.safe_load((project_dir / "gx" / "great_expectations.yml").read_text(encoding="utf-8"))
    config.pop("fluent_datasources", None)  # GX reads those from the file itself
    # Per warehouse, beside its report (not shared by every warehouse this checkout builds).
    config["stores"]["validation_results_store"]["store_backend"]["base_directory"] = str(
        reports_dir / "gx_validation_results"
    )
    config["data_docs_sites"] = {
        "local_site": {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(reports_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    }
    return gx.get_context(mode="file", project_root_dir=str(project_dir), project_config=config)


def validate_warehouse(
    database: Path, reports_dir: Path, *, project_dir: Path = GX_PROJECT_DIR, memory_limit: str | None = None
) -> QualityReport:
    """Run every table's checkpoint on the database and build Data Docs into reports_dir."""
    context = get_context(reports_dir, project_dir)
    report = QualityReport()
    results: list[Any] = []  # this run's validation results: the only Data Docs pages built
    # File times come from a coarse clock that can lag time.time() by a tick: a second's margin.
    started = time.time() - 1.0
    con = duckdb.connect(str(database), read_only=True, config=memory_config(memory_limit))
    try:
        row_keys = key_columns()
        for suite_name, query in batch_queries().items():
            checkpoint = context.checkpoints.get(suite_name)
            suite = [e for definition in checkpoint.validation_definitions for e in definition.suite.expectations]
            keys = row_keys.get(suite_name, ())
            outcomes: list[list[tuple[Any, Any]]] = []  # per part of the batch: (outcome, its frame)
            for frame in _frames(con, batch_query(query, suite, keys), splittable=_row_by_row(suite)):
                result = checkpoint.run(batch_parameters={"dataframe": frame})
                results.extend(result.run_results)
                outcomes.append([(o, frame) for run in result.run_results.values() for o in run.results])
            for parts in zip(*outcomes, strict=True):  # one expectation, over every part
                report.checks.append(_check_result(suite_name, list(parts), keys))
        report.quarantine = read_quarantine(con)
        report.checks.extend(quarantine_warning(q) for q in report.quarantine)
    finally:
        con.close()
    # GX prints failing values (page text) as they are: escape them in this run's stored results.
    escape_stored_results(reports_dir / "gx_validation_results", since=started)
    # Only this run's pages: the results store keeps every run's results, and rebuilding them
    # all made each run slower than the one before.
    context.build_data_docs(resource_identifiers=results)
    # GX's own index needs JavaScript from CDNs to list anything; it is kept as gx_index.html
    # and steppe.report writes a static index.html that links the (static) validation pages.
    gx_index = reports_dir / "gx_index.html"
    if (reports_dir / "index.html").exists():
        os.replace(reports_dir / "index.html", gx_index)
    prune_validation_results(reports_dir)
    # Earlier runs' pages were made offline by their run; pages of runs before the policy existed
    # get it once (their values were not escaped: no script of theirs may run).
    secured_marker = reports_dir / "static" / "steppe-csp"
    make_offline(reports_dir, since=started if secured_marker.exists() else 0.0)
    secured_marker.write_text(CSP_META, encoding="utf-8")
    report.docs_index = gx_index if gx_index.exists() else None
    (reports_dir / "quality.json").write_text(json.dumps(report.as_dict(), indent=2, default=str))
    return report


# GX checks pandas DataFrames. A batch of per-row checks is read in parts of at most this many rows, so a
# first build of a large warehouse (every article's title and body in staging) never sits in memory whole.
PART_ROWS = 50_000
_ROW_BY_ROW = ("expect_column_values_to_", "expect_column_value_lengths_to_")  # each row judged alone
_WHOLE_COLUMN = ("expect_column_values_to_be_unique",)  # ... but these compare rows with each other


def _row_by_row(expectations: list[Any]) -> bool:
    """Every expectation judges each row on its own: the batch can be checked in parts and summed."""
    kinds = [e.configuration.type for e in expectations]
    return bool(kinds) and all(k.startswith(_ROW_BY_ROW) and k not in _WHOLE_COLUMN for k in kinds)


def _frames(con: duckdb.DuckDBPyConnection, query: str, *, splittable: bool) -> Iterator[Any]:
    """The batch as one DataFrame, or in parts of PART_ROWS when its checks allow it (at least one part)."""
    if not splittable:
        yield con.sql(query).df()
        return
    cursor = con.execute(query)
    vectors = max(1, PART_ROWS // duckdb.__standard_vector_size__)  # DuckDB hands out whole vectors
    frame = cursor.fetch_df_chunk(vectors)
    if not len(frame):
        yield frame  # an empty batch is still checked (row counts, columns)
    while len(frame):
        for start in range(0, len(frame), PART_ROWS):
            yield frame.iloc[start : start + PART_ROWS].reset_index(drop=True)
        frame = cursor.fetch_df_chunk(vectors)


def _summed(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The result dict of a check over every part: counts summed, examples from the first parts."""
    if len(results) == 1:
        return results[0]
    total: dict[str, Any] = {k: sum(r.get(k) or 0 for r in results)
                             for k in ("element_count", "missing_count", "unexpected_count")}
    total["partial_unexpected_list"] = [v for r in results for v in r.get("partial_unexpected_list") or []][:20]
    return total


def _check_result(suite_name: str, parts: list[tuple[Any, Any]], keys: tuple[str, ...]) -> CheckResult:
    """One expectation's outcome over every part of its batch (usually one). Summed over parts, a check
    with `mostly` passes when the share of expected values over all parts reaches it."""
    config = parts[0][0].expectation_config
    result = _summed([outcome.result for outcome, _ in parts])
    success = all(bool(outcome.success) for outcome, _ in parts)
    mostly = config.kwargs.get("mostly")
    if len(parts) > 1 and mostly is not None:
        checked = result["element_count"] - result["missing_count"]
        success = checked == 0 or (checked - result["unexpected_count"]) / checked >= float(mostly)
    offending = tuple(row for outcome, frame in parts for row in _offending(outcome.result, frame, keys))
    return CheckResult(
        suite=suite_name,
        expectation=config.type,
        column=config.kwargs.get("column"),
        severity=_severity(config.meta),
        success=success,
        observed=_observed(result),
        expected=_expected(config.kwargs, config.type),
        offending=offending[:OFFENDING_ROWS],
    )


def escape_strings(value: Any) -> Any:
    """value with every string in it (keys aside) HTML-escaped, lists and dicts walked."""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, list):
        return [escape_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: escape_strings(v) for k, v in value.items()}
    return value


def escape_stored_results(store: Path, since: float = 0.0) -> int:
    """HTML-escape what the data can put in validation results written since `since`: each
    expectation's result (observed and unexpected values) and exception text. Returns files rewritten."""
    rewritten = 0
    for path in store.rglob("*.json") if store.exists() else []:
        if path.stat().st_mtime < since:
            continue
        stored = json.loads(path.read_text(encoding="utf-8"))
        for outcome in stored.get("results", []):
            for key in ("result", "exception_info"):
                if key in outcome:
                    outcome[key] = escape_strings(outcome[key])
        path.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        rewritten += 1
    return rewritten


KEEP_RUNS = 30  # validation results (and their Data Docs pages) kept per suite


def prune_validation_results(reports_dir: Path, keep: int = KEEP_RUNS) -> int:
    """Drop all but the newest `keep` runs per suite: stores and pages would grow every hour."""
    removed = 0
    for root in (reports_dir / "gx_validation_results", reports_dir / "validations"):
        for suite_dir in {p.parent.parent for p in root.glob("*/*/*/*")} if root.exists() else set():
            runs = sorted(p for p in suite_dir.glob("*/*") if p.is_dir())  # run_name/timestamp
            for old in runs[:-keep]:
                shutil.rmtree(old, ignore_errors=True)
                removed += 1
    return removed


_NOT_EXPECTED = {"column", "batch_id", "result_format", "catch_exceptions", "include_config", "meta",
                 "condition_parser"}
OFFENDING_ROWS = 3


def _expected(kwargs: dict[str, Any], kind: str = "") -> str:
    """The expectation's arguments but its column and bookkeeping: what a passing batch would show
    (its type in words when it takes none, e.g. "values to not be null")."""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(kwargs.items()) if k not in _NOT_EXPECTED and v is not None)
    return shown[:300] or kind.removeprefix("expect_column_").removeprefix("expect_").replace("_", " ")


def _key_value(value: Any) -> str:
    import pandas as pd

    if isinstance(value, pd.Timestamp) and not pd.isna(value) and value == value.normalize():
        return str(value.date().isoformat())  # a DATE column read into pandas
    return str(value)


def _offending(result: dict[str, Any], frame: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
    """The first failing rows of a column check as "key=value, ..." (GX gives their batch positions)."""
    if not keys:
        return ()
    rows = []
    for index in (result.get("partial_unexpected_index_list") or [])[:OFFENDING_ROWS]:
        if isinstance(index, int) and index in frame.index:
            rows.append(", ".join(f"{k}={_key_value(frame.at[index, k])}" for k in keys if k in frame.columns))
    return tuple(rows)


def _observed(result: dict[str, Any]) -> str:
    if "observed_value" in result:
        return str(result["observed_value"])
    if "unexpected_count" in result:
        return f"{result['unexpected_count']} unexpected, e.g. {result.get('partial_unexpected_list', [])[:3]}"
    return ""


# Data Docs load Bootstrap, Font Awesome and friends from CDNs, which cannot be reached here
# (nor from many analysts' networks): drop those references and serve a small local stylesheet.
_REMOTE_ASSET_RE = re.compile(
    r"""<link[^>]+href=["']https?://[^"']+["'][^>]*>|<script[^>]+src=["']https?://[^"']+["'][^>]*>\s*</script>"""
    r"""|<img[^>]+src=["']https?://[^"']+["'][^>]*>""",
    re.IGNORECASE,
)
OFFLINE_CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
a { color: #0b5cad; }
.text-danger, .fa-times { color: #b00020; } .text-success, .fa-check-circle { color: #1b7f3b; }
.fa-check-circle::before { content: "\\2714"; font-style: normal; }
.fa-times::before, .fa-times-circle::before { content: "\\2718"; font-style: normal; }
.fa-exclamation-triangle::before { content: "\\26A0"; font-style: normal; }
img { max-height: 2rem; }
"""


def make_offline(site_dir: Path, since: float = 0.0) -> int:
    """Rewrite the Data Docs pages written since `since` (a time.time(); default every page) to
    need nothing from the network and run no script (CSP); returns pages rewritten."""
    css = site_dir / "static" / "steppe-offline.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(OFFLINE_CSS)
    rewritten = 0
    for page in site_dir.rglob("*.html"):
        if page.stat().st_mtime < since or page == site_dir / DBT_DOCS_PAGE:  # dbt's page needs its script
            continue
        html = page.read_text(encoding="utf-8")
        cleaned = _REMOTE_ASSET_RE.sub("", html)
        link = f'<link rel="stylesheet" href="{os.path.relpath(css, page.parent)}">'
        if "steppe-offline.css" not in cleaned:
            cleaned = cleaned.replace("</head>", f"{link}\n</head>", 1)
        cleaned = with_csp(cleaned)
        if cleaned != html:
            page.write_text(cleaned, encoding="utf-8")
            rewritten += 1
    return rewritten
