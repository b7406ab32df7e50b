"""The hostile page set: written beside the seed dumps at test (or bench) time, never committed.

write_hostile_set(folder, outside) fills a raw folder with what a hostile or broken scraper can leave
there, each shaped like a real page of the site (ticker, date line, headline, body) with the
hostile part inside:

* one ~100 KB page per pattern family, holding that family's worst input: runs of years and digits
  with spaces, capitalised words, "A-A-A-…", quotes, dots, "$1,1,1,…", one endless sentence;
* a page of ~5 MB whose body is a single line, just under STEPPE_MAX_DUMP_BYTES;
* script and event-handler payloads in a title, a body, an entity and file names;
* a symbolic link to a page-shaped file outside the folder that holds a marker;
* file names with control characters (ESC sequences, a newline, a bidi override) and rich markup;
* a file that is not .txt and a subfolder;
* the in-place correction: a page with "$10 million" in a figure sentence (correct_in_place()
  later turns it into "$90 million", same size, old mtime restored).

Self-contained (standard library only, the seeds read from data/raw), so the benchmark can load it
from a source tree as well. Deterministic: the same call writes the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = PROJECT_ROOT / "data" / "raw"

MAX_DUMP_BYTES = 5 * 1024 * 1024  # STEPPE_MAX_DUMP_BYTES' default (steppe.landing.DEFAULT_MAX_DUMP_BYTES)
PATTERN_PAGE_BYTES = 100_000
ONE_LINE_PAGE_BYTES = MAX_DUMP_BYTES - 4_096  # just under the limit: landed, not refused
FIRST_DATE = dt.date(2026, 1, 5)  # after every seed's page date: no FX conflict, no earlier rate for a seed figure
AGE_SECONDS = 120  # files are backdated: landing leaves files younger than its settle time for the next run

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(1)>"
NAME_PAYLOAD = "<img src=x onerror=alert(1)><svg onload=alert(1)>"  # a file name holds no "/"
OUTSIDE_MARKER = "STEPPE-HOSTILE-OUTSIDE-MARKER-7f3a9c"  # in the link target only
CORRECTION_NAME = "correction_wheat_exports.txt"
CORRECTION_BEFORE = "$10 million"
CORRECTION_AFTER = "$90 million"
CORRECTION_TITLE = "Kazakhstan Ships More Wheat to Afghanistan"
LINK_NAME = "linked_page.txt"
NOT_A_DUMP = "editor_notes.md"
SUBFOLDER = "archive"
# Names shown in a terminal: each becomes a refused page (cut off inside its ticker), so the run's
# summary lists it with its reason.
CONTROL_NAMES = (
    "esc_\x1b[2J\x1b[31mcleared.txt",  # clear screen, then red
    "newline_\nforged: 0 refused.txt",  # a second, forged log line
    "bidi_\u202etxt.exe.txt",  # right-to-left override: shows as "...exe.txt" backwards
    "[conceal]x.txt",  # rich markup: hides what follows
    "[link=https:example.com]y.txt",  # rich markup: a terminal hyperlink
)


@dataclass(slots=True)
class HostileSet:
    """What write_hostile_set wrote, and what landing must do with each entry."""

    folder: Path
    landed: dict[str, str] = field(default_factory=dict)  # file name -> what it exercises
    refused: dict[str, str] = field(default_factory=dict)  # file name -> words of the reason it is refused with
    ignored: dict[str, str] = field(default_factory=dict)  # entry name -> words of the reason it is ignored
    link_target: Path | None = None

    @property
    def names(self) -> set[str]:
        return set(self.landed) | set(self.refused) | set(self.ignored)

    @property
    def correction(self) -> Path:
        return self.folder / CORRECTION_NAME


# --- page shape -------------------------------------------------------------------------------------


def seed_ticker() -> str:
    """The first seed's ticker block (five currencies, eight times over), as the site prints it."""
    seed = sorted(SEED_DIR.glob("*.txt"))[0].read_text(encoding="utf-8")
    lines = seed.splitlines()
    return "\n".join(lines[: next(i for i, line in enumerate(lines) if "/USD" not in line)])


def page(day: int, title: str, *paragraphs: str) -> str:
    """A page of the site: ticker, date line, headline, paragraphs separated by blank lines."""
    date = FIRST_DATE + dt.timedelta(days=day)
    body = "\n\n".join(paragraphs)
    return f"{seed_ticker()}\n{date:%d %B %Y}\n\n{title}\n\n{body}\n"


def repeat_to(unit: str, size: int, tail: str = "") -> str:
    """unit repeated until the text holds about size bytes, then tail."""
    count = max(1, (size - len(tail.encode())) // max(1, len(unit.encode())))
    return unit * count + tail


# --- the pattern families' worst inputs ---------------------------------------------------------------

LEAD = "Officials in Astana published the figures on Monday."
CLOSE = "The ministry said it would publish updated figures next month."


def pattern_pages(size: int = PATTERN_PAGE_BYTES) -> dict[str, tuple[str, str]]:
    """file name -> (what it exercises, page text): each family's worst input inside a real page shape."""
    half = size // 2
    families = {
        "years_and_digits": (
            "runs of years and digits with spaces before a trade word",
            "Kazakhstan Grain Exports by Year",
            "Kazakhstan's grain exports in " + repeat_to("2017 2018 2019 2020 ", half, "exports")
            + " and " + repeat_to("1 ", half, "tonnes"),
        ),
        "capitalised_words": (
            "a run of capitalised words with no punctuation (names, places, organisations)",
            "Central Asian Leaders Meet in Astana",
            "The delegation included " + repeat_to(
                "Kazakhstan Uzbekistan Kyrgyzstan Tajikistan Turkmenistan Astana Tashkent Bishkek Dushanbe "
                "Asian Development Bank Ministry Of Trade Aidarbek Saparov Kassym Jomart Tokayev Aaa Bbb ", size),
        ),
        "hyphenated_run": (
            'one hyphenated word "A-A-A-…" of 100 KB',
            "Kazakhstan Launches a New Rail Corridor",
            "The so-called " + repeat_to("A-", size, "A corridor") + " links Kazakhstan to Turkey.",
        ),
        "quotes": (
            "runs of opening quotes, never closed, and of straight quotes",
            "Uzbekistan Minister Says Reforms Will Continue",
            "The minister said " + repeat_to("“Uzbekistan ", half) + repeat_to('"', half) + " he said.",
        ),
        "dots": (
            "runs of initials and dots",
            "Kyrgyzstan Signs Deal with U.S. Firms",
            "Delegates from " + repeat_to("A. ", half, "U.S.") + repeat_to(".", half) + " signed the deal.",
        ),
        "money_commas": (
            'a "$1,1,1,…" amount that never ends',
            "Tajikistan Budget Revenue Grows",
            "Tajikistan exported goods worth " + repeat_to("$1,", half, "1 million")
            + " and " + repeat_to("1,000,", half, "000 tonnes") + " to China in 2024.",
        ),
        "endless_sentence": (
            "one sentence of 100 KB without a full stop, dense with trade figures",
            "Turkmenistan Gas Exports to China Rise",
            repeat_to("Turkmenistan exported 2.1 billion cubic meters of gas worth $300 million to China in 2023 "
                      "while Kazakhstan's exports of wheat to Afghanistan rose by 14% to 1.4 million tons and ",
                      size, "trade keeps growing"),
        ),
    }
    return {
        f"pattern_{key}.txt": (what, page(day, title, LEAD, hostile, CLOSE))
        for day, (key, (what, title, hostile)) in enumerate(families.items())
    }


def one_line_page(size: int = ONE_LINE_PAGE_BYTES) -> str:
    """A page whose body is one line of realistic, figure-rich sentences, the whole file about size bytes."""
    rng = random.Random(5)  # noqa: S311  deterministic filler, not a secret
    countries = ("Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "China", "Russia", "Turkey")
    goods = ("wheat", "cotton", "gas", "oil", "copper", "uranium", "flour", "fruit")
    title = "Central Asia Trade Review: Every Figure of the Year"
    room = size - len(page(20, title, "").encode())
    parts: list[str] = []
    used = 0
    while used < room - 200:
        a, b = rng.sample(countries, 2)
        sentence = (f"In {rng.randint(2000, 2025)} {a} exported {rng.randint(1, 999)} thousand tons of "
                    f"{rng.choice(goods)} worth ${rng.randint(1, 999)} million to {b}, up {rng.randint(1, 99)}%. ")
        parts.append(sentence)
        used += len(sentence.encode())
    return page(20, title, "".join(parts).rstrip())


# --- writing the set -----------------------------------------------------------------------------------


def backdate(path: Path, seconds: float = AGE_SECONDS) -> None:
    """An old mtime: landing reads only files that have settled."""
    stamp = path.lstat().st_mtime - seconds
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    backdate(path)
    return path


def cut_in_ticker() -> str:
    """A page whose download stopped inside its ticker: refused, and listed with its reason."""
    lines = seed_ticker().splitlines()
    return "\n".join(lines[:7]) + "\n  • TJS/USD = 0.1"


def correction_page(amount: str = CORRECTION_BEFORE) -> str:
    return page(
        30, CORRECTION_TITLE,
        f"In 2025 Kazakhstan exported wheat worth {amount} to Afghanistan, the Ministry of Agriculture said.",
        "Shipments went by rail through Uzbekistan, and the ministry expects them to grow next year.",
    )


def write_hostile_set(folder: Path, outside: Path) -> HostileSet:
    """Write the hostile set into folder (made if need be); outside: a folder beside it for the link's target.

    Every file is backdated so that landing reads it at once.
    """
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    hostile = HostileSet(folder)
    for name, (what, text) in pattern_pages().items():
        _write(folder, name, text)
        hostile.landed[name] = what
    _write(folder, "one_line_5mb.txt", one_line_page())
    hostile.landed["one_line_5mb.txt"] = "a ~5 MB page whose body is one line, just under the size limit"
    _write_payloads(folder, hostile)
    _write_link(folder, outside, hostile)
    for name in CONTROL_NAMES:
        _write(folder, name, cut_in_ticker())
        hostile.refused[name] = "cut off inside the FX ticker"
    _write(folder, "landed_\x1b]0;pwned\x07title.txt", page(40, "Kyrgyzstan Opens New Border Post", LEAD, CLOSE))
    hostile.landed["landed_\x1b]0;pwned\x07title.txt"] = "a landed page whose name sets the terminal title"
    _write(folder, NOT_A_DUMP, "# notes\n" + correction_page())
    hostile.ignored[NOT_A_DUMP] = "not .txt"
    (folder / SUBFOLDER).mkdir(exist_ok=True)
    _write(folder / SUBFOLDER, "old_page.txt", page(50, "Archived Page From an Old Crawl", LEAD, CLOSE))
    hostile.ignored[SUBFOLDER] = "a subfolder"
    _write(folder, CORRECTION_NAME, correction_page())
    hostile.landed[CORRECTION_NAME] = "the in-place correction (before)"
    return hostile


def _write_payloads(folder: Path, hostile: HostileSet) -> None:
    title = f"Kazakhstan Trade Talks {PAYLOAD} Resume"
    body = (f"The {PAYLOAD} Trading Company signed a contract with Kazakhstan worth $5 million, "
            f"officials said. {PAYLOAD}")
    # glued to the names: the extractor keeps the words (tests/hostile/test_html_escaping.py tampers a whole
    # payload into an entity name)
    entity = (f"Talks were chaired by Aidar Nurlanov{PAYLOAD}, head of KazMunayGas{PAYLOAD}, and by "
              f"the {PAYLOAD} Development Bank.")
    _write(folder, f"payload_{NAME_PAYLOAD}.txt", page(60, title, LEAD, body, entity, CLOSE))
    hostile.landed[f"payload_{NAME_PAYLOAD}.txt"] = "payloads in the title, body, an entity and the file name"
    # the page's markup saved instead of its text: refused, and listed by name
    _write(folder, f"refused_{NAME_PAYLOAD}.txt", f"<html><head><title>{PAYLOAD}</title></head></html>\n")
    hostile.refused[f"refused_{NAME_PAYLOAD}.txt"] = "an HTML document"
    _write(folder, f"ignored_{NAME_PAYLOAD}.html", f"<html><body>{PAYLOAD}</body></html>\n")
    hostile.ignored[f"ignored_{NAME_PAYLOAD}.html"] = "not .txt"


def _write_link(folder: Path, outside: Path, hostile: HostileSet) -> None:
    target = _write(outside, "private_page.txt", page(70, "Internal Memo", f"{OUTSIDE_MARKER} {LEAD}", CLOSE))
    link = folder / LINK_NAME
    link.symlink_to(target)
    backdate(link)
    hostile.refused[LINK_NAME] = "outside the raw folder"
    hostile.link_target = target


def correct_in_place(path: Path) -> None:
    """Edit the correction page in place: "$10 million" becomes "$90 million", same size, mtime restored.

    Only the change time (ctime), which no user can set, tells the file changed.
    """
    before = path.stat()
    data = path.read_bytes()
    old, new = CORRECTION_BEFORE.encode(), CORRECTION_AFTER.encode()
    assert data.count(old) == 1 and len(old) == len(new)
    with open(path, "r+b") as handle:  # in place: same inode, no new file
        handle.seek(data.index(old))
        handle.write(new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
