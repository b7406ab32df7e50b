"""The parse stage: every dump not yet parsed by this parser version becomes raw.pages, raw.fx_quotes,
raw.page_articles and raw.parse_issues rows. A dump is parsed once per parser version, each page under
the page time budget (a page that overruns is recorded as such, and the run goes on).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import asdict, astuple, dataclass

import duckdb

from steppe.budget import OverBudget, time_budget
from steppe.parsing import PARSER_VERSION, ParsedPage, ParseIssue, parse_page, warm_up
from steppe.settings import DEFAULT_PAGE_BUDGET_SECONDS, Settings
from steppe.warehouse import insert_rows, rows_by_rowid


def run(con: duckdb.DuckDBPyConnection, settings: Settings) -> ParseReport:
    return parse_new_dumps(con, budget_seconds=settings.page_budget_seconds)


def content_hash(title: str, body: str, captions: tuple[str, ...] | list[str] = ()) -> str:
    """What the extractors read of an article; captions count only when there are some, so the
    hash of an article without captions is what it always was."""
    text = f"{title}\n\n{body}" + ("".join(f"\n\n[caption] {c}" for c in captions))
    return hashlib.sha256(text.encode()).hexdigest()


_KEY_SPACE = re.compile(r"[\t\n\f\r ]+")  # ASCII white space only: the key must never change


def article_key(title: str) -> str:
    """The stable article key: titles equal but for white space, letter case and quote style are
    the same article. Computed once, here, rather than in every dbt model that reads the rows."""
    normalised = _KEY_SPACE.sub(" ", title.replace("\u2019", "'").replace("\xa0", " ")).lower()
    return hashlib.md5(normalised.encode(), usedforsecurity=False).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ParseReport:
    pages: int
    articles: int
    quotes: int
    issues: int
    pages_without_articles: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def of(cls, rows: TableRows) -> ParseReport:
        pages = rows.get("raw.pages", [])
        return cls(len(pages), len(rows.get("raw.page_articles", [])), len(rows.get("raw.fx_quotes", [])),
                   len(rows.get("raw.parse_issues", [])), sum(not page["article_count"] for page in pages))

    def __add__(self, other: ParseReport) -> ParseReport:
        return ParseReport(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


PARSE_BATCH = 500  # dumps held in memory at once: bounds memory whatever the backlog
TABLES = ("raw.pages", "raw.fx_quotes", "raw.page_articles", "raw.parse_issues")  # what parsing writes
TableRows = dict[str, list[dict[str, object]]]  # rows to insert, by table


def parse_new_dumps(
    con: duckdb.DuckDBPyConnection, *, budget_seconds: float = DEFAULT_PAGE_BUDGET_SECONDS
) -> ParseReport:
    """Parse dumps not yet parsed by this parser version into raw.pages and friends, batch by batch."""
    now = dt.datetime.now(dt.UTC)
    report = ParseReport(0, 0, 0, 0, 0)
    for dumps in dump_batches(con, PARSE_BATCH):
        forget(con, [dump_id for dump_id, _ in dumps])
        rows = parse_dumps(dumps, now, budget_seconds)
        for table, table_rows in rows.items():
            insert_rows(con, table, table_rows)
        report += ParseReport.of(rows)
    return report


# The row ids of the dumps to parse first (no text read), then each batch's texts by row id (rows_by_rowid). Row ids in
# a range prune the texts' scan to the batch's own vectors, so one new dump reads one text (an anti-join
# on the texts' own scan read every landed text: 4.7 s for one new dump at 100,000). One streamed query
# over the texts of a whole backlog held 0.6 GB beyond DuckDB's memory limit at 100,000 dumps (2.5 GB in
# all); batch by batch the buffer pool stays within it.
TODO_ROWIDS_QUERY = """
    select d.rowid from raw.dumps d
    where d.dump_id not in (select p.dump_id from raw.pages p where p.parser_version = ?)
    order by d.rowid
"""


def dump_batches(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[list[tuple[str, str]]]:
    """The dumps this parser version has not parsed, (id, text), `size` at a time. The caller may write
    on `con` between batches (not into raw.dumps: the row ids are those of the first query's snapshot)."""
    rowids = [int(rowid) for (rowid,) in con.execute(TODO_ROWIDS_QUERY, [PARSER_VERSION]).fetchall()]
    for start in range(0, len(rowids), size):
        batch = rowids[start:start + size]
        yield rows_by_rowid(con, "raw.dumps", "dump_id, content", batch)


def forget(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Output of an older parser version is replaced whole."""
    for table in TABLES:
        con.execute(f"delete from {table} where dump_id in (select unnest(?::varchar[]))", [ids])  # noqa: S608  constant table names


def parse_dumps(dumps: list[tuple[str, str]], now: dt.datetime, budget_seconds: float) -> TableRows:
    """The rows of each parsed dump (dump id, text), by table: pure, no connection."""
    rows: TableRows = {table: [] for table in TABLES}
    for dump_id, text in dumps:
        page = parse_within_budget(text, budget_seconds)
        rows["raw.pages"].append(
            {
                "dump_id": dump_id,
                "parser_version": PARSER_VERSION,
                "page_date": page.page_date,
                "listing_first": page.listing.first if page.listing else None,
                "listing_last": page.listing.last if page.listing else None,
                "listing_total": page.listing.total if page.listing else None,
                "quote_count": len(page.quotes),
                "article_count": len(page.articles),
                "parsed_at": now,
            }
        )
        rows["raw.fx_quotes"] += [{"dump_id": dump_id, **asdict(q)} for q in page.quotes]
        rows["raw.parse_issues"] += [{"dump_id": dump_id, **asdict(i)} for i in page.issues]
        rows["raw.page_articles"] += [
            {
                "dump_id": dump_id,
                "position": position,
                "article_id": article_key(article.title),
                "title": article.title,
                "body": article.body,
                "paragraph_count": len(article.paragraphs),
                "subheadings": list(article.subheadings),
                "inline_subheadings": list(article.inline_subheadings),
                "is_truncated": article.is_truncated,
                "dateline": article.dateline,
                "captions": list(article.captions),
                "content_hash": content_hash(article.title, article.body, article.captions),
                "word_count": article.word_count,
            }
            for position, article in enumerate(page.articles, start=1)
        ]
    return rows


OVER_TIME_BUDGET = "over_time_budget"


def over_budget_detail(work: str, over: OverBudget) -> str:
    return f"{work} stopped at the time budget of {over.limit_seconds:g} s (STEPPE_PAGE_BUDGET_SECONDS)"


def parse_within_budget(text: str, budget_seconds: float = DEFAULT_PAGE_BUDGET_SECONDS) -> ParsedPage:
    """parse_page under the page time budget. A page that overruns yields no quotes, date or articles
    and one `over_time_budget` issue; it is recorded like any other page, so the same parser version
    never tries it again."""
    warm_up()
    try:
        with time_budget(budget_seconds):
            return parse_page(text)
    except OverBudget as over:
        issue = ParseIssue(0, OVER_TIME_BUDGET, over_budget_detail("parsing", over))
        return ParsedPage(page_date=None, listing=None, quotes=(), articles=(), issues=(issue,))
