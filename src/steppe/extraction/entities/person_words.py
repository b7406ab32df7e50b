"""Tests on single words of a person candidate: titles, given names, surnames, English words."""

from __future__ import annotations

import re

from steppe.extraction.entities.lexicon import HEADS, NON_NAME, STRONG_TITLES, TITLES
from steppe.extraction.entities.names import is_geo_name
from steppe.extraction.entities.tokens import Tok
from steppe.extraction.gazetteer import Gazetteer

_TITLE_OF_RE = re.compile(r"\b([A-Z]\w++) of (?:the )?$")


def title_of_before(text: str, i: int) -> bool:
    m = _TITLE_OF_RE.search(text, max(0, i - 40), i)
    return m is not None and m.group(1) in STRONG_TITLES


def given_name_like(word: str, g: Gazetteer) -> bool:
    """A listed given name, or a capitalised word that is nothing else: no English word, title, place or org."""
    if word in g.first_names:
        return True
    return not (word.isupper() or _english_word(word, g) or word in NON_NAME or word in TITLES
                or is_geo_name(g, word) or word in g.org_forms or word in HEADS)


def english_lead_end(words: list[Tok], g: Gazetteer) -> int:
    """How many leading English words stand before a given name that opens a name of two words or more
    ("Election Results Ravshan Mamatov"); 0 if none."""
    for k, w in enumerate(words[:4]):
        if w.text in g.first_names:
            return k if k + 1 < len(words) else 0
        if not _english_word(w.text, g):
            return 0
    return 0


def given_name_first(words: list[Tok], g: Gazetteer) -> bool:
    """A given name that is also an ordinary capitalised word opens a name: "Islam Karimov"."""
    if len(words) < 2 or words[0].text not in g.first_names:
        return False
    nxt = words[1].text
    return not (nxt in NON_NAME or nxt in TITLES or nxt in g.country_forms)


def job_title_end(words: list[Tok], g: Gazetteer) -> int:
    """How many leading words form a job title ending in a title word, the others being ordinary English
    words ("Managing Director", "Executive Vice President"); 0 if none. A name must follow."""
    end = 0
    for k, w in enumerate(words[:4]):
        if w.text in TITLES:
            end = k + 1
        elif not _english_word(w.text, g) or w.text in g.first_names:
            break
    return end if end < len(words) else 0


def lone_name(w: Tok, g: Gazetteer) -> bool:
    """A single word that can stand for a person on its own: a given name or a surname-shaped word,
    not an English word, a place or an org."""
    return ((w.text in g.first_names or surname_like(w.text)) and not _english_word(w.text, g)
            and not is_geo_name(g, w.text) and w.text not in g.org_forms)


def _english_word(word: str, g: Gazetteer) -> bool:
    """An English word by its WordNet lemma: "Managing" (manage), "Acting", "Elected", "Affairs"."""
    w = word.lower()
    stems = (w, w[:-3], w[:-3] + "e", w[:-2], w[:-2] + "e", w[:-1]) if len(w) > 4 else (w,)
    return any(s in g.common_words or s in g.nouns for s in stems)


def is_descriptor(w: str, g: Gazetteer) -> bool:
    """"Controversial" (an English adjective), "Tajikistan-born", "Secretary-General": not part of a name."""
    if "-" in w and any(p in g.country_forms or p.capitalize() in TITLES for p in w.split("-")):
        return True
    return w.lower() in g.adjectives and w not in g.first_names



_SURNAME_RE = re.compile(
    r"(?:ov|ova|ev|eva|yev|yeva|iev|ieva|in|ina|sky|skaya|skiy|enko|uk|zoda|zade|zada|uly|ulu|kyzy|qizi|"
    r"bekov|bayev|baev|ali|uulu|yan|ian|idze|shvili|vic|vich|ić|escu|oglu|oğlu|beyli|li|bek|bekova|zhan)$"
)


def surname_like(w: str) -> bool:
    return len(w) >= 5 and bool(_SURNAME_RE.search(w))
