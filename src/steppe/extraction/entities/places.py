"""Places: a dateline, coordinated places, names with a lower-case head or after a cue, the gazetteer,
"known as" names, places named with their country, the West and region adjectives."""

from __future__ import annotations

import re

from steppe.extraction.entities.doc import Doc, Hit
from steppe.extraction.entities.lexicon import DIRECTIONS, LOWER_PLACE_HEADS, LOWER_PLACE_PLURALS, NON_NAME
from steppe.extraction.entities.names import is_geo_name, place_code, place_key, trim_name
from steppe.extraction.entities.tokens import CAP, CAP_RUN, POSS_RE, RUN_START, STARTED_CAP_RUN

_LIST_HEADS = r"(?:regions|provinces|oblasts|districts|villages|Oblasts|Regions|Provinces|Districts|People's Republics)"
_LIST_PLACE_RE = re.compile(  # 1: the list, 4: the head
    # the last run may give back its last words: "the Donetsk and Luhansk People's Republics"
    rf"{RUN_START}(?=[A-Z])((?:{CAP_RUN}, (?!and ))*+"
    rf"(?:{CAP_RUN}(?:,? and (?P<and>){CAP}(?: {CAP})*(?= {_LIST_HEADS}\b))?)?)"
    rf"(?(and)(?P<tail> ({_LIST_HEADS})\b))"
)
_LOWER_HEAD_RE = re.compile(rf"({STARTED_CAP_RUN})(?P<tail> ({LOWER_PLACE_HEADS})\b)?")  # head: group 3
_CUE_PLACE_RE = re.compile(
    rf"\b(?:city|town|village|settlement|capital|port|region|province|district|republic|resort|"
    rf"municipality) of ({CAP_RUN})"
)
_KNOWN_AS_PLACE_RE = re.compile(
    rf"\b(?:location|place|site|area|valley|village|town|city|region|lake|mountain|river|district|gorge|"
    rf"pass|settlement|island|canyon|peak)\b[^.]{{0,60}}?\bknown (?:locally |to (?:the )?[A-Z]\w+ |in "
    rf"[A-Z]\w+ )?as [\"“]?({CAP_RUN})"
)
# "in Chiang Mai, Thailand": a place named with its country, as in a dateline (group 2: the country).
_PLACE_COMMA_COUNTRY_RE = re.compile(
    rf"(?<!according )\b(?:in|near|at|from|outside|to)\s({CAP_RUN}), ({CAP_RUN})"
    rf"(?=[.,;:)]|\s(?:and|or|where|which|on|in|at|during|last|this|for)\b)"
)
_THE_WEST_RE = re.compile(r"\bthe West\b(?![ -][A-Z])")
_REGION_ADJ: list[tuple[str, str]] = [
    ("Southeastern European", "Southeastern Europe"), ("South-Eastern European", "Southeastern Europe"),
    ("Eastern European", "Eastern Europe"), ("Western European", "Western Europe"),
    ("Central European", "Central Europe"), ("Central Asian", "Central Asia"),
    ("Middle Eastern", "Middle East"), ("Southeast Asian", "Southeast Asia"), ("South Asian", "South Asia"),
    ("East Asian", "East Asia"), ("Latin American", "Latin America"), ("North African", "North Africa"),
    ("South Caucasian", "South Caucasus"), ("Balkan", "Balkans"), ("Caspian", "Caspian Sea"),
    ("European", "Europe"), ("Asian", "Asia"), ("Eurasian", "Eurasia"), ("African", "Africa"),
    ("Arctic", "Arctic"), ("Scandinavian", "Scandinavia"), ("Baltic", "Baltics"), ("Western", "West"),
    ("Caucasian", "Caucasus"),
]
_REGION_ADJ_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(a) for a, _ in _REGION_ADJ) + r")(?=[ -][a-z])"
)
_DATELINE_RE = re.compile(r"^([A-Z][A-Z'’.-]++(?: [A-Z][A-Z'’.-]++)*+)(?=,| \(| [–—-])")


def dateline_place(doc: Doc) -> None:
    """The dateline that opens a body: "ALMATY, Kazakhstan -" / "BISHKEK (TCA) -" names a place."""
    g = doc.g
    m = _DATELINE_RE.match(doc.body)
    if m and len(m.group(1)) >= 4 and m.group(1) not in g.org_forms:
        word = m.group(1).title()
        known = g.place_forms.get(word)
        start = doc.tlen + 2
        doc.add(start, start + len(m.group(1)), "PLACE", word, place_code(g, word),
                key=place_key(known[0]) if known else "")


def coordinated_places(doc: Doc) -> None:
    """Coordinated places: "the Atyrau, Aktobe and Almaty provinces" -> one place each."""
    g = doc.g
    for m in doc.find(_LIST_PLACE_RE):
        parts = [p for p in re.split(r",? and |, ", m.group(1)) if p]
        head = LOWER_PLACE_PLURALS[m.group(4)]
        if any(p in g.country_forms or p.split()[0] in NON_NAME - {"East", "West", "North", "South"}
               for p in parts) or not doc.mask.free(m.start(), m.end()):
            continue
        found = []
        for p in parts:
            off = m.start() + m.group(0).find(p)
            found.append(Hit(off, off + len(p), "PLACE", f"{p} {head}", place_code(g, p), place_key(f"{p} {head}"),
                              off < doc.tlen))
        doc.add_all(m.start(), m.end(), found)


def headed_and_cued_places(doc: Doc) -> None:
    """Names with a lower-case place head ("Saryagash district") or after a cue ("village of Koryakovo")."""
    g = doc.g
    for m in doc.find(_LOWER_HEAD_RE):
        base = m.group(1)
        words = base.split()
        # a title stays: a facility may be named after a person ("Imam Bukhari complex")
        while words and (g.country_forms.get(words[0], ("", False))[1]
                         or words[0] in NON_NAME and words[0] not in DIRECTIONS
                         or POSS_RE.search(words[0]) and POSS_RE.sub("", words[0]) in g.country_forms):
            words.pop(0)  # "the Kazakh city of" / "Russian test site" / "Afghanistan's Balkh" are not names
        if not words or " ".join(words) in g.country_forms or words[-1] in DIRECTIONS:
            continue
        base = " ".join(words)
        off = m.start(1) + m.group(1).rfind(base)
        head = m.group(3)
        name = f"{base} {head}"
        doc.add(off, m.end(), "PLACE", name, place_code(g, base), key=place_key(name), weak=True)
    for m in doc.find(_CUE_PLACE_RE):
        name = trim_name(m.group(1))
        if name and name not in g.country_forms and name.split()[0] not in NON_NAME:
            doc.add(m.start(1), m.start(1) + len(name), "PLACE", name, place_code(g, name), key=place_key(name),
                    weak=True)


def gazetteer_places(doc: Doc) -> None:
    """Places of the gazetteer, in the text's spelling except acronyms and bare adjectives."""
    for m in doc.find(doc.g.place_re):
        canon, cc, kind = doc.g.place_forms[m.group()]
        # "ISS", "Caspian coastal city": the canonical name
        shown = canon if m.group().isupper() or (kind == "water" and canon.startswith(m.group() + " ")) \
            else m.group()
        doc.add(m.start(), m.end(), "PLACE", shown, cc, key=place_key(canon))


def places_in_context(doc: Doc) -> None:
    """"known as" names, places named with their country ("in Chiang Mai, Thailand"), the West, and
    region adjectives ("Central Asian states" -> Central Asia)."""
    g = doc.g
    for m in doc.find(_KNOWN_AS_PLACE_RE):
        name = trim_name(m.group(1))
        if name and name not in g.country_forms and name not in NON_NAME:
            doc.add(m.start(1), m.start(1) + len(name), "PLACE", name, place_code(g, name), weak=True)
    for m in doc.find(_PLACE_COMMA_COUNTRY_RE):
        name, country = m.group(1), g.country_forms.get(m.group(2))
        if country and not country[1] and name.split()[0] not in NON_NAME and not is_geo_name(g, name):
            doc.add(m.start(1), m.end(1), "PLACE", name, country[0], key=place_key(name), weak=True)
    for m in doc.find(_THE_WEST_RE):
        doc.add(m.start() + 4, m.end(), "PLACE", "West", key="west")
    for m in doc.find(_REGION_ADJ_RE):
        noun = dict(_REGION_ADJ)[m.group(1)]
        doc.add(m.start(), m.end(), "PLACE", noun, key=place_key(noun))
