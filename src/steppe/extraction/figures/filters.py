"""Which candidates size an economic flow: the spec's exclusions (people, crime, tourism, nature,
exchange rates...), and an economic word near a percentage or a ratio."""

from __future__ import annotations

import re

from steppe.extraction.figures import lexicon as lex
from steppe.extraction.figures.scans import clause_window_bounds, found_in
from steppe.extraction.figures.spans import Cand

_CHANGE = re.compile(r"\b(?:increas\w*+|grow\w*+|growth|rise|rose|risen|decreas\w*+|declin\w*+|drop\w*+|fell)\b",
                     re.I)
_NATURE = re.compile(r"\b(?:climate|droughts?|rainfall|glaciers?|water\s++(?:flow\w*+|levels?|availability)|"
                     r"river\s++flow\w*+|snow\w*+|temperatures?)\b", re.I)
_UNITS_FLOW = re.compile(r"\b(?:produc|export|import|suppl|deliver|ship)", re.I)


def sizes_a_flow(s: str, c: Cand, in_title: bool, follows_flow: bool = False) -> bool:
    """Spec exclusions; percentages and ratios also need an economic word nearby.

    follows_flow: the previous sentence held a figure, so "a further threefold increase" continues it.
    """
    near = (max(0, c.start - 45), min(len(s), c.end + 45))
    if found_in(lex.ENVIRONMENT, s, *near) or found_in(lex.SOCIAL, s, *near):
        return False
    if c.kind in ("money", "quantity") and found_in(lex.CRIME, s, *near):
        return False
    if c.kind in ("percent", "ratio"):
        if found_in(_NATURE, s, *clause_window_bounds(s, c, 120, 40)):
            return False  # "water flowing into X could drop by 25% because of climate change": not an economic flow
        if found_in(lex.TOURISM, s, *(clause_window_bounds(s, c) if not in_title else (0, len(s)))):
            return False
        if lex.DEMOGRAPHIC_AFTER.match(s, c.end) or found_in(lex.DEMOGRAPHIC, s, c.start - 50, c.end + 30):
            return False
        if c.kind == "percent" and found_in(lex.PERCENT_NOT_FLOW, s, c.start - 40, c.end + 30):
            return False
        if not found_in(lex.ECON, s, *clause_window_bounds(s, c, 120, 60)) and not (
            follows_flow and found_in(_CHANGE, s, c.start - 30, c.end + 30)
        ):
            return False
    if c.kind == "quantity" and c.unit == "units":
        return found_in(_UNITS_FLOW, s, *clause_window_bounds(s, c))
    if c.kind == "money" and c.value == 0:
        return False
    # "$1 = 470 tenge": an exchange rate, not a sum
    return not (c.kind == "money" and (
        _EQUALS_AFTER.match(s, c.end) or s[max(0, c.start - 20) : c.start].rstrip().endswith("=")
        or found_in(_FX_RATE, s, *near)
    ))


_EQUALS_AFTER = re.compile(r"(?<!\s)\s*+=")
_FX_RATE = re.compile(r"\bexchange\s++rate\b|\bagainst\s++the\s++(?:dollar|euro|ruble)", re.I)
