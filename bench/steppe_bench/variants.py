"""How one distinct article is made from a seed article (generator.DumpGenerator uses it):

* the five Central Asian countries swapped consistently (name, adjective, people, capital and
  other cities, president, parliament), so a Kazakh story becomes an Uzbek one that still reads right;
* the seed's ordinary people renamed (gender kept, surname-only mentions follow the full name),
  and a few organisations;
* every number shifted except years and days of a month (percentages, money, tonnes);
* the body reordered: two middle paragraphs swapped, one middle paragraph dropped, or the sentences
  of one paragraph rotated;
* and, when the title would repeat an earlier one, the title framed ("..., Officials Say", "Analysis: ...").
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import cache


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
class Variant:
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
def template(text: str) -> tuple[tuple[str, str, str | None], ...]:
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


def reorder(paragraphs: list[str], rng: random.Random) -> list[str]:
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


def frame_title(title: str, rng: random.Random, year: int) -> str:
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
