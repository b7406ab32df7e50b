#!/usr/bin/env python3
"""Everything the two extractors say about every article of every page, as one JSON file.

Proof that a refactor of steppe.extraction changed no behaviour: take a snapshot on the code before,
another after, and compare the two files byte for byte.

Each page of data/corpus/pages and data/raw is parsed as the parse stage does (steppe.parsing), and
each article is extracted with the arguments the extract stage gives (steppe.stages.extract_article:
captions before the body for entities, the body alone and the page date for figures, a body cut at
MAX_EXTRACTED_CHARS), but without the time budget, so that a busy machine cannot change the output.
The hostile pattern pages (tests/hostile/pages.py, when the tests are there) are added as a page
each: they reach the rules' worst cases.

    .venv/bin/python tools/extraction_snapshot.py --out /tmp/before.json
    .venv/bin/python tools/extraction_snapshot.py --compare /tmp/before.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("steppe") is None:  # not installed: run from the source tree
    sys.path.insert(0, str(ROOT / "src"))

from steppe.extraction.entities import extract_entities  # noqa: E402
from steppe.extraction.figures import extract_trade_figures  # noqa: E402
from steppe.parsing import parse_page  # noqa: E402
from steppe.stages.extract import MAX_EXTRACTED_CHARS  # noqa: E402

PAGE_DIRS = (ROOT / "data" / "corpus" / "pages", ROOT / "data" / "raw")


def _pages() -> Iterator[tuple[str, str]]:
    """(name, page text) of every stored page, then of every hostile pattern page."""
    for folder in PAGE_DIRS:
        for path in sorted(folder.glob("*.txt")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8", errors="replace")
    if (ROOT / "tests" / "hostile" / "pages.py").exists():
        sys.path.insert(0, str(ROOT))
        module = importlib.import_module("tests.hostile.pages")
        for name, (_, text) in sorted(module.pattern_pages().items()):
            yield f"hostile:{name}", text


def _cut(body: str) -> str:
    """The body as the extract stage reads it (steppe.stages.extract_article)."""
    if len(body) <= MAX_EXTRACTED_CHARS:
        return body
    return body[: body.rfind(" ", 0, MAX_EXTRACTED_CHARS) + 1 or MAX_EXTRACTED_CHARS]


def _article(title: str, body: str, captions: tuple[str, ...], page_date: dt.date | None) -> dict[str, Any]:
    body = _cut(body)
    entities = extract_entities(title, "\n\n".join([*captions, body]))
    figures = extract_trade_figures(title, body, page_date)
    return {
        "title": title,
        "entities": [asdict(e) for e in entities],
        "figures": [asdict(f) for f in figures],
    }


def snapshot() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, text in _pages():
        page = parse_page(text)
        out[name] = [_article(a.title, a.body, tuple(a.captions), page.page_date) for a in page.articles]
    return out


def render(snap: dict[str, Any]) -> str:
    return json.dumps(snap, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _counts(snap: dict[str, Any]) -> str:
    articles = [a for page in snap.values() for a in page]
    entities = sum(len(a["entities"]) for a in articles)
    figures = sum(len(a["figures"]) for a in articles)
    return f"pages={len(snap)} articles={len(articles)} entities={entities} figures={figures}"


def _first_difference(before: str, after: str) -> str:
    for n, (a, b) in enumerate(zip(before.splitlines(), after.splitlines(), strict=False), start=1):
        if a != b:
            return f"line {n}:\n- {a}\n+ {b}"
    return "one file is a prefix of the other"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=Path, help="write the snapshot here")
    group.add_argument("--compare", type=Path, help="compare with this snapshot; exit 1 when they differ")
    args = ap.parse_args()
    snap = snapshot()
    text = render(snap)
    print(_counts(snap))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        return 0
    before = args.compare.read_text(encoding="utf-8")
    if before == text:
        print(f"identical to {args.compare} ({len(text.encode()):,} bytes)")
        return 0
    print(f"DIFFERENT from {args.compare}: {_first_difference(before, text)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
