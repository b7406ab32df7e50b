"""The extract stage: entities and trade figures of every article content not yet extracted.

An article is extracted once per distinct content (title, body, captions), extractor version and
page date, so a new dump costs only its new articles; each under the page time budget. Large
batches run in one worker process per core.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from functools import cache, partial
from pathlib import Path

import duckdb

from steppe.budget import OverBudget, time_budget
from steppe.digests import files_digest
from steppe.extraction.model import EntityMention, TradeFigure
from steppe.settings import DEFAULT_PAGE_BUDGET_SECONDS, Settings
from steppe.stages.parse import OVER_TIME_BUDGET, over_budget_detail
from steppe.warehouse import insert_rows, rows_by_rowid


def run(con: duckdb.DuckDBPyConnection, settings: Settings) -> ExtractReport:
    started = time.perf_counter()
    report = extract_new_articles(con, budget_seconds=settings.page_budget_seconds)
    seconds = time.perf_counter() - started
    report.words_per_second = round(report.words / seconds) if seconds and report.words else None
    return report


@cache
def extractor_version() -> str:
    """A digest of the extraction code: changing any extractor re-extracts every article once."""
    package = Path(__file__).parents[1] / "extraction"
    code = (p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".json", ".csv", ".txt", ".tsv"})
    return files_digest(package, code)[:16]


@dataclass(slots=True)
class ExtractReport:
    articles: int
    words: int
    entities: int
    figures: int
    words_per_second: int | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __add__(self, other: ExtractReport) -> ExtractReport:
        return ExtractReport(self.articles + other.articles, self.words + other.words,
                             self.entities + other.entities, self.figures + other.figures)


# Below this many articles a worker pool costs more to start than it saves.
PARALLEL_MIN_ARTICLES = 200
EXTRACT_CHUNK = 100

# (content hash, title, body, page date, photo captions shown with the article)
Todo = tuple[str, str, str, "dt.date | None", "list[str] | tuple[str, ...]"]
# (content hash, entity rows, figure rows, issue): issue is None, or why the article has no rows
# or only some (a body cut at MAX_EXTRACTED_CHARS).

# A long article is ~20,000 characters; beyond this a body is not an article but a flood, and only
# its start is read: a 5 MB one-line page must not cost what a day of real pages costs.
MAX_EXTRACTED_CHARS = 50_000
CUT_FOR_EXTRACTION = "cut_for_extraction"
Extracted = tuple[str, list[dict[str, object]], list[dict[str, object]], "str | None"]


def extract_article(item: Todo, budget_seconds: float = DEFAULT_PAGE_BUDGET_SECONDS) -> Extracted:
    """Entities and trade figures of one article content, as rows (runs in worker processes too).

    The work runs under the page time budget: an article that overruns gets no rows and the
    reason, and is recorded as extracted, so this extractor version does not try it again."""
    from steppe.extraction.entities import extract_entities
    from steppe.extraction.figures import extract_trade_figures

    chash, title, body, page_date, captions = item
    _warm_extractors()
    cut: str | None = None
    if len(body) > MAX_EXTRACTED_CHARS:
        cut = (f"{CUT_FOR_EXTRACTION}: only the first {MAX_EXTRACTED_CHARS:,} of the body's {len(body):,} "
               "characters were extracted")
        body = body[: body.rfind(" ", 0, MAX_EXTRACTED_CHARS) + 1 or MAX_EXTRACTED_CHARS]
    try:
        with time_budget(budget_seconds) as deadline:
            # What a caption names belongs to its story (spec: title, caption, body); its figures do not.
            entities = extract_entities(title, "\n\n".join([*captions, body]))
            deadline.check()
            trade_figures = extract_trade_figures(title, body, page_date)
            deadline.check()
    except OverBudget as over:
        return chash, [], [], f"{OVER_TIME_BUDGET}: {over_budget_detail('extraction', over)}"
    mentions = [
        {"content_hash": chash, "position": n, **_values(m, MENTION_FIELDS), "aliases": list(m.aliases)}
        for n, m in enumerate(entities, start=1)
    ]
    figures = [
        {"content_hash": chash, "position": n, **_values(f, FIGURE_FIELDS)}
        for n, f in enumerate(trade_figures, start=1)
    ]
    return chash, mentions, figures, cut


MENTION_FIELDS = tuple(f.name for f in fields(EntityMention))
FIGURE_FIELDS = tuple(f.name for f in fields(TradeFigure))


def _values(record: EntityMention | TradeFigure, names: tuple[str, ...]) -> dict[str, object]:
    """A record's fields by name, as they are (asdict's deep copy of every value cost 4 % of extraction)."""
    return {name: getattr(record, name) for name in names}


@cache
def _warm_extractors() -> None:
    """Load the gazetteers and lexicons once, outside any article's time budget (and before forking)."""
    from steppe.extraction.entities import extract_entities
    from steppe.extraction.figures import extract_trade_figures

    extract_entities("Warm-up", "Load the gazetteers once, before forking.")
    extract_trade_figures("Warm-up", "Kazakhstan exported $1 billion of grain to China in 2024.", None)


def _extract_all(
    todo: list[Todo], budget_seconds: float = DEFAULT_PAGE_BUDGET_SECONDS, *, in_pool: bool = True
) -> Iterator[Extracted]:
    """Results in input order; one worker process per core when the batch is large enough and in_pool."""
    extract = partial(extract_article, budget_seconds=budget_seconds)
    workers = os.cpu_count() or 1
    if not in_pool or workers < 2 or len(todo) < PARALLEL_MIN_ARTICLES:
        yield from map(extract, todo)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm_extractors()  # workers inherit the loaded tables
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(extract, todo, chunksize=EXTRACT_CHUNK)


TABLES = ("raw.article_extractions", "raw.entity_mentions", "raw.trade_figures")  # what extraction writes
TableRows = dict[str, list[dict[str, object]]]  # rows to insert, by table

# What to extract, without its text: each content's first page date and one row that holds its text
# (rows of one content_hash hold the same title, body and captions). In that row's order, so that each
# batch's texts lie close together: rows_by_rowid's range prunes the scan to them. One query that
# grouped the texts themselves ran DuckDB out of memory at 100,000 dumps under a 512MB limit.
TODO_QUERY = """
    with contents as (
        select a.content_hash, min(p.page_date) as page_date, min(a.rowid) as text_row
        from raw.page_articles a join raw.pages p using (dump_id)
        group by a.content_hash
    )
    select c.content_hash, c.page_date, c.text_row
    from contents c left join raw.article_extractions e using (content_hash)
    where e.content_hash is null
       or e.extractor_version <> ?
       or e.page_date is distinct from c.page_date
    order by c.text_row
"""
EXTRACT_BATCH = 2_000  # article texts held in Python at once: bounds memory whatever the backlog


def extract_new_articles(
    con: duckdb.DuckDBPyConnection, *, budget_seconds: float = DEFAULT_PAGE_BUDGET_SECONDS
) -> ExtractReport:
    """Extract entities and trade figures for article contents not yet extracted, batch by batch."""
    now = dt.datetime.now(dt.UTC)
    report = ExtractReport(0, 0, 0, 0)
    for todo in todo_batches(con, EXTRACT_BATCH):
        forget(con, [row[0] for row in todo])
        rows, part = extract_articles(todo, now, budget_seconds)
        for table, table_rows in rows.items():
            insert_rows(con, table, table_rows)
        report += part
    return report


def todo_batches(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[list[Todo]]:
    """Article contents not extracted by this extractor version (or for another first page date), `size` at
    a time, with their texts. The caller may write on `con` between batches (not into raw.page_articles:
    the row ids are those of the first query's snapshot)."""
    todo = con.execute(TODO_QUERY, [extractor_version()]).fetchall()
    for start in range(0, len(todo), size):
        batch = todo[start:start + size]
        texts = rows_by_rowid(con, "raw.page_articles", "title, body, coalesce(captions, [])",
                              [text_row for _, _, text_row in batch])  # in the batch's (row-id) order
        yield [(chash, title, body, page_date, captions)
               for (chash, page_date, _), (title, body, captions) in zip(batch, texts, strict=True)]


def forget(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> None:
    """Earlier output for these contents is replaced whole."""
    for table in TABLES:
        con.execute(f"delete from {table} where content_hash in (select unnest(?::varchar[]))", [hashes])  # noqa: S608  constant table names


def extract_articles(
    todo: list[Todo], now: dt.datetime, budget_seconds: float, *, in_pool: bool = True
) -> tuple[TableRows, ExtractReport]:
    """The rows of each article content, by table, and their report: pure, no connection. in_pool=False
    extracts in this process whatever the batch's size (a fanned-out batch is already one of many)."""
    version = extractor_version()
    rows: TableRows = {table: [] for table in TABLES}
    words = sum(len(title.split()) + len(body.split()) for _, title, body, _, _ in todo)
    for (chash, article_mentions, article_figures, issue), (_, _, _, page_date, _) in zip(
        _extract_all(todo, budget_seconds, in_pool=in_pool), todo, strict=True
    ):
        rows["raw.entity_mentions"] += article_mentions
        rows["raw.trade_figures"] += article_figures
        rows["raw.article_extractions"].append(
            {"content_hash": chash, "page_date": page_date, "extractor_version": version, "extracted_at": now,
             "issue": issue}
        )
    report = ExtractReport(len(todo), words, len(rows["raw.entity_mentions"]), len(rows["raw.trade_figures"]))
    return rows, report
