"""Cities of the gazetteer, dateline capitals inside a body, and stand-alone acronyms (orgs unless the
text defines them as something else), in one walk over the capitalised words still free."""

from __future__ import annotations

import re

from steppe.extraction.entities.doc import Doc, Hit
from steppe.extraction.entities.lexicon import ACRONYM_STOP, EVENT_HEADS
from steppe.extraction.entities.names import place_code, place_key
from steppe.extraction.entities.tokens import gap_ok, span_text

_ACRONYM_DEF_RE = re.compile(r"(?<![\w-])([A-Z][\w-]*+) \(([A-Z][A-Z0-9&-]{1,7})\)")  # 1: last word of the long form
_NON_ORG_LAST_WORDS = EVENT_HEADS | frozenset(
    "Survey Census Index Project Report Plan Scheme Standard Framework Programme Platform Roadmap".split()
)


def cities_and_acronyms(doc: Doc, person_words: set[str]) -> None:
    """Adds cities (up to three words, not a person's name nor inside a country's), capitals written
    in capitals ("BISHKEK"), and acronyms; the words of persons already found are no cities."""
    defined = _defined_acronyms(doc)
    in_country = _inside_country_names(doc)
    toks = doc.toks
    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.cap or not doc.mask.free(t.start, t.end):
            i += 1
            continue
        size = _city_at(doc, i, person_words, in_country)
        if size:
            i += size
            continue
        _capital_or_acronym(doc, i, defined)
        i += 1


def _defined_acronyms(doc: Doc) -> dict[str, str]:
    """Acronyms the text defines: "Long Form (ACR)" -> "ORG" / "PLACE" (the acronym becomes the mention's
    alias, its brackets are claimed), or "OTHER" after a survey, programme or document."""
    text, mask = doc.text, doc.mask
    defined: dict[str, str] = {}
    for h in doc.hits:
        m = re.match(r" ?\(([A-Z][A-Z0-9&-]{1,7})\)", text[h.end:h.end + 12])
        if m and h.etype in ("ORG", "PLACE"):
            defined[m.group(1)] = h.etype
            h.aliases.append(m.group(1))
            if mask.free(h.end, h.end + m.end()):
                mask.claim(h.end, h.end + m.end())
    # "Demographic and Health Survey (DHS)": the acronym of a survey, programme or document is no org
    for m in _ACRONYM_DEF_RE.finditer(text):
        if m.group(1) in _NON_ORG_LAST_WORDS and m.group(2) not in defined:
            defined[m.group(2)] = "OTHER"
    return defined


def _inside_country_names(doc: Doc) -> list[bool]:
    """Per character, whether it is inside a country's name: "Salvador" in "El Salvador" is no city."""
    in_country = [False] * (len(doc.text) + 1)
    for m in doc.g.country_re.finditer(doc.text):
        in_country[m.start():m.end()] = [True] * (m.end() - m.start())
    return in_country


def _city_at(doc: Doc, i: int, person_words: set[str], in_country: list[bool]) -> int:
    """Adds the longest city name (three words to one) starting at token i; its length in tokens, or 0."""
    text, toks, g = doc.text, doc.toks, doc.g
    for size in (3, 2, 1):
        if i + size > len(toks):
            continue
        seq = toks[i:i + size]
        if not all(s.cap for s in seq) or any(not gap_ok(text, a, b) for a, b in zip(seq, seq[1:], strict=False)):
            continue
        name = span_text(text, seq[0].start, seq[-1].end)
        if (name in g.cities and name not in person_words and doc.mask.free(seq[0].start, seq[-1].end)
                and not in_country[seq[0].start]):
            doc.hits.append(Hit(seq[0].start, seq[-1].end, "PLACE", name, g.cities[name], place_key(name),
                                 seq[0].start < doc.tlen))
            doc.mask.claim(seq[0].start, seq[-1].end)
            return size
    return 0


def _capital_or_acronym(doc: Doc, i: int, defined: dict[str, str]) -> None:
    """Token i as a place written in capitals, an acronym org, or the acronym of a place defined before."""
    text, toks, g, mask, tlen = doc.text, doc.toks, doc.g, doc.mask, doc.tlen
    t = toks[i]
    w = t.text
    caps_place = w.title() if len(w) >= 4 and w.isupper() and w.isalpha() and (
        w.title() in g.cities or w.title() in g.place_forms) else ""
    if caps_place and mask.free(t.start, t.end):  # "BISHKEK —" inside a body: a dateline capital, normalised
        doc.hits.append(Hit(t.start, t.end, "PLACE", caps_place, place_code(g, caps_place),
                             place_key(caps_place), t.start < tlen))
        mask.claim(t.start, t.end)
    elif (re.fullmatch(r"[A-Z][A-Z0-9&]{1,5}|[A-Z](?:\.[A-Z])+\.?", w) and w not in ACRONYM_STOP
            and w not in g.country_forms and w not in g.place_forms and defined.get(w) not in ("PLACE", "OTHER")
            and not text.startswith("+", t.end)):  # "C5+1" is a meeting format
        # (WordNet's nouns hold acronyms too: "nato", "opec"; its verbs and adjectives do not)
        if len(w) >= 4 and w.isalpha() and w.lower() in g.common_words:
            pass  # "MORE", "READ": a shouted English word, no acronym
        elif not (t.sent_start and i + 1 < len(toks) and toks[i + 1].text.isupper()):  # all-caps dateline
            doc.hits.append(Hit(t.start, t.end, "ORG", w, None, w.lower(), t.start < tlen))
            mask.claim(t.start, t.end)
    elif defined.get(w) == "PLACE":
        for h in doc.hits:
            if w in h.aliases:
                doc.hits.append(Hit(t.start, t.end, "PLACE", h.name, h.code, h.key, t.start < tlen))
                break
        mask.claim(t.start, t.end)
