"""Realistic synthetic page dumps made from the three real ones in data/raw/.

The seed dumps are parsed with steppe's own parser into their 18 articles, their ticker and their
layout. Distinct articles are varied from the seed articles (variants.py: countries, people,
organisations and numbers swapped, bodies reordered, repeated titles framed).

The dumps are listing pages that slide over the stream of articles, newest first: each dump
shows PAGE_SIZE consecutive articles and the window advances by one article per dump on average
(0, 1 or 2), so each distinct article appears in about six dumps, as on the real site. Page dates
advance (several dumps a day), and the ticker prints the five currencies of the seeds at rates
that drift from day to day (dumps of one day print the same quotes, but now and then one prints an
intraday update, which the warehouse reports as an FX conflict). Layout as in the seeds: the
ticker block repeated, the date line, sometimes "Viewing results 1 - 6 of N", then title / blank /
paragraphs. A dump is ~15 KB like the seeds.

Everything is deterministic for a given seed, and sequential: the first N dumps of a seed are the
same whatever number is generated, so dump N is "one new dump" for a warehouse of the first N.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from steppe_bench.pipeline_calls import PROJECT_ROOT, parse_page
from steppe_bench.variants import Variant, frame_title, reorder, template

SEED_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_SEED = 7
PAGE_SIZE = 6
START_DATE = dt.date(2010, 1, 4)
TICKER_REPEATS = 8  # the seeds print the five quotes eight times over


def seed_dumps(seed_dir: Path = SEED_DIR) -> list[Path]:
    """The real dumps the bench starts from, in name order."""
    return sorted(seed_dir.glob("*.txt"))


# --------------------------------------------------------------------------------------------------
# The seeds


@dataclass(frozen=True, slots=True)
class SeedArticle:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeedPool:
    articles: tuple[SeedArticle, ...]
    quotes: tuple[tuple[str, str, float, int], ...]  # (currency, quote currency, rate, decimals)
    bytes_per_dump: float


def load_seed_pool(seed_dir: Path = SEED_DIR) -> SeedPool:
    """The articles and ticker of the real dumps, read with the project's own parser."""
    articles: list[SeedArticle] = []
    quotes: dict[str, tuple[str, str, float, int]] = {}
    sizes: list[int] = []
    for path in seed_dumps(seed_dir):
        text = path.read_text(encoding="utf-8")
        sizes.append(len(text.encode()))
        page = parse_page(text)
        for article in page.articles:
            articles.append(SeedArticle(article.title, tuple(article.body.split("\n\n"))))
        for q in page.quotes:
            decimals = len(q.rate.split(".")[1]) if "." in q.rate else 0
            quotes.setdefault(q.currency, (q.currency, q.quote_currency, float(q.rate), decimals))
    if not articles or not quotes:
        raise ValueError(f"no seed dumps with articles and a ticker in {seed_dir}")
    return SeedPool(tuple(articles), tuple(quotes.values()), sum(sizes) / len(sizes))


# --------------------------------------------------------------------------------------------------
# Articles


@dataclass(frozen=True, slots=True)
class GeneratedArticle:
    index: int  # position in the stream of articles (publication order)
    seed: int  # which seed article it varies
    title: str
    body: str  # paragraphs joined by blank lines, as the parser joins them

    @property
    def words(self) -> int:
        return len(self.title.split()) + len(self.body.split())


# --------------------------------------------------------------------------------------------------
# Dumps


@dataclass(frozen=True, slots=True)
class GeneratedDump:
    index: int
    name: str  # file name
    text: str
    page_date: dt.date
    article_ids: tuple[int, ...]  # stream indices, in page order (newest first)
    quotes: tuple[tuple[str, str, str, str], ...]  # (currency, quote currency, rate, change) as printed
    listing: tuple[int, int, int] | None


class DumpGenerator:
    """A deterministic stream of dumps: next_dump() returns dump 0, 1, 2, ... of the seed."""

    def __init__(
        self, seed: int = DEFAULT_SEED, *, seed_dir: Path = SEED_DIR, page_size: int = PAGE_SIZE,
        retain: int | None = None,
    ) -> None:
        """retain: keep only the first `retain` articles once no later dump can show them (None: keep
        all), so a stream of 100,000 dumps holds a page's worth of articles, not a decade's."""
        self.seed = seed
        self.page_size = page_size
        self.pool = load_seed_pool(seed_dir)
        self.articles: dict[int, GeneratedArticle] = {}  # made and kept, by index
        self._made = 0
        self._retain = retain
        self._released = 0  # articles below this index that are not retained are gone
        self._titles: set[str] = set()
        self._rng = random.Random(f"steppe-bench:schedule:{seed}")  # noqa: S311  seeded, reproducible test data
        self._next_index = 0
        self._start = 0
        self._date = START_DATE
        self._rates = {cur: rate for cur, _, rate, _ in self.pool.quotes}
        self._day_quotes: tuple[tuple[str, str, str, str], ...] = self._quotes_for_day(first=True)

    # articles ------------------------------------------------------------------------------------
    def article(self, index: int) -> GeneratedArticle:
        while self._made <= index:
            self.articles[self._made] = self._make_article(self._made)
            self._made += 1
        return self.articles[index]  # KeyError: released (retain), no dump shows it again

    def _release_passed(self) -> None:
        """Drop the articles before the current page's first: the listing only moves on."""
        if self._retain is None:
            return
        for i in range(max(self._released, self._retain), min(self._start, self._made)):
            self.articles.pop(i, None)
        self._released = max(self._released, self._start)

    def _seed_of(self, index: int) -> int:
        n = len(self.pool.articles)
        order = list(range(n))
        random.Random(f"steppe-bench:cycle:{self.seed}:{index // n}").shuffle(order)  # noqa: S311  seeded, reproducible test data
        return order[index % n]

    def _make_article(self, index: int) -> GeneratedArticle:
        rng = random.Random(f"steppe-bench:article:{self.seed}:{index}")  # noqa: S311  seeded, reproducible test data
        seed_index = self._seed_of(index)
        seed = self.pool.articles[seed_index]
        variant = Variant(rng)
        title = variant.render(template(seed.title))
        paragraphs = [variant.render(template(p)) for p in seed.paragraphs]
        paragraphs = reorder(paragraphs, rng)
        year = (START_DATE + dt.timedelta(days=index // 2)).year  # about the page year
        candidate = frame_title(title, rng, year) if rng.random() < 0.25 else title
        attempt = 0
        while candidate.casefold() in self._titles:
            attempt += 1
            candidate = frame_title(title, rng, year) if attempt < 60 else f"{title} (Part {attempt})"
        self._titles.add(candidate.casefold())
        return GeneratedArticle(index, seed_index, candidate, "\n\n".join(paragraphs))

    # ticker --------------------------------------------------------------------------------------
    def _quotes_for_day(self, *, first: bool = False) -> tuple[tuple[str, str, str, str], ...]:
        out = []
        for cur, quote_cur, base, decimals in self.pool.quotes:
            old = self._rates[cur]
            new = old if first else old * math.exp(self._rng.gauss(0.0, 0.004))
            new = min(max(new, base / 2), base * 2)  # drift, but stay near the seed's level
            self._rates[cur] = new
            out.append((cur, quote_cur, f"{new:.{decimals}f}", _change(0.0 if first else (new / old - 1) * 100)))
        return tuple(out)

    def _intraday(self, quotes: tuple[tuple[str, str, str, str], ...]) -> tuple[tuple[str, str, str, str], ...]:
        """One currency re-quoted by one unit in the last printed digit: an FX conflict that day."""
        i = self._rng.randrange(len(quotes))
        cur, quote_cur, rate, change = quotes[i]
        decimals = len(rate.split(".")[1]) if "." in rate else 0
        step = 10 ** -decimals
        bumped = float(rate) + step if float(rate) - step <= 0 or self._rng.random() < 0.5 else float(rate) - step
        return (*quotes[:i], (cur, quote_cur, f"{bumped:.{decimals}f}", change), *quotes[i + 1 :])

    # dumps ---------------------------------------------------------------------------------------
    def next_dump(self) -> GeneratedDump:
        index = self._next_index
        self._next_index += 1
        if index:
            step = self._rng.choices((0, 1, 2), (0.15, 0.7, 0.15))[0]
            days = self._rng.choices((0, 1, 2), (0.55, 0.4, 0.05))[0]
            if step == 0 and days == 0:
                days = 1  # the same articles again: only on another day, so every dump differs
            self._start += step
            self._release_passed()
            if days:
                self._date += dt.timedelta(days=days)
                self._day_quotes = self._quotes_for_day()
        quotes = self._day_quotes
        if self._rng.random() < 0.02:
            quotes = self._intraday(quotes)
        ids = tuple(range(self._start + self.page_size - 1, self._start - 1, -1))  # newest first
        listing = None
        if self._rng.random() < 1 / 3:
            listing = (1, self.page_size, self._start + self.page_size + self._rng.randrange(0, 60))
        text = self._render(quotes, self._date, listing, [self.article(i) for i in ids])
        return GeneratedDump(index, f"{index:06d}_{self.seed:04d}.txt", text, self._date, ids, quotes, listing)

    def dumps(self, n: int) -> Iterator[GeneratedDump]:
        """The next n dumps."""
        for _ in range(n):
            yield self.next_dump()

    @staticmethod
    def _render(
        quotes: tuple[tuple[str, str, str, str], ...],
        page_date: dt.date,
        listing: tuple[int, int, int] | None,
        articles: list[GeneratedArticle],
    ) -> str:
        ticker = [f"{cur}/{quote_cur} = {rate} {change}%" for cur, quote_cur, rate, change in quotes]
        lines = [("• " if n == 0 else "  • ") + line for n, line in enumerate(ticker * TICKER_REPEATS)]
        lines += [page_date.strftime("%d %B %Y"), ""]
        if listing:
            lines += [f"Viewing results {listing[0]} - {listing[1]} of {listing[2]}", ""]
        lines.append("\n\n".join(f"{a.title}\n\n{a.body}" for a in articles))
        return "\n".join(lines)


def _change(pct: float) -> str:
    """As the ticker prints it: "0" / "-0" for a small move, else two decimals."""
    return f"{pct:.2f}" if abs(pct) >= 0.5 else ("-0" if pct < 0 else "0")


# --------------------------------------------------------------------------------------------------
# Files


@dataclass(frozen=True, slots=True)
class GenerationReport:
    folder: Path
    dumps: int
    bytes: int
    distinct_articles: int
    appearances: int  # article slots over all dumps
    article_words: int  # words of the distinct articles (title and body)
    seconds: float

    @classmethod
    def of(
        cls,
        folder: Path,
        sizes: Sequence[int],
        dump_articles: Sequence[tuple[int, ...]],
        words: Callable[[int], int],
        seconds: float,
    ) -> GenerationReport:
        """The report of dumps given by their sizes in bytes and article indices (words: of one article)."""
        ids = {i for articles in dump_articles for i in articles}
        slots = sum(len(articles) for articles in dump_articles)
        return cls(folder, len(sizes), sum(sizes), len(ids), slots, sum(words(i) for i in ids), seconds)

    @property
    def mean_appearances(self) -> float:
        return self.appearances / self.distinct_articles if self.distinct_articles else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "dumps": self.dumps,
            "bytes": self.bytes,
            "mb": round(self.bytes / 1e6, 3),
            "kb_per_dump": round(self.bytes / 1e3 / self.dumps, 2) if self.dumps else None,
            "distinct_articles": self.distinct_articles,
            "mean_appearances": round(self.mean_appearances, 3),
            "article_words": self.article_words,
            "seconds": round(self.seconds, 3),
        }


def write_dump(folder: Path, dump: GeneratedDump, *, backdate: float = 3600.0) -> Path:
    """Write one dump; its mtime is set in the past so landing does not wait for it to settle."""
    path = folder / dump.name
    path.write_text(dump.text, encoding="utf-8")
    stamp = time.time() - backdate
    os.utime(path, (stamp, stamp))
    return path


def write_dumps(
    folder: Path,
    n: int,
    *,
    generator: DumpGenerator | None = None,
    seed: int = DEFAULT_SEED,
    on_dump: Callable[[GeneratedDump, Path, int], None] | None = None,
) -> GenerationReport:
    """Write the generator's next n dumps into folder (created if missing).

    on_dump, if given, is called with each dump, its file and its size in bytes.
    """
    started = time.perf_counter()
    gen = generator or DumpGenerator(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sizes: list[int] = []
    dump_articles: list[tuple[int, ...]] = []
    words: dict[int, int] = {}  # of each article, taken while it is still held (the generator may release it)
    for dump in gen.dumps(n):
        path = write_dump(folder, dump)
        sizes.append(len(dump.text.encode()))
        dump_articles.append(dump.article_ids)
        for i in dump.article_ids:
            if i not in words:
                words[i] = gen.article(i).words
        if on_dump is not None:
            on_dump(dump, path, sizes[-1])
    return GenerationReport.of(folder, sizes, dump_articles, words.__getitem__, time.perf_counter() - started)
