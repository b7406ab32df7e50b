"""Parse and extract stages: pure parsing/extraction functions applied to what is new in the warehouse.

Both stages are incremental. A dump is parsed once per parser version; an article is extracted
once per distinct content (title and body), extractor version and page date, so a new dump
costs only its new articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import duckdb

from steppe.budget import OverBudget, page_budget_seconds, time_budget
from steppe.digests import files_digest
from steppe.landing import insert_rows
from steppe.parsing import PARSER_VERSION, ParsedPage, ParseIssue, parse_page, warm_up


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


PARSE_BATCH = 500  # dumps held in memory at once: bounds memory whatever the backlog


def parse_new_dumps(con: duckdb.DuckDBPyConnection) -> ParseReport:
    """Parse dumps not yet parsed by this parser version into raw.pages and friends."""
    ids = [
        row[0]
        for row in con.execute(
            """
            select d.dump_id from raw.dumps d
            left join raw.pages p on p.dump_id = d.dump_id and p.parser_version = ?
            where p.dump_id is null order by d.dump_id
            """,
            [PARSER_VERSION],
        ).fetchall()
    ]
    # Output of an older parser version is replaced whole.
    for table in ("raw.pages", "raw.fx_quotes", "raw.page_articles", "raw.parse_issues"):
        con.execute(f"delete from {table} where dump_id in (select unnest(?::varchar[]))", [ids])  # noqa: S608  constant table names
    now = dt.datetime.now(dt.UTC)
    totals = [0, 0, 0, 0, 0]
    for start in range(0, len(ids), PARSE_BATCH):
        batch = con.execute(
            "select dump_id, content from raw.dumps where dump_id in (select unnest(?::varchar[])) order by dump_id",
            [ids[start : start + PARSE_BATCH]],
        ).fetchall()
        for i, n in enumerate(_parse_batch(con, batch, now)):
            totals[i] += n
    return ParseReport(*totals)


def _parse_batch(
    con: duckdb.DuckDBPyConnection, batch: list[tuple[str, str]], now: dt.datetime
) -> tuple[int, int, int, int, int]:
    pages: list[dict[str, object]] = []
    quotes: list[dict[str, object]] = []
    articles: list[dict[str, object]] = []
    issues: list[dict[str, object]] = []
    empty = 0
    for dump_id, text in batch:
        page = parse_within_budget(text)
        empty += not page.articles
        pages.append(
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
        quotes += [{"dump_id": dump_id, **asdict(q)} for q in page.quotes]
        issues += [{"dump_id": dump_id, **asdict(i)} for i in page.issues]
        for position, article in enumerate(page.articles, start=1):
            articles.append(
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
            )
    insert_rows(con, "raw.pages", pages)
    insert_rows(con, "raw.fx_quotes", quotes)
    insert_rows(con, "raw.page_articles", articles)
    insert_rows(con, "raw.parse_issues", issues)
    return len(pages), len(articles), len(quotes), len(issues), empty


OVER_TIME_BUDGET = "over_time_budget"


def _over_budget_detail(work: str, over: OverBudget) -> str:
    return f"{work} stopped at the time budget of {over.limit_seconds:g} s (STEPPE_PAGE_BUDGET_SECONDS)"


def parse_within_budget(text: str) -> ParsedPage:
    """parse_page under the page time budget. A page that overruns yields no quotes, date or articles
    and one `over_time_budget` issue; it is recorded like any other page, so the same parser version
    never tries it again."""
    warm_up()
    try:
        with time_budget(page_budget_seconds()):
            return parse_page(text)
    except OverBudget as over:
        issue = ParseIssue(0, OVER_TIME_BUDGET, _over_budget_detail("parsing", over))
        return ParsedPage(page_date=None, listing=None, quotes=(), articles=(), issues=(issue,))


@cache
def extractor_version() -> str:
    """A digest of the extraction code: changing any extractor re-extracts every article once."""
    package = Path(__file__).parent / "extraction"
    code = (p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".json", ".csv", ".txt", ".tsv"})
    return files_digest(package, code)[:16]


@dataclass(frozen=True, slots=True)
class ExtractReport:
    articles: int
    words: int
    entities: int
    figures: int


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


def extract_article(item: Todo) -> Extracted:
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
        with time_budget(page_budget_seconds()) as deadline:
            # What a caption names belongs to its story (spec: title, caption, body); its figures do not.
            entities = extract_entities(title, "\n\n".join([*captions, body]))
            deadline.check()
            trade_figures = extract_trade_figures(title, body, page_date)
            deadline.check()
    except OverBudget as over:
        return chash, [], [], f"{OVER_TIME_BUDGET}: {_over_budget_detail('extraction', over)}"
    mentions = [
        {"content_hash": chash, "position": n, **asdict(m), "aliases": list(m.aliases)}
        for n, m in enumerate(entities, start=1)
    ]
    figures = [
        {"content_hash": chash, "position": n, **asdict(f)} for n, f in enumerate(trade_figures, start=1)
    ]
    return chash, mentions, figures, cut


@cache
def _warm_extractors() -> None:
    """Load the gazetteers and lexicons once, outside any article's time budget (and before forking)."""
    from steppe.extraction.entities import extract_entities
    from steppe.extraction.figures import extract_trade_figures

    extract_entities("Warm-up", "Load the gazetteers once, before forking.")
    extract_trade_figures("Warm-up", "Kazakhstan exported $1 billion of grain to China in 2024.", None)


def _extract_all(todo: list[Todo]) -> Iterator[Extracted]:
    """Results in input order; one worker process per core when the batch is large enough."""
    workers = os.cpu_count() or 1
    if workers < 2 or len(todo) < PARALLEL_MIN_ARTICLES:
        yield from map(extract_article, todo)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _warm_extractors()  # workers inherit the loaded tables
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(extract_article, todo, chunksize=EXTRACT_CHUNK)


def extract_new_articles(con: duckdb.DuckDBPyConnection) -> ExtractReport:
    """Extract entities and trade figures for article contents not yet extracted."""
    version = extractor_version()
    todo: list[Todo] = con.execute(
        """
        with contents as (
            select a.content_hash, min(p.page_date) as page_date
            from raw.page_articles a join raw.pages p using (dump_id)
            group by a.content_hash
        ),
        todo as (
            select c.* from contents c left join raw.article_extractions e using (content_hash)
            where e.content_hash is null
               or e.extractor_version <> ?
               or e.page_date is distinct from c.page_date
        ),
        texts as (  -- text is read only for what is to be extracted: a run costs its new articles
            select content_hash, any_value(title) as title, any_value(body) as body,
                any_value(coalesce(captions, [])) as captions
            from raw.page_articles
            where content_hash in (select content_hash from todo)
            group by content_hash
        )
        select todo.content_hash, texts.title, texts.body, todo.page_date, texts.captions
        from todo join texts using (content_hash)
        order by todo.content_hash
        """,
        [version],
    ).fetchall()
    hashes = [row[0] for row in todo]
    for table in ("raw.article_extractions", "raw.entity_mentions", "raw.trade_figures"):
        con.execute(f"delete from {table} where content_hash in (select unnest(?::varchar[]))", [hashes])  # noqa: S608  constant table names

    now = dt.datetime.now(dt.UTC)
    done: list[dict[str, object]] = []
    mentions: list[dict[str, object]] = []
    figures: list[dict[str, object]] = []
    words = sum(len(title.split()) + len(body.split()) for _, title, body, _, _ in todo)
    for (chash, article_mentions, article_figures, issue), (_, _, _, page_date, _) in zip(
        _extract_all(todo), todo, strict=True
    ):
        mentions += article_mentions
        figures += article_figures
        done.append(
            {"content_hash": chash, "page_date": page_date, "extractor_version": version, "extracted_at": now,
             "issue": issue}
        )
    insert_rows(con, "raw.article_extractions", done)
    insert_rows(con, "raw.entity_mentions", mentions)
    insert_rows(con, "raw.trade_figures", figures)
    return ExtractReport(len(done), words, len(mentions), len(figures))
