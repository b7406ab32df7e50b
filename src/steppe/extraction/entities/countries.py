"""Countries: every form the gazetteer knows (names, short forms, demonyms), except inside a person's
name, a language ("in Russian"), a currency sign ("US$") and a few compounds; then misspelt names."""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from steppe.extraction.entities.doc import Doc, Hit
from steppe.extraction.entities.lexicon import NON_NAME, TITLES

_LANG_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|into|from|speak|speaks|speaking|spoke|spoken|fluent|learn|learning|study|studying|teach|"
    r"teaching|translated|translate|dubbed|and|or)\s+)$"
)
_LANG_CUE_AFTER = re.compile(r"^(?:[ -](?:language|languages|speakers|speaking|speaker|alphabet|script|"
                             r"translation|version|dialect|-language)\b|-language|-speaking)")


def countries(doc: Doc) -> list[Hit]:
    """Country mentions everywhere but inside person names (not added to the doc: no pass reads them)."""
    g, text = doc.g, doc.text
    out: list[Hit] = []
    for m in g.country_re.finditer(text):
        form = m.group()
        code, demonym = g.country_forms[form]
        if any(o == 2 for o in doc.mask.owner[m.start():m.end()]):
            continue  # inside a person's name
        if demonym and _is_language(text, m.start(), m.end()) or _not_a_mention(text, m):
            continue
        out.append(Hit(m.start(), m.end(), "COUNTRY", g.country_name.get(code, form), code, code,
                        m.start() < doc.tlen, [form]))
    return out + _misspelt(doc, {h.code for h in out})


def _not_a_mention(text: str, m: re.Match[str]) -> bool:
    """A country form that names no country here: "Sino" alone, "Latin American", "ex-US", "US$", "Indian Ocean"."""
    form = m.group()
    if form in ("Sino", "Russo", "Franco") and not text.startswith("-", m.end()):
        return True
    if form == "American" and re.search(r"(?:Latin|South|North|Central|Native|African)[ -]$",
                                        text[max(0, m.start() - 8):m.start()]):
        return True
    if form in ("US", "USA", "UK") and text[max(0, m.start() - 1):m.start()] == "-":
        return True
    if text.startswith("$", m.end()):
        return True  # "US$50 million": a currency sign, not a mention of the country
    return form == "Indian" and text.startswith(" Ocean", m.end())


def _misspelt(doc: Doc, seen: set[str | None]) -> list[Hit]:
    """Misspelt country names ("Sebia"): one edit away from a one-word name, in an unclaimed word; each
    country once, and none already named."""
    g = doc.g
    out: list[Hit] = []
    for t in doc.toks:
        w = t.text
        if (not t.cap or len(w) < 5 or not w.isalpha() or w in g.country_forms or w in g.first_names
                or not doc.mask.free(t.start, t.end) or w in NON_NAME or w in TITLES):  # "Mawlawi" is no "Malawi"
            continue
        # only names with the word's first letter can be the one; the first in order wins, as before
        for name, code in g.typo_by_initial.get(w[0], ()):
            if abs(len(name) - len(w)) <= 1 and Levenshtein.distance(name, w) == 1:
                if code in seen or not w.endswith(name[-2:]):
                    break
                out.append(Hit(t.start, t.end, "COUNTRY", g.country_name.get(code, name), code, code,
                                t.start < doc.tlen, [w]))
                seen.add(code)
                break
    return out


def _is_language(text: str, start: int, end: int) -> bool:
    after = text[end:end + 20]
    if _LANG_CUE_AFTER.match(after):
        return True
    before = text[max(0, start - 25):start]
    if _LANG_CUE_BEFORE.search(before):
        # "in Russian" / "speak Kazakh and Russian", but not "in Russian prisons"
        return not re.match(r"[ -][a-z]", after) or after.startswith((" and ", " or "))
    return False
