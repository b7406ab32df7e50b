"""Reporter and partner of a figure: the countries of its sentence with their prepositions, read by
the spec's supplier/receiver rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from steppe.extraction.figures.countries import EU, find_countries
from steppe.extraction.figures.scans import clause_bounds
from steppe.extraction.figures.spans import Cand, Siblings

_ROLE_AFTER = re.compile(
    r"^(?:['’]s)?\s++(?:Deputy\s++|First\s++|Vice\s++)?(?:Prime\s++Minister|Minister|Ministry|President|"
    r"presidential|ambassador|Ambassador|Embassy|embassy|official|officials|government\s++official|"
    r"leader|authorities|Foreign|parliament|Parliament|envoy|delegation|counterparts?|Senate|side\s++said)",
)
_ACCORDING = re.compile(r"\b(?:according\s++to|announced\s++by|said|told|reported\s++by|cited\s++by)\s++$", re.I)
_SUPPLY_VERB = re.compile(
    r"\b(?:suppl(?:y|ies|ied|ying)|sold|sells?|sell|ship(?:s|ped)?|deliver(?:s|ed)?|export(?:s|ed)?|"
    r"provid(?:e|es|ed))\s++$", re.I
)


_ACTOR_NOUN = re.compile(
    r"(?<!\s)\s++(?:state\s++|private\s++|energy\s++|oil\s++)?(?:compan(?:y|ies)|firms?|business(?:es)?|investors?|buyers?|"
    r"importers?|exporters?|producers?|farmers?|manufacturers?|government|authorities|side|officials?|"
    r"traders?|enterprises?|banks?|giant|corporations?|operators?|suppliers?|customers|partners?|consumers|"
    r"airlines?|carriers?|refiner(?:y|ies)|mills?|factor(?:y|ies)|holdings?|conglomerates?|utilit(?:y|ies)|"
    r"agenc(?:y|ies)|ministry)\b"
)


@dataclass(slots=True)
class Ment:
    code: str
    start: int
    end: int
    prep: str  # to, from, with, between, in, through, poss, adj, other
    weak: bool


_BUYER_AFTER = re.compile(
    r"(?<!\s)\s++(?:is|was|remains|remained|became|has\s++become)\s++(?:the\s++|a\s++|its\s++)?(?:[a-z]++\s++){0,2}"
    r"(?:buyer|importer|market|destination|consumer|purchaser)s?\b"
)


def country_mentions(s: str) -> list[Ment]:
    out: list[Ment] = []
    for cm in find_countries(s):
        pre = s[max(0, cm.start - 30) : cm.start]
        post = s[cm.end : cm.end + 40]
        pm = re.search(r"\b(to|into|towards?|from|with|between|and|in|through|via|across|by|of|among)\s++"
                       r"(?:the\s++)?$", pre, re.I)
        prep = pm.group(1).lower() if pm else "other"
        if prep in ("into", "toward", "towards"):
            prep = "to"
        if prep in ("via", "across"):
            prep = "through"
        if re.match(r"['’]s\s++(?:\w++\s++)?share\b|\s++(?:accounted|accounts)\s++for\b", post):
            prep = "share"  # "Russia's share of Kyrgyz imports": the counterpart of the flow
        elif _BUYER_AFTER.match(post):
            prep = "to"  # "Russia remains the main buyer of Uzbek fruit": the destination of the exports
        elif re.match(r"['’]s\b", post):
            prep = "poss" if prep in ("other", "and", "of") else prep
        elif prep in ("other", "of", "and") and cm.demonym and re.match(r"\s++[a-z]", post):
            # "Russian gas" is goods of that origin; "Chinese companies bought" names the actor
            prep = "other" if _ACTOR_NOUN.match(post) else "adj"
        weak = cm.weak or bool(_ROLE_AFTER.match(post)) or bool(_ACCORDING.search(pre))
        if prep in ("and", "other") and out and _LIST_SEP.fullmatch(s, out[-1].end, cm.start):
            prep = out[-1].prep  # "to Italy, Turkey, and Russia": every listed country keeps the list's preposition
        out.append(Ment(cm.code, cm.start, cm.end, prep, weak))
    return out


def reporter_partner(
    metric: str, s: str, c: Cand, ms: list[Ment], home: str | None, siblings: Siblings | None = None
) -> tuple[str | None, str | None, bool]:
    """(reporter, partner, found_in_sentence) by the spec's supplier/receiver rules.

    siblings: start offsets of the sentence's other figures; a country named after a later figure
    belongs to that one ("12 Mt in total, including 3 Mt to Uzbekistan").
    """
    # "supplies to Iran (211,000 tons)": the country right before a bracketed figure is that figure's
    # counterpart, and no other figure's
    own = _attached(s, c, ms)
    whole_sentence = _candidate_sides(metric, s, c, ms, own, siblings)
    # "imports from X fell ..., while exports to Y grew ...": stay inside the figure's clause
    lo, hi = clause_bounds(s, c.start, c.end)
    strong = [m for m in whole_sentence if lo <= m.start < hi] or whole_sentence
    if not strong:
        return None, None, False
    near = _Nearest(s, c, strong)
    if metric == "exports":
        reporter, partner = _export_sides(s, near)
    elif metric == "imports":
        reporter, partner = _import_sides(near, home)
    elif metric in ("trade_turnover", "deal"):
        reporter, partner = _pair_sides(near, home)
    elif metric in ("investment", "aid"):
        reporter, partner = _investment_sides(near, home)
    else:
        reporter, partner = near.codes[0], near.codes[1] if len(near.codes) > 1 else None
    if metric in ("exports", "imports"):
        reporter, partner = _flow_sides_checked(s, c, ms, own, strong, whole_sentence, lo, reporter, partner)
    if reporter == EU:
        reporter = None
    if partner == EU or reporter == partner:
        partner = None
    return reporter, partner, True


def _candidate_sides(
    metric: str, s: str, c: Cand, ms: list[Ment], own: Ment | None, siblings: Siblings | None
) -> list[Ment]:
    """The sentence's countries that can be a side of figure c: strong mentions, not a transit country,
    not another bracketed figure's country, not past another flow's figure. The country attached to c
    takes the counterpart's preposition."""
    strong = [m for m in ms if not m.weak and m.prep != "through" and (m is own or not _holds_figure(s, m))
              and not (siblings and siblings.between(c, m.start))]
    if own is not None:
        role = {"exports": "to", "imports": "from"}.get(metric, "with")
        strong = [replace(m, prep=role) if m is own else m for m in strong]
    return strong


class _Nearest:
    """The countries of a figure's clause, asked for the one nearest the figure with given prepositions."""

    def __init__(self, s: str, c: Cand, strong: list[Ment]) -> None:
        self.s, self.c, self.strong = s, c, strong
        self.codes = list(dict.fromkeys(m.code for m in strong))

    def first(self, preps: list[str], exclude: str | None = None) -> str | None:
        """The qualifying mention nearest to the figure (a sentence may name several flows)."""
        s, c = self.s, self.c
        best: tuple[int, str] | None = None
        for m in self.strong:
            if m.prep in preps and m.code != exclude:
                gap = (m.end, c.start) if m.end <= c.start else (c.end, m.start)
                # a comma between them puts the country in a neighbouring list item ("A, 15 tons to B")
                d = gap[1] - gap[0] + (60 if s.find(",", gap[0], gap[1]) >= 0 else 0)
                if best is None or d < best[0]:
                    best = (d, m.code)
        return best[1] if best else None


def _export_sides(s: str, near: _Nearest) -> tuple[str | None, str | None]:
    """The exporter, and the destination: "to X", a share's country, or the object of a supply verb."""
    share = near.first(["share"])
    # "to X", or "supplied X with ...": the direct object of a supply verb
    for m in near.strong:
        if _SUPPLY_VERB.search(s[max(0, m.start - 25) : m.start]):
            m.prep = "to"
    partner = share or near.first(["to"])
    reporter = near.first(["from", "poss", "adj", "other", "and", "in", "of", "by"], exclude=partner)
    if partner is None and reporter is None and near.codes:
        reporter = near.codes[0]
    return reporter, partner


def _import_sides(near: _Nearest, home: str | None) -> tuple[str | None, str | None]:
    """The importer (else the article's home country), and the origin: "from X", a share's country."""
    share = near.first(["share"])
    reporter = near.first(["poss", "other", "in", "to", "by", "and"] + (["adj", "of"] if share else []),
                          exclude=share)
    partner = share or near.first(["from", "adj", "of", "with"], exclude=reporter)
    if reporter is None:
        reporter = home if home != partner else None
    return reporter, partner


def _pair_sides(near: _Nearest, home: str | None) -> tuple[str | None, str | None]:
    """Turnover and deals: the two countries named, the first one first; or home and the one "with"."""
    share = near.first(["share"])
    codes = near.codes
    with_ = near.first(["with", "between", "and", "to", "from"])
    if share is not None:
        others = [x for x in codes if x != share]
        return (others[0] if others else home), share
    if len(codes) >= 2:
        return codes[0], codes[1]
    if with_ is not None and with_ != home and near.strong[0].prep in ("with", "to", "from"):
        return home, with_
    return codes[0], None


def _investment_sides(near: _Nearest, home: str | None) -> tuple[str | None, str | None]:
    """The investor or donor first; the recipient "in X" / "to X"."""
    partner = near.first(["in", "to", "for"])
    reporter = near.first(["from", "poss", "adj", "other", "by", "and", "with"], exclude=partner)
    if reporter is None:
        reporter = home if home != partner else None
    return reporter, partner


def _flow_sides_checked(
    s: str, c: Cand, ms: list[Ment], own: Ment | None, strong: list[Ment], whole_sentence: list[Ment], lo: int,
    reporter: str | None, partner: str | None,
) -> tuple[str | None, str | None]:
    """Exports and imports: the sentence's subject when no reporter was found; no partner when the
    figure goes to something other than a country, or to a list of countries."""
    if reporter is None:
        # "A's imports from B reached X, while exports to B were Y": the acting country is the sentence's subject
        subjects = [m for m in whole_sentence if m.start < lo and m.prep in ("poss", "other") and m.code != partner]
        reporter = subjects[0].code if subjects else None
    if own is None and _names_other_side(s, c, ms):
        partner = None  # "495,000 tons to Central Asian countries": its own counterpart is no country
    if own is None and partner is not None and _in_country_list(s, strong, partner):
        partner = None  # "exported to Italy, Turkey, and Russia": several countries share one figure
    return reporter, partner


_BRACKET_BEFORE = re.compile(r"\(\s*+(?:(?:about|some|over|nearly|almost|around|approximately|roughly)\s++)?$", re.I)
_BRACKET_FIGURE_AFTER = re.compile(
    r"(?<!\s)\s*+\(\s*+(?:(?:about|some|over|nearly|almost|around|approximately|roughly)\s++)?(?:[$€£¥₸₽]|US\$|\d)"
)
_LIST_SEP = re.compile(r"(?<!\s)\s*+(?:,\s*+(?:and\s++|or\s++)?|and\s++|or\s++|&\s*+)(?:the\s++)?$")


_OWN_SIDE_AFTER = re.compile(r"(?<!\s)(?:\s++(?:of\s++)?[a-z]++){0,3}?\s++(?:to|from)\b(?P<rest>.{0,40})", re.S)


def _names_other_side(s: str, c: Cand, ms: list[Ment]) -> bool:
    """Whether "to ..."/"from ..." right after the figure names something other than a country."""
    m = _OWN_SIDE_AFTER.match(s, c.end)
    if m is None:
        return False
    if _LEVEL_AFTER.match(m.group("rest")):
        return False  # "surged 5.5-fold to 1.4 million tons": "to" gives a level, not a destination
    rest = m.start("rest")
    return not any(rest <= x.start <= rest + 25 for x in ms)


_LEVEL_AFTER = re.compile(
    r"(?<!\s)\s*+(?:(?:about|over|nearly|almost|around|some|more|less|just|roughly|only)\b|[\d$€£¥₸₽]|US\$)"
)


def _attached(s: str, c: Cand, ms: list[Ment]) -> Ment | None:
    """The country named right before the bracket that opens with figure c ("China (1.3 million tons)")."""
    gap = s[max(0, c.start - 20) : c.start]
    if not _BRACKET_BEFORE.search(gap):
        return None
    bracket = c.start - len(gap) + gap.rindex("(")
    return next((m for m in ms if 0 <= bracket - m.end <= 1), None)


def _holds_figure(s: str, m: Ment) -> bool:
    """Whether a bracketed figure follows the country mention (it belongs to that figure)."""
    return _BRACKET_FIGURE_AFTER.match(s, m.end) is not None


_REGIONS = (r"(?:Europe|the\s++EU|the\s++European\s++Union|Asia|Central\s++Asia|the\s++Middle\s++East|Africa|"
            r"the\s++Gulf|the\s++CIS|other\s++countries|other\s++markets|others)")
_REGION_LISTED_AFTER = re.compile(rf"(?<!\s)\s*+(?:,\s*+(?:and\s++)?|and\s++|or\s++){_REGIONS}\b")
_REGION_LISTED_BEFORE = re.compile(rf"\b{_REGIONS}\s*+(?:,\s*+(?:and\s++)?|and\s++|or\s++)(?:the\s++)?$")


def _in_country_list(s: str, ms: list[Ment], code: str) -> bool:
    """Whether a mention of `code` is coordinated with another country ("to Italy, Turkey, and Russia")."""
    for i, m in enumerate(ms):
        if m.code != code:
            continue
        if _REGION_LISTED_AFTER.match(s, m.end) or _REGION_LISTED_BEFORE.search(s[max(0, m.start - 40) : m.start]):
            return True  # "to Turkey and Europe": a country and a region share the figure
        for other in (ms[i - 1] if i > 0 else None, ms[i + 1] if i + 1 < len(ms) else None):
            if other is None or other.code == code:
                continue
            a, b = (other, m) if other.start < m.start else (m, other)
            if b.start - a.end <= 12 and _LIST_SEP.fullmatch(s, a.end, b.start):
                return True
    return False
