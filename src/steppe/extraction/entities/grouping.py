"""Mentions grouped into entities: one per person, org, place or country of the article, with its
fullest name, its other forms as aliases and its mention count; orgs folded into their long forms
and places into their regions or fuller names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from steppe.extraction.entities.doc import Hit
from steppe.extraction.entities.lexicon import ORG_HEADS
from steppe.extraction.entities.names import acronym, norm, org_key, place_key
from steppe.extraction.gazetteer import Gazetteer, gazetteer
from steppe.extraction.model import EntityMention, EntityType


@dataclass(slots=True)
class _Entity:
    etype: EntityType
    key: str
    first: int
    forms: list[str]
    body_forms: list[str]
    code: str | None
    count: int


class _Entities:
    """Entities by (type, key), in order of first put, with the forms each was written in."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], _Entity] = {}
        self.order: list[tuple[str, str]] = []
        # membership in O(1): an entity may have many forms (all forms, body forms)
        self.seen_forms: dict[tuple[str, str], tuple[set[str], set[str]]] = {}

    def put(self, h: Hit, key: str) -> None:
        k = (h.etype, key)
        e = self.by_key.get(k)
        if e is None:
            e = self.by_key[k] = _Entity(h.etype, key, h.start, [], [], h.code, 0)
            self.order.append(k)
        e.count += 1
        e.first = min(e.first, h.start)
        seen = self.seen_forms.setdefault(k, (set(), set()))
        for f in [h.name, *h.aliases]:
            if f not in seen[0]:
                seen[0].add(f)
                e.forms.append(f)
            if not h.in_title and f not in seen[1]:
                seen[1].add(f)
                e.body_forms.append(f)
        e.code = e.code or h.code


def group(hits: list[Hit], g: Gazetteer) -> list[EntityMention]:
    """One EntityMention per entity, in order of first mention."""
    hits.sort(key=lambda h: (h.start, -h.end))
    found = _Entities()
    full = _full_names(hits)
    for h in hits:
        if h.etype == "PERSON":
            found.put(h, _person_key(h, full))
        elif h.etype == "ORG":
            found.put(h, h.key or org_key(g, h.name))
        elif h.etype == "PLACE":
            found.put(h, h.key or place_key(h.name))
        else:
            found.put(h, h.key)
    _merge_orgs(found.by_key, found.order, g)
    _merge_places(found.by_key, found.order, g)

    out: list[tuple[int, EntityMention]] = []
    for k in found.order:
        e = found.by_key.get(k)
        if e is None:
            continue
        name, aliases = _canonical(e, g)
        out.append((e.first, EntityMention(e.etype, name, e.code, aliases, e.count)))
    out.sort(key=lambda x: x[0])
    return [m for _, m in out]


def _full_names(hits: list[Hit]) -> _FullNames:
    """The persons' names of two words or more: the body's first; a headline's only for a name the body
    never gives in full."""
    several = [h for h in hits if h.etype == "PERSON" and len(h.name.split()) >= 2]
    return _FullNames([h for h in several if not h.in_title] + [h for h in several if h.in_title])


class _FullNames:
    """Names of two words or more, first mention of each in the given order, indexed by their words."""

    def __init__(self, hits: list[Hit]) -> None:
        self.by_last: dict[str, Hit] = {}  # last word -> first name ending so
        self.by_word: dict[str, list[Hit]] = {}  # word -> names holding it, in text order
        named: set[str] = set()
        for h in hits:
            if h.name in named:
                continue
            named.add(h.name)
            words = h.name.split()
            self.by_last.setdefault(words[-1], h)
            for w in dict.fromkeys(words):
                self.by_word.setdefault(w, []).append(h)

    def first_with(self, word: str) -> Hit | None:
        holders = self.by_word.get(word)
        return holders[0] if holders else None

    def containing(self, words: list[str]) -> list[Hit]:
        """Names holding every word of `words` (looked up by the rarest), in text order."""
        return min((self.by_word.get(w, []) for w in words), key=len)


def _person_key(h: Hit, full: _FullNames) -> str:
    words = h.name.split()
    if len(words) >= 2:
        for f in full.containing(words):  # "Caldwell Dyson" inside "Tracy Caldwell Dyson"
            if f.name != h.name and f.start < h.start and " ".join(words) in f.name:
                return norm(f.name)
        return norm(h.name)
    w = words[0]
    # a surname (or a first name used alone) points to its full name
    holder = full.by_last.get(w) or full.first_with(w)
    return norm(holder.name) if holder else norm(w)


# Orgs compared pair by pair for acronyms and short forms: a news article names a few dozen; past
# this many (only a flood of text does that) the rest stay as found, so the cost stays linear.
_MAX_ORGS_COMPARED = 300


def _merge_orgs(ents: dict[tuple[str, str], _Entity], order: list[tuple[str, str]], g: Gazetteer) -> None:
    orgs = [k for k in order if k[0] == "ORG" and k in ents][:_MAX_ORGS_COMPARED]
    for a in orgs:
        ea = ents.get(a)
        if ea is None:
            continue
        for b in orgs:
            eb = ents.get(b)
            if eb is None or a == b or ea is eb:
                continue
            if _org_same(ea, eb, g):
                # keep the long form, fold the short one in as an alias
                keep, drop = (ea, eb) if _longest(ea) >= _longest(eb) else (eb, ea)
                keep.count += drop.count
                keep.first = min(keep.first, drop.first)
                keep.forms += [f for f in drop.forms if f not in keep.forms]
                keep.body_forms += [f for f in drop.body_forms if f not in keep.body_forms]
                keep.code = keep.code or drop.code
                del ents[(drop.etype, drop.key)]
                if drop is ea:
                    break  # ea was folded into eb; eb carries on being compared as its own key


def _longest(e: _Entity) -> int:
    """Length of the longest non-acronym form: the long form wins over "KNB"."""
    return max((len(f) for f in e.forms if not f.isupper()), default=0)


def _org_same(a: _Entity, b: _Entity, g: Gazetteer) -> bool:
    if set(a.forms) & set(b.forms):
        return True  # "KNB" defined in parentheses after the long form, then used alone
    if ({_countries_coded(f) for f in a.forms} & {_countries_coded(f) for f in b.forms}) - {""}:
        return True  # "United States Embassy" = "US Embassy"
    for fa in a.forms:
        for fb in b.forms:
            if fa.isupper() != fb.isupper():
                acr, long_ = (fa, fb) if fa.isupper() else (fb, fa)
                if acr.replace(".", "") == acronym(long_) and len(acr) >= 2:
                    return True
                continue
            if _name_after_head(fa, fb) or _name_after_head(fb, fa):
                return True
            ta, tb = set(norm(fa).split()), set(norm(fb).split())
            small, big = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
            if len(small) >= 2 and small < big and any(w.capitalize() in ORG_HEADS for w in small):
                return True
    return False


@lru_cache(maxsize=4096)
def _countries_coded(name: str) -> str:
    """The name with each country form replaced by its code, when it holds one: "#US embassy"."""
    g = gazetteer()
    coded = g.country_re.sub(lambda m: "#" + g.country_forms[m.group()][0], name)
    return norm(coded) if coded != name else ""  # "": no country in it, nothing to compare


def _name_after_head(short: str, long_: str) -> bool:
    """"Rosatom" is the distinctive name in "State Atomic Energy Corporation Rosatom"."""
    words = long_.split()
    return " " not in short and len(words) >= 2 and words[-1] == short and words[-2] in ORG_HEADS


def _merge_places(ents: dict[tuple[str, str], _Entity], order: list[tuple[str, str]], g: Gazetteer) -> None:
    places = [k for k in order if k[0] == "PLACE" and k in ents]
    rank = {k: i for i, k in enumerate(places)}
    title_only = [k for k in places if not ents[k].body_forms]
    for k in places:
        e = ents.get(k)
        if e is None:
            continue
        # the only places that can fold into e: its bare name, if e is a region, and title-only ones
        bare = ("PLACE", k[1].removesuffix("#region")) if k[1].endswith("#region") else None
        candidates = sorted({*title_only, *([bare] if bare in rank else [])}, key=rank.__getitem__)
        for k2 in candidates:
            e2 = ents.get(k2)
            if e2 is None or e2 is e:
                continue
            # A bare name after its region was named is the region ("Kostanay region" ... "Kostanay");
            # a title short form yields to the body's fuller name ("Baikonur" -> "Baikonur Cosmodrome").
            region_then_bare = (k2[1] + "#region" == k[1] and e.first < e2.first
                                and not any(f in g.big_cities for f in e2.forms))
            title_short = not e2.body_forms and any(norm(f).startswith(k2[1] + " ") for f in e.body_forms)
            if not (region_then_bare or title_short):
                continue
            e.count += e2.count
            e.first = min(e.first, e2.first)
            del ents[k2]


def _canonical(e: _Entity, g: Gazetteer) -> tuple[str, tuple[str, ...]]:
    forms = e.body_forms or e.forms
    if e.etype == "COUNTRY":
        name = g.country_name.get(e.key, forms[0])
        return name, tuple(f for f in e.forms if f != name)
    if e.etype == "PERSON":  # the fullest form in the article, title included; a body form first
        ranked = e.body_forms + [f for f in e.forms if f not in e.body_forms]
        name = max(ranked, key=lambda f: len(f.split()))  # max keeps the first of the longest
    elif e.etype == "ORG":
        longs = [f for f in forms if not f.isupper()]
        name = max(longs, key=len) if longs else forms[0]
    else:
        return forms[0], ()
    return name, tuple(f for f in e.forms if f != name)

