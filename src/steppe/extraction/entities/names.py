"""Keys, codes and small tests on names, shared by the passes and the grouping."""

from __future__ import annotations

import re

from steppe.extraction.entities.lexicon import LOWER_FUNCTION, TITLES
from steppe.extraction.gazetteer import Gazetteer


def norm(s: str) -> str:
    s = s.replace("’", "'").replace("\u00a0", " ")
    s = re.sub(r"^(?:the|The)\s+", "", s.strip())
    return " ".join(s.split()).lower()


def place_key(name: str) -> str:
    """Region, province and oblast are one class: "Turkestan region" = "Turkestan province"."""
    k = norm(name)
    k = re.sub(r" (?:region|province|oblast|oblysy)$", "#region", k)
    return k


def org_key(g: Gazetteer, name: str) -> str:
    if name in g.org_forms:
        return norm(g.org_forms[name][0])
    return norm(name)


def trim_name(s: str) -> str:
    words = s.split()
    while words and (words[-1].lower() in LOWER_FUNCTION or words[-1] in TITLES):
        words.pop()
    return " ".join(words)


def is_geo_name(g: Gazetteer, name: str) -> bool:
    """A country form, a gazetteer place or a city: not an org name."""
    return name in g.country_forms or name in g.place_forms or name in g.cities


def place_code(g: Gazetteer, name: str) -> str | None:
    base = re.sub(r" (?:region|province|oblast|Oblast|Region|Province|district|District|city)$", "", name)
    if base in g.place_forms:
        return g.place_forms[base][1]
    return g.cities.get(base)


def org_code(g: Gazetteer, name: str) -> str | None:
    # "Kyrgyz Ministry of Economy", "Ministry of Health of the Kyrgyz Republic": the country named in it.
    for m in g.country_re.finditer(name):
        if m.start() == 0 or name[: m.start()].endswith(("of ", "of the ")):
            return g.country_forms[m.group()][0]
    return None


def acronym(s: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", s) if w[0].isupper() or len(w) > 3).upper()

