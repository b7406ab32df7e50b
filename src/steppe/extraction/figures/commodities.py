"""The commodity of a figure: the nearest commodity word in its clause."""

from __future__ import annotations

import bisect
import functools
import re

from steppe.extraction.figures import lexicon as lex
from steppe.extraction.figures.scans import clause_bounds
from steppe.extraction.figures.spans import Cand


@functools.lru_cache(maxsize=16)
def _commodities(s: str) -> tuple[list[tuple[int, int, str]], list[int], list[int]]:
    """Commodity words of a sentence in order: (start, end, label), their starts, their ends."""
    found = [(m.start(), m.end(), lex.commodity_label(m)) for m in lex.commodity_regex().finditer(s)]
    return found, [x[0] for x in found], [x[1] for x in found]


_GAS = re.compile(r"\bgas\b", re.I)


def commodity_of(s: str, c: Cand) -> str | None:
    """The commodity word nearest the figure inside its clause (the one before wins a tie)."""
    lo, hi = clause_bounds(s, c.start, c.end)
    found, starts, ends = _commodities(s)
    best: tuple[int, str] | None = None
    k = bisect.bisect_right(ends, c.start) - 1
    if k >= 0 and found[k][0] >= lo:
        best = (c.start - found[k][1], found[k][2])
    j = bisect.bisect_left(starts, c.end)
    if j < len(found) and found[j][1] <= hi and (best is None or found[j][0] - c.end < best[0]):
        best = (found[j][0] - c.end, found[j][2])
    if best is None and c.unit in ("bcm", "m3") and _GAS.search(s):
        return "natural gas"
    return best[1] if best else None
