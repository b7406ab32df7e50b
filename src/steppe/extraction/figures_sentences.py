"""Sentence splitting for figure extraction (spec 7: "Dr.", "U.S." never end a sentence).

Returns character spans so that sentences stay exact slices of the paragraph (NBSPs kept).
"""

from __future__ import annotations

import re

# Abbreviations whose full stop does not end a sentence, even before a capital letter.
_ABBREV = {
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "gov",
    "sen", "rep", "rev", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "ave", "mt",
    "fig", "vol", "art", "e.g", "i.e", "u.s", "u.k", "u.n", "u.s.a", "e.u", "p.m", "a.m",
}

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"“‘(\[]?[A-Z0-9\u00c0-\u024f]")


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of one paragraph, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        end = m.end()
        if not _NEXT_START.match(paragraph, end):
            continue
        punct = m.group(0)
        if punct.startswith(".") and len(punct.rstrip("\"”’)]")) == 1:
            # word before the full stop, dots included ("U.S", "Dr", "J")
            wm = re.search(r"([\w.]+)$", paragraph[start : m.start()])
            word = wm.group(1).lower() if wm else ""
            if word in _ABBREV or re.fullmatch(r"[a-z]", word) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
                continue
        spans.append((start, end))
        start = end
    spans.append((start, len(paragraph)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and paragraph[s].isspace():
            s += 1
        while e > s and paragraph[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
