"""How a prediction is matched to a hand label (docs/extraction.md, "Scoring").

Shared by `make eval` (tools/evaluate.py) and the extractor dev loops (tools/score_entities.py,
tools/score_figures.py), so every figure the project reports is computed the same way.

- titles: equal after white space is normalised; bodies: the body starts with the label's first
  eight words and ends with its last eight;
- countries: sets of ISO codes;
- persons: lenient, a surname alone matches the full name;
- orgs and places: lenient, case-insensitive fuzzy token match, an alias or acronym accepted;
- trade figures: same unit and a value within 0.5 %.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from rapidfuzz import fuzz

P = TypeVar("P")
G = TypeVar("G")

_POSSESSIVE = re.compile(r"'s\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")


def squash(text: str | None) -> str:
    """White space (NBSP included) collapsed to single spaces, trimmed."""
    return " ".join((text or "").replace("\u00a0", " ").split())


def name_key(text: str | None) -> str:
    """A name compared loosely: NFKC, straight apostrophes, no possessive, no leading "the", lower case."""
    text = unicodedata.normalize("NFKC", text or "").replace("\u2019", "'").replace("\u2018", "'")
    text = _POSSESSIVE.sub("", text).strip()
    if text.lower().startswith("the "):
        text = text[4:]
    return squash(text).lower()


def counts(tp: int, predicted: int, labelled: int) -> dict[str, Any]:
    """Precision, recall and F1 from counts (an empty side scores 1.0 when both are empty)."""
    precision = tp / predicted if predicted else (1.0 if labelled == 0 else 0.0)
    recall = tp / labelled if labelled else 1.0
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"p": round(precision, 4), "r": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "pred": predicted, "gold": labelled}


def same_person(predicted: str, labelled: str) -> bool:
    a, b = name_key(predicted).split(), name_key(labelled).split()
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return shorter[-1] == longer[-1] or " ".join(shorter) in " ".join(longer)


def acronym_of(name: str) -> str:
    return "".join(w[0] for w in _WORD.findall(name) if w[0].isupper() or len(w) > 3).upper()


def same_name(predicted: str, labelled: str, aliases: Sequence[str] = ()) -> bool:
    """Orgs and places: equal, an alias, a close token match, or the label's acronym."""
    p, g = name_key(predicted), name_key(labelled)
    if p == g or p in {name_key(a) for a in aliases}:
        return True
    if min(len(p), len(g)) >= 4 and fuzz.token_set_ratio(p, g) >= 90:
        return True
    return predicted.isupper() and len(predicted) >= 2 and predicted.replace(".", "") == acronym_of(labelled)


def pair_up(predicted: Sequence[P], labelled: Sequence[G], match: Callable[[P, G], bool]) -> list[tuple[P, G | None]]:
    """Greedy one-to-one matching in prediction order: (prediction, its label or None)."""
    used: set[int] = set()
    pairs: list[tuple[P, G | None]] = []
    for p in predicted:
        hit = next((i for i, g in enumerate(labelled) if i not in used and match(p, g)), None)
        if hit is not None:
            used.add(hit)
        pairs.append((p, None if hit is None else labelled[hit]))
    return pairs


def misses(predicted: Sequence[P], labelled: Sequence[G], match: Callable[[P, G], bool]) -> tuple[list[P], list[G]]:
    """(false positives, false negatives) of pair_up()."""
    pairs = pair_up(predicted, labelled, match)
    matched = [id(g) for _, g in pairs if g is not None]
    return [p for p, g in pairs if g is None], [g for g in labelled if id(g) not in matched]


UNIT_SYNONYMS = {
    "ton": "t", "tons": "t", "tonne": "t", "tonnes": "t", "metric tons": "t", "mt": "t",
    "%": "percent", "pct": "percent", "x": "fold", "times": "fold",
    "cubic meters": "m3", "bbl": "barrels", "mw": "MW", "kwh": "kWh",
}


def unit_key(unit: str | None) -> str:
    unit = (unit or "").strip()
    if re.fullmatch(r"[A-Za-z]{3}", unit) and unit.lower() not in UNIT_SYNONYMS and unit.lower() != "bcm":
        return unit.upper()  # an ISO 4217 code
    return UNIT_SYNONYMS.get(unit.lower(), unit.lower())


def same_figure(value: float, unit: str, gold_value: float, gold_unit: str) -> bool:
    if unit_key(unit) != unit_key(gold_unit):
        return False
    if gold_value == 0:
        return value == 0
    return abs(value - gold_value) / abs(gold_value) <= 0.005
