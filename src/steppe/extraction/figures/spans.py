"""Figure spans of a sentence: one candidate, and the set of a sentence's candidates."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from steppe.extraction.model import FigureKind


@dataclass(frozen=True, slots=True)
class Cand:
    """A figure span of a sentence, with its value: a candidate until the filters keep it."""

    start: int
    end: int
    text: str
    value: float
    unit: str
    kind: FigureKind
    note: str | None = None
    range_start: int | None = None  # both ends of one range share it: they are one flow, not siblings


_VALUE_LINK = re.compile(r"[^,;]{0,60}?\b(?:worth|valued\s++at|totaling|totalling|amounting\s++to)\s++"
                         r"(?:(?:over|about|nearly|almost|around|some|more\s++than|approximately)\s++)?")


class Siblings:
    """The figures of one sentence, to ask whether another one lies between a figure and a position."""

    def __init__(self, cands: list[Cand], s: str = "") -> None:
        ordered = sorted(cands, key=lambda x: x.start)
        self.starts = [x.start for x in ordered]
        self.ends = [x.end for x in ordered]
        # figures of one flow: both ends of a range, or goods and their value ("100 tons worth $5 million")
        self.flow_of = {x.start: x.range_start for x in cands if x.range_start is not None}
        for a, b in zip(ordered, ordered[1:], strict=False):
            if a.kind == "quantity" and b.kind == "money" and _VALUE_LINK.fullmatch(s, a.end, b.start):
                group = self.flow_of.get(a.start, a.start)
                self.flow_of[a.start] = self.flow_of[b.start] = group

    def last_end_before(self, pos: int) -> int:
        """End of the last figure that starts before pos (0 if none)."""
        k = bisect.bisect_left(self.starts, pos) - 1
        return self.ends[k] if k >= 0 else 0

    def any_in(self, lo: int, hi: int) -> bool:
        """Whether a figure starts in [lo, hi)."""
        return bisect.bisect_left(self.starts, hi) > bisect.bisect_left(self.starts, lo)

    def between(self, c: Cand, pos: int) -> bool:
        """Whether a figure of another flow than c's starts in [c.end, pos)."""
        lo, hi = bisect.bisect_left(self.starts, c.end), bisect.bisect_left(self.starts, pos)
        own = self.flow_of.get(c.start)
        if hi - lo != 1 or own is None:
            return hi - lo > 0
        # the only one is of c's own flow (the other end of its range, or its value): not a sibling
        return self.flow_of.get(self.starts[lo]) != own
