"""Realistic synthetic page dumps made from the three real ones in data/raw/.

The seed dumps are parsed with steppe.parsing.parse_page into their 18 articles, their ticker and
their layout. Distinct articles are made from the seed articles by

* swapping the five Central Asian countries consistently (name, adjective, people, capital and
  other cities, president, parliament), so a Kazakh story becomes an Uzbek one that still reads right;
* renaming the seed's ordinary people (gender kept, surname-only mentions follow the full name)
  and a few organisations;
* shifting every number except years and days of a month (percentages, money, tonnes);
* reordering the body: two middle paragraphs swapped, one middle paragraph dropped, or the sentences
  of one paragraph rotated;
* and, when the title would repeat an earlier one, framing it ("..., Officials Say", "Analysis: ...").

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
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from steppe.config import PROJECT_ROOT
from steppe.parsing import parse_page

SEED_DIR = PROJECT_ROOT / "data" / "raw"
DEFAULT_SEED = 7
PAGE_SIZE = 6
START_DATE = dt.date(2010, 1, 4)
TICKER_REPEATS = 8  # the seeds print the five quotes eight times over

# --------------------------------------------------------------------------------------------------
# What gets substituted


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    adj: str  # Kazakh
    people: str  # Kazakhs
    national: str  # Kazakhstani
    nationals: str  # Kazakhstanis
    capital: str
    cities: tuple[str, ...]  # other cities
    leader: str
    leader_surname: str
    parliament: str


CENTRAL_ASIA: dict[str, Country] = {
    c.code: c
    for c in (
        Country("KZ", "Kazakhstan", "Kazakh", "Kazakhs", "Kazakhstani", "Kazakhstanis", "Astana",
                ("Almaty", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Aktau", "Kostanay", "Atyrau", "Semey",
                 "Taraz", "Oskemen", "Kyzylorda", "Turkestan"),
                "Kassym-Jomart Tokayev", "Tokayev", "Mazhilis"),
        Country("KG", "Kyrgyzstan", "Kyrgyz", "Kyrgyz", "Kyrgyzstani", "Kyrgyzstanis", "Bishkek",
                ("Osh", "Jalal-Abad", "Karakol", "Naryn", "Talas", "Tokmok", "Batken", "Balykchy"),
                "Sadyr Japarov", "Japarov", "Jogorku Kenesh"),
        Country("TJ", "Tajikistan", "Tajik", "Tajiks", "Tajikistani", "Tajikistanis", "Dushanbe",
                ("Khujand", "Kulob", "Bokhtar", "Istaravshan", "Khorog", "Panjakent", "Isfara"),
                "Emomali Rahmon", "Rahmon", "Majlisi Oli"),
        Country("UZ", "Uzbekistan", "Uzbek", "Uzbeks", "Uzbekistani", "Uzbekistanis", "Tashkent",
                ("Samarkand", "Bukhara", "Namangan", "Andijan", "Fergana", "Nukus", "Karshi", "Termez", "Navoi"),
                "Shavkat Mirziyoyev", "Mirziyoyev", "Oliy Majlis"),
        Country("TM", "Turkmenistan", "Turkmen", "Turkmens", "Turkmenistani", "Turkmenistanis", "Ashgabat",
                ("Turkmenabat", "Mary", "Dashoguz", "Balkanabat", "Turkmenbashi", "Tejen"),
                "Serdar Berdimuhamedov", "Berdimuhamedov", "Mejlis"),
    )
}
CA_CODES = tuple(CENTRAL_ASIA)

# Ordinary people named in the seed articles: (full name, surname written alone or None, gender).
# Heads of state stay as they are (they follow the country); a surname shared with an organisation
# ("Zollmann Stutenmilch GmbH") is left out.
SEED_PERSONS: tuple[tuple[str, str | None, str], ...] = (
    ("Aidarbek Saparov", "Saparov", "m"),
    ("Serik Zhumangarin", "Zhumangarin", "m"),
    ("Samat Abish", "Abish", "m"),
    ("Ömer Bolat", "Bolat", "m"),
    ("Manizha Sanghin", "Sanghin", "f"),
    ("Sadokat Nurimbetova", "Nurimbetova", "f"),
    ("Hamida Babajanova", "Babajanova", "f"),
    ("Yermek Sagimbayev", "Sagimbayev", "m"),
    ("Meiram Akhmetzhanov", "Akhmetzhanov", "m"),
    ("Zhanibek Taskulov", "Taskulov", "m"),
    ("Sabit Ashiraliyev", "Ashiraliyev", "m"),
    ("Bruce Pannier", "Pannier", "m"),
    ("Luca Anceschi", "Anceschi", "m"),
    ("Erica Marat", None, "f"),
    ("Asel Doolotkeldieva", "Doolotkeldieva", "f"),
    ("Roman Vassilenko", "Vassilenko", "m"),
    ("Yerzhan Yerkinbayev", "Yerkinbayev", "m"),
    ("Almasadam Satkaliyev", "Satkaliyev", "m"),
    ("Marina Vasilevskaya", "Vasilevskaya", "f"),
    ("Konstantin Avershin", "Avershin", "m"),
    ("Vladimir Kolokoltsev", "Kolokoltsev", "m"),
    ("Yermurat Bapi", "Bapi", "m"),
)
MALE_FIRST = tuple(
    """Aibek Azamat Bakhtiyor Daniyar Dilshod Erlan Farrukh Ilyas Kanat Marat Nurlan Rustam Sanjar Timur
    Ulugbek Yerlan Zafar Askar Murat Sardor Bekzod Jasur Almaz Talgat Ruslan Akylbek Nurbek Bakyt Dauren
    Otabek""".split()
)
FEMALE_FIRST = tuple(
    """Aigerim Aizhan Dilnoza Gulnara Kamila Madina Nigora Saule Zarina Aliya Dinara Feruza Malika Nodira
    Shakhnoza Gulnoza Aizada Asel Zhanna Nazira""".split()
)
SURNAMES = tuple(
    """Akhmetov Bekov Zhaksybekov Ermekov Ibraimov Isakov Jumabaev Kadyrov Karimov Kasymov Mamytov Nazarov
    Omarov Rakhimov Rasulov Sadykov Saidov Sultanov Tashiev Temirov Usmanov Yusupov Zhakupov Abdullaev
    Alimov Baimukhanov Dosmukhamedov Ergashev Khodjaev Kurbanov Mirzaev Nurmatov Orazov Rahmonov Safarov
    Sharipov Tursunov Umarov Valiev Yuldashev""".split()
)
# Organisations of the seeds swapped for others of their kind.
ORG_POOLS: dict[str, tuple[str, ...]] = {
    "Cardiff University": (
        "Cardiff University", "University of Leeds", "Coventry University", "Heriot-Watt University",
        "Lancaster University", "University of Birmingham", "De Montfort University", "Webster University",
        "Inha University", "University of Arizona", "Newcastle University", "Ajou University",
    ),
    "University of Glasgow": (
        "University of Glasgow", "University of Exeter", "University of Sheffield", "University of Bath",
        "University of Warwick", "University of Nottingham",
    ),
    "Gazprom": ("Gazprom", "Rosneft", "Zarubezhneft", "Novatek"),
    "LUKoil": ("LUKoil", "Tatneft", "Gazprom Neft", "CNPC"),
}
TOPICS = ("Regional", "Economic", "Security", "Energy", "Water", "Border", "Climate", "Budget", "Trade", "Migration")
TITLE_SUFFIXES = (
    " as {city} Hosts Talks",
    ", Officials Say",
    ", Report Says",
    " Amid {topic} Concerns",
    " Ahead of {city} Summit",
    " After Talks in {city}",
    ", Analysts Say",
    " as {topic} Pressures Mount",
    " in {year}",
)
TITLE_PREFIXES = ("{city}: ", "Update: ", "Analysis: ", "{country} Watch: ")

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# Days of a month are kept (they must stay valid dates); other numbers are shifted.
_NUMBER_RE = re.compile(
    rf"(?P<date>\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b)"
    r"|(?<![\w.,/:\-])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?![\w/:]|[.,]\d|-\d)"
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


# What each substitutable key of the seeds is: ("country", code, field), ("city", code, upper?),
# ("person", index, "full" | "surname"), ("org", name, ""), ("kyrgyz_republic", "", "").
_KeyInfo = tuple[str, str, str]


def _key_table() -> dict[str, _KeyInfo]:
    table: dict[str, _KeyInfo] = {"Kyrgyz Republic": ("kyrgyz_republic", "", "")}
    for c in CENTRAL_ASIA.values():
        for fieldname in ("name", "adj", "people", "national", "nationals", "capital", "leader",
                          "leader_surname", "parliament"):
            table.setdefault(getattr(c, fieldname), ("country", c.code, fieldname))  # Kyrgyz: adj first
        table[c.capital.upper()] = ("country", c.code, "CAPITAL")
        for city in c.cities:
            table[city] = ("city", c.code, city)
            table[city.upper()] = ("city", c.code, city.upper())
    for n, (full, surname, _) in enumerate(SEED_PERSONS):
        table[full] = ("person", str(n), "full")
        if surname:
            table[surname] = ("person", str(n), "surname")
    for org in ORG_POOLS:
        table[org] = ("org", org, "")
    return table


KEYS = _key_table()
_KEYS_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(k) for k in sorted(KEYS, key=len, reverse=True)) + r")(?!\w)"
)
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
    for path in sorted(seed_dir.glob("*.txt")):
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


class _Variant:
    """What the seed's names and numbers become in one distinct article; drawn lazily, in the
    order the article's text needs them, from the article's own random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        codes = list(CA_CODES)
        if rng.random() < 0.6:
            rng.shuffle(codes)
        self.perm = dict(zip(CA_CODES, codes, strict=True))
        self.factor = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))
        self._names: dict[str, str] = {}
        self._persons: dict[int, tuple[str, str]] = {}

    def name(self, key: str) -> str:
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = self._draw(key)
        return found

    def _draw(self, key: str) -> str:
        kind, a, b = KEYS[key]
        if kind == "country":
            new = CENTRAL_ASIA[self.perm[a]]
            return new.capital.upper() if b == "CAPITAL" else str(getattr(new, b))
        if kind == "city":
            city = self.rng.choice(CENTRAL_ASIA[self.perm[a]].cities)
            return city.upper() if b.isupper() else city
        if kind == "person":
            full, surname = self._person(int(a))
            return full if b == "full" else surname
        if kind == "org":
            return self.rng.choice(ORG_POOLS[a])
        kg = CENTRAL_ASIA[self.perm["KG"]]
        return "Kyrgyz Republic" if kg.code == "KG" else f"Republic of {kg.name}"

    def _person(self, n: int) -> tuple[str, str]:
        if n not in self._persons:
            surname = self.rng.choice(SURNAMES)
            if SEED_PERSONS[n][2] == "f":
                self._persons[n] = (f"{self.rng.choice(FEMALE_FIRST)} {surname}a", surname + "a")
            else:
                self._persons[n] = (f"{self.rng.choice(MALE_FIRST)} {surname}", surname)
        return self._persons[n]

    def number(self, whole: str, frac: str | None) -> str:
        value = float(whole.replace(",", "") + (f".{frac}" if frac else ""))
        if not frac and "," not in whole and 1800 <= value <= 2100:
            return whole  # a year
        new = value * self.factor * self.rng.uniform(0.9, 1.1)
        if frac:
            return f"{max(new, 10 ** -len(frac)):.{len(frac)}f}"
        number = max(1, round(new))
        return f"{number:,}" if "," in whole else str(number)

    def render(self, template: tuple[tuple[str, str, str | None], ...]) -> str:
        out = []
        for kind, text, frac in template:
            out.append(text if kind == "t" else self.name(text) if kind == "k" else self.number(text, frac))
        return "".join(out)


@cache
def _template(text: str) -> tuple[tuple[str, str, str | None], ...]:
    """The text cut into literal pieces ("t"), substitutable names ("k") and numbers ("n")."""
    spans: list[tuple[int, int, str, str, str | None]] = [
        (m.start(), m.end(), "k", m.group(), None) for m in _KEYS_RE.finditer(text)
    ]
    spans += [
        (m.start(), m.end(), "n", m.group("int"), m.group("frac"))
        for m in _NUMBER_RE.finditer(text)
        if m.group("int")
    ]
    spans.sort()
    pieces: list[tuple[str, str, str | None]] = []
    at = 0
    for start, end, kind, value, frac in spans:
        if start < at:
            continue  # names hold no digits: never happens, but never overlap either
        if start > at:
            pieces.append(("t", text[at:start], None))
        pieces.append((kind, value, frac))
        at = end
    if at < len(text):
        pieces.append(("t", text[at:], None))
    return tuple(pieces)


def _rotate_sentences(paragraph: str) -> str:
    sentences = _SENTENCE_SPLIT_RE.split(paragraph)
    if len(sentences) < 3:
        return paragraph
    return " ".join([sentences[0], *sentences[2:], sentences[1]])


def _reorder(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Swap, drop or rotate inside the body; the first paragraph (dateline) and the last (it may
    break off) stay where they are, and a one-paragraph body (flattened subheadings) is kept."""
    n = len(paragraphs)
    if n >= 4 and rng.random() < 0.35:
        i = rng.randrange(1, n - 2)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    if n >= 5 and rng.random() < 0.3:
        del paragraphs[rng.randrange(1, n - 1)]
    if len(paragraphs) >= 3 and rng.random() < 0.5:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i] = _rotate_sentences(paragraphs[i])
    return paragraphs


def _frame_title(title: str, rng: random.Random, year: int) -> str:
    country = CENTRAL_ASIA[rng.choice(CA_CODES)]
    slots = {
        "city": rng.choice((country.capital, *country.cities)),
        "topic": rng.choice(TOPICS),
        "country": country.name,
        "year": str(year),
    }
    if rng.random() < 0.7:
        return title.rstrip() + rng.choice(TITLE_SUFFIXES).format(**slots)
    return rng.choice(TITLE_PREFIXES).format(**slots) + title


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

    def __init__(self, seed: int = DEFAULT_SEED, *, seed_dir: Path = SEED_DIR, page_size: int = PAGE_SIZE) -> None:
        self.seed = seed
        self.page_size = page_size
        self.pool = load_seed_pool(seed_dir)
        self.articles: list[GeneratedArticle] = []
        self._titles: set[str] = set()
        self._rng = random.Random(f"steppe-bench:schedule:{seed}")  # noqa: S311  seeded, reproducible test data
        self._next_index = 0
        self._start = 0
        self._date = START_DATE
        self._rates = {cur: rate for cur, _, rate, _ in self.pool.quotes}
        self._day_quotes: tuple[tuple[str, str, str, str], ...] = self._quotes_for_day(first=True)

    # articles ------------------------------------------------------------------------------------
    def article(self, index: int) -> GeneratedArticle:
        while len(self.articles) <= index:
            self.articles.append(self._make_article(len(self.articles)))
        return self.articles[index]

    def _seed_of(self, index: int) -> int:
        n = len(self.pool.articles)
        order = list(range(n))
        random.Random(f"steppe-bench:cycle:{self.seed}:{index // n}").shuffle(order)  # noqa: S311  seeded, reproducible test data
        return order[index % n]

    def _make_article(self, index: int) -> GeneratedArticle:
        rng = random.Random(f"steppe-bench:article:{self.seed}:{index}")  # noqa: S311  seeded, reproducible test data
        seed_index = self._seed_of(index)
        seed = self.pool.articles[seed_index]
        variant = _Variant(rng)
        title = variant.render(_template(seed.title))
        paragraphs = [variant.render(_template(p)) for p in seed.paragraphs]
        paragraphs = _reorder(paragraphs, rng)
        year = (START_DATE + dt.timedelta(days=index // 2)).year  # about the page year
        candidate = _frame_title(title, rng, year) if rng.random() < 0.25 else title
        attempt = 0
        while candidate.casefold() in self._titles:
            attempt += 1
            candidate = _frame_title(title, rng, year) if attempt < 60 else f"{title} (Part {attempt})"
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
    for dump in gen.dumps(n):
        path = write_dump(folder, dump)
        sizes.append(len(dump.text.encode()))
        dump_articles.append(dump.article_ids)
        if on_dump is not None:
            on_dump(dump, path, sizes[-1])
    return GenerationReport.of(
        folder, sizes, dump_articles, lambda i: gen.article(i).words, time.perf_counter() - started
    )
