"""One article being read: its text and tokens, the characters claimed so far and the mentions found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from steppe.extraction.entities.names import _norm
from steppe.extraction.entities.tokens import _Mask, _pieces, _tokenize, find_bounded
from steppe.extraction.gazetteer import gazetteer
from steppe.extraction.model import EntityType


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    etype: EntityType
    name: str
    code: str | None = None
    key: str = ""
    in_title: bool = False
    aliases: list[str] = field(default_factory=list)
    weak: bool = False  # found by shape alone: in a Title-Case headline it needs support from the body



class Doc:
    """The text is the title, a blank line and the body; offsets below the title's length are in the title.

    A pass adds what it finds and claims its characters, so that later passes do not read them again."""

    def __init__(self, title: str, body: str) -> None:
        self.g = gazetteer()
        self.body = body
        self.text = f"{title}\n\n{body}"
        self.tlen = len(title)
        self.toks = _tokenize(self.text)
        self.pieces = _pieces(self.text)
        self.mask = _Mask(len(self.text))
        self.hits: list[_Hit] = []

    def find(self, rx: re.Pattern[str]) -> list[re.Match[str]]:
        """Matches of rx within the text's pieces (linear whatever the pattern retries)."""
        return find_bounded(rx, self.text, self.pieces)

    def add(self, start: int, end: int, etype: EntityType, name: str, code: str | None = None,
            key: str = "", weak: bool = False) -> _Hit | None:
        """A mention over free characters, which it claims; None when some are claimed already."""
        if not self.mask.free(start, end):
            return None
        h = _Hit(start, end, etype, name, code, key or _norm(name), start < self.tlen, weak=weak)
        self.hits.append(h)
        self.mask.claim(start, end)
        return h

    def add_all(self, start: int, end: int, found: list[_Hit]) -> None:
        """Several mentions sharing one span ("the Russian and Tajik Interior Ministries"); claims it."""
        self.hits.extend(found)
        self.mask.claim(start, end)
