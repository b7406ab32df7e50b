"""The labelled articles, cut out of their pages with the labels' own titles.

The extractor dev loops (tools/score_entities.py, tools/score_figures.py) score the extractors
alone, apart from the parser: each labelled article's body is the page's non-blank lines from its
title to the next labelled title, joined by blank lines, as the parser would join them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "gold"
PAGES = (ROOT / "data" / "corpus" / "pages", ROOT / "data" / "raw")
SOURCES = ("seeds", "corpus", "steppe")


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    source: str  # seeds, corpus (the labels we were given) or steppe (ours)
    page: str  # file name of the page
    gold: dict[str, Any]  # the label (data/gold/<source>/<page>.json, one of its articles)
    title: str
    body: str
    page_date: dt.date | None


def _squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _page_text(name: str) -> str:
    for folder in PAGES:
        if (folder / name).exists():
            return (folder / name).read_text(encoding="utf-8")
    raise FileNotFoundError(f"labelled page {name} is in neither {PAGES[0]} nor {PAGES[1]}")


def half_of(page: str) -> str:
    """A fixed split of the labelled pages (the same as `make eval`): tune rules on one half, check the other."""
    return "tune" if hashlib.sha256(page.encode()).digest()[0] % 2 == 0 else "holdout"


def labelled_articles(sources: tuple[str, ...] = ("seeds", "corpus"), half: str | None = None) -> list[LabelledArticle]:
    """The labelled articles of these sources; with half ("tune" or "holdout") only that half's pages."""
    out: list[LabelledArticle] = []
    for source in sources:
        for path in sorted((GOLD / source).glob("*.json")):
            label = json.loads(path.read_text(encoding="utf-8"))
            if half is not None and half_of(label["file"]) != half:
                continue
            lines = _page_text(label["file"]).splitlines()
            starts: list[int] = []
            for article in label["articles"]:
                want = _squash(article["title"])
                begin = starts[-1] + 1 if starts else 0
                starts.append(next(i for i in range(begin, len(lines)) if _squash(lines[i]) == want))
            date = dt.date.fromisoformat(label["dump_date"]) if label.get("dump_date") else None
            for k, article in enumerate(label["articles"]):
                end = starts[k + 1] if k + 1 < len(starts) else len(lines)
                body = [ln for ln in lines[starts[k] + 1 : end] if ln.replace("\u00a0", " ").strip()]
                out.append(LabelledArticle(source, label["file"], article, lines[starts[k]].strip(),
                                           "\n\n".join(body), date))
    return out
