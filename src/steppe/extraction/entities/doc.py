"""One article being read: its text and tokens, the characters claimed so far and the mentions found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from steppe.extraction.entities.names import norm
from steppe.extraction.entities.tokens import Mask, find_bounded, line_pieces, tokenize
from steppe.extraction.gazetteer import gazetteer
from steppe.extraction.model import EntityType


@dataclass(slots=True)
class Hit:
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
        self.toks = tokenize(self.text)
        self.pieces = line_pieces(self.text)
        self.mask = Mask(len(self.text))
        self.hits: list[Hit] = []

    def find(self, rx: re.Pattern[str]) -> list[re.Match[str]]:
        """Matches of rx within the text's pieces (linear whatever the pattern retries)."""
        return find_bounded(rx, self.text, self.pieces)

    def add(self, start: int, end: int, etype: EntityType, name: str, code: str | None = None,
            key: str = "", weak: bool = False) -> Hit | None:
        """A mention over free characters, which it claims; None when some are claimed already."""
        if not self.mask.free(start, end):
            return None
        h = Hit(start, end, etype, name, code, key or norm(name), start < self.tlen, weak=weak)
        self.hits.append(h)
        self.mask.claim(start, end)
        return h

    def add_all(self, start: int, end: int, found: list[Hit]) -> None:
        """Several mentions sharing one span ("the Russian and Tajik Interior Ministries"); claims it."""
        self.hits.extend(found)
        self.mask.claim(start, end)
