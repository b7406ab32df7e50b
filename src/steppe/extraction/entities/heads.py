"""Names built on a head word: "Ministry of Foreign Affairs", "Baikonur Cosmodrome", "Astana Forum".

The last head decides the kind: an org, a place, or an event (masked, so that the places inside it
are not taken).
"""

from __future__ import annotations

from typing import Literal

from steppe.extraction.entities.doc import Doc
from steppe.extraction.entities.lexicon import (
    EVENT_HEADS,
    HEADS,
    LEFT_STOP_TITLES,
    LEGAL_SUFFIXES,
    LOWER_FUNCTION,
    NATURE_WORDS,
    NON_NAME,
    ORG_HEADS,
    ORG_OR_PLACE_HEADS,
    PLACE_HEADS,
    PLACE_OF_HEADS,
    SITE_MODIFIERS,
    STRONG_TITLES,
    WEAK_ORG_HEADS,
)
from steppe.extraction.entities.names import is_geo_name, org_code, place_code, place_key
from steppe.extraction.entities.tokens import Tok, gap_ok, span_text
from steppe.extraction.gazetteer import Gazetteer


def head_word_names(doc: Doc) -> None:
    """Orgs and places named by a capitalised name around a head word, longest first; events are masked."""
    text, toks, g = doc.text, doc.toks, doc.g
    for j, k, etype in sorted(_headed_names(text, toks, g), key=lambda x: x[0] - x[1]):
        a, b = toks[j].start, toks[k].end
        name = span_text(text, a, b)
        if name in g.country_forms or not doc.mask.free(a, b):
            continue
        if etype == "EVENT":
            doc.mask.claim(a, b, 3)
        elif etype == "ORG":
            doc.add(a, b, "ORG", name, org_code(g, name), weak=True)
        else:
            while j < k and toks[j].text in g.country_forms:
                j += 1  # "the Russian Black Sea port": the demonym is not part of a place name
            a = toks[j].start
            name = span_text(text, a, b)
            doc.add(a, b, "PLACE", name, place_code(g, name), key=place_key(name), weak=True)


# The longest name looked for around a head word, in tokens on each side ("Ministry of Foreign
# Affairs of the Republic of Kazakhstan" has 9): a run of a thousand capitalised words is then
# walked a bounded number of times per head, not once per head from end to end.
_MAX_NAME_TOKENS = 16


def _expand_name(text: str, toks: list[Tok], i: int, g: Gazetteer) -> tuple[int, int]:
    """Token range [j, k] of a capitalised name around head token i, with "of/for/and" tails."""
    return _name_start(text, toks, i), _name_end(text, toks, i, g)


def _name_start(text: str, toks: list[Tok], i: int) -> int:
    """The name's first token: capitalised words (or numbers) before the head, up to a title, an
    article or a function word opening the sentence."""
    j = i
    while j > 0 and i - j < _MAX_NAME_TOKENS:
        p = toks[j - 1]
        if not (p.cap or p.text[:1].isdigit()) or not gap_ok(text, p, toks[j]) or p.poss:
            break
        if p.text in LEFT_STOP_TITLES:
            break
        if p.sent_start and (p.text.lower() in LOWER_FUNCTION or p.text in ("The", "A", "An")):
            break
        if p.text in ("The", "A", "An", "In", "On", "At", "For", "From", "By"):
            break
        j -= 1
    return j


def _name_end(text: str, toks: list[Tok], i: int, g: Gazetteer) -> int:
    """The name's last token: further heads and legal suffixes after the head, and "of/for/on" tails."""
    k = i
    n = min(len(toks), i + _MAX_NAME_TOKENS + 1)  # tokens from n on are out of reach
    while k + 1 < n:
        nxt = toks[k + 1]
        # after a head only another head or a legal suffix continues the name ("Halyk Bank JSC"),
        # not the next word of the sentence ("Silk Road Samarkand complex")
        if nxt.cap and gap_ok(text, toks[k], nxt) and (
                nxt.text in HEADS or nxt.text in LEGAL_SUFFIXES
                or toks[k].text not in HEADS and not _person_starts(nxt.text, g)
                or nxt.text in g.org_forms and toks[k].text in ORG_HEADS):
            k += 1
            continue
        tail_end = _of_tail_end(text, toks, k, n, g)
        if tail_end is None:
            break
        k = tail_end
    return k


def _of_tail_end(text: str, toks: list[Tok], k: int, n: int, g: Gazetteer) -> int | None:
    """The last token of an "of/for/on" tail after token k ("Ministry of Foreign Affairs"), or None."""
    nxt = toks[k + 1]
    if not ((nxt.text in ("of", "for") or nxt.text == "on" and toks[k].text in ORG_HEADS) and k + 2 < n
            and gap_ok(text, toks[k], nxt) and (toks[k].text not in PLACE_HEADS or toks[k].text in
                                                PLACE_OF_HEADS or toks[k].text in ORG_HEADS)):
        return None
    m = k + 2
    if toks[m].text == "the" and m + 1 < n:
        m += 1
    if not (toks[m].cap and gap_ok(text, toks[m - 1], toks[m]) and toks[m].text not in ("The",)):
        return None
    return _tail_list_end(text, toks, m, n, g)


def _tail_list_end(text: str, toks: list[Tok], k: int, n: int, g: Gazetteer) -> int:
    """The tail's capitalised words from token k on, with a list inside it ("for International Affairs,
    Defense and Security")."""
    while True:
        while (k + 1 < n and toks[k + 1].cap and gap_ok(text, toks[k], toks[k + 1])
               and not _person_starts(toks[k + 1].text, g)):
            k += 1
        if k + 2 < n and toks[k + 1].text == "and" and toks[k + 2].cap and not toks[k + 2].sent_start:
            # "of Iraq and Syria" goes on; "Fund for Development and Qatar" stops at the country
            if toks[k + 2].text in g.country_forms and toks[k].text not in g.country_forms:
                return k
            k += 2
            continue
        if (k + 3 < n and toks[k + 1].text == "," and toks[k + 2].cap
                and _comma_list_ends_with_and(toks, k + 2, n)):
            k += 2
            continue
        return k


def _person_starts(word: str, g: Gazetteer) -> bool:
    """A title or a given name: an org name's tail stops before it ("Cabinet of Ministers Daniyar ...")."""
    return word in STRONG_TITLES or word in g.first_names


def _comma_list_ends_with_and(toks: list[Tok], i: int, n: int) -> bool:
    """Whether the capitalised words from token i (before token n) are followed by "and" + a capital."""
    k = i
    while k + 1 < n and toks[k + 1].cap:
        k += 1
    return k + 2 < n and toks[k + 1].text == "and" and toks[k + 2].cap


_Kind = Literal["ORG", "PLACE", "EVENT"]


def _headed_names(text: str, toks: list[Tok], g: Gazetteer) -> list[tuple[int, int, _Kind]]:
    """Capitalised names ending in (or built around) an org, place or event head word."""
    out: list[tuple[int, int, _Kind]] = []
    for i, t in enumerate(toks):
        if not t.cap:
            continue
        is_org, is_place, is_event = t.text in ORG_HEADS, t.text in PLACE_HEADS, t.text in EVENT_HEADS
        if not (is_org or is_place or is_event):
            continue
        j, k = _expand_name(text, toks, i, g)
        if span_text(text, toks[j].start, t.end) in g.country_forms:
            continue  # "Russian Federation on ...", "Kyrgyz Republic": a country, not an org
        if t.text in WEAK_ORG_HEADS and not _weak_head_names(toks, j, i, k, g):
            continue
        if is_event and not (is_org or is_place):
            if k > j:
                out.append((j, k, "EVENT"))
            continue
        if k == j and toks[j].text in ORG_OR_PLACE_HEADS and not toks[j].text.isupper():
            continue  # a bare "Ministry" or "Airport" is a description, not a name
        # The last head decides: "Crocus City Hall" is a place, "Bank of Astana" an org.
        heads = [toks[x].text for x in range(j, k + 1)
                 if toks[x].text in ORG_OR_PLACE_HEADS and (x == i or toks[x].text not in WEAK_ORG_HEADS)]
        if toks[k].text in EVENT_HEADS and toks[k].text not in ORG_OR_PLACE_HEADS:
            out.append((j, k, "EVENT"))
            continue
        last_head = heads[-1]
        first_head = heads[0]
        name_words = {toks[x].text for x in range(j, k + 1)}
        etype: _Kind = "PLACE" if last_head in PLACE_HEADS and last_head not in ORG_HEADS else "ORG"
        if first_head in ORG_HEADS and toks[j].text == first_head and etype == "PLACE" and first_head != "Station":
            etype = "ORG"  # "Ministry of Roads" is an org although "Roads" could head a place
        if last_head in ("Center", "Centre") and name_words & SITE_MODIFIERS:
            etype = "PLACE"
        if last_head == "Reserve" and not name_words & NATURE_WORDS:
            etype = "ORG"  # "Federal Reserve" is a central bank, "Tigrovaya Balka Nature Reserve" a site
        out.append((j, k, etype))
    return out


def _weak_head_names(toks: list[Tok], j: int, i: int, k: int, g: Gazetteer) -> bool:
    """Whether weak head i names an org in [j, k]: "Government" with an "of" tail, "International"
    closing a name whose word before it is no place ("Transparency International")."""
    if toks[i].text == "Government":
        return k > i
    before = toks[i - 1].text if j < i else ""
    return k == i and bool(before) and not is_geo_name(g, before) and before not in NON_NAME

