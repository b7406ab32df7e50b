"""Organisations: coordinated names, the gazetteer, official names in lower case, courts, brand-shaped
names, names after role or descriptor cues, "also known as" names and names with a lower-case org noun.
"""

from __future__ import annotations

import re

from steppe.extraction.entities.doc import Doc, Hit
from steppe.extraction.entities.lexicon import NON_NAME, ORG_HEADS, ORG_PLURAL_HEADS, TITLES
from steppe.extraction.entities.names import is_geo_name, norm, org_key, trim_name
from steppe.extraction.entities.tokens import CAP_RUN, STARTED_CAP_RUN

_LOWER_OFFICIAL_RE = re.compile(
    r"(?<=['’]s )(?:ministry|committee|agency|department|service) (?:of|for) [a-z]++(?: [a-z]++)*?"
    r"(?= (?:has|have|had|is|was|were|will|would|said|says|reported|announced|stated|noted|"
    r"confirmed|which|that|to|in|on|at|with)\b|[,.;:])"
)
# Patterns with a group named "tail" match without it too: they then consume the run of words they
# repeat, so the search goes on after the run instead of retrying from each of its words (which
# costs the square of the run); find_bounded drops those matches.
_COURT_RE = re.compile(
    r"(?<![\w-])(?:(?!(?:The|A|An|In|At|On|By|From|To) )[A-Z][\w-]++ )?"
    r"(?:(?:inter-?district|district|regional|city|municipal|military|specialized|"
    r"specialised|economic|appeals|supreme|constitutional|administrative|criminal|civil|juvenile)[ -])++"
    r"(?P<tail>court (?:of|in) (?:the )?[A-Z][\w-]*+(?: [A-Z][\w-]*+)*+)?"
)
_MEDIA_DOMAIN_RE = re.compile(r"(?<![\w./-])[A-Z][\w-]*+\.(?:kz|uz|kg|tj|tm|ru|az|media|news)(?![\w/.])")
_CAMEL_RE = re.compile(r"(?<![\w-])(?!Mc|Mac)(?:[A-Z][a-z]++[A-Z]\w*+|[A-Z]{2,}+[a-z]{2,}+\w*+)(?![\w-])")
_ROLE_OF_RE = re.compile(
    rf"\b(?:director|founder|co-founder|CEO|chief executive|head|chairman|chairwoman|owner|"
    rf"shareholders?|employees?|staff|spokesperson|spokesman|spokeswoman|subsidiary|branch) of (?:the )?"
    rf"({CAP_RUN})"
)
_DESCRIPTOR_RE = re.compile(
    rf"\b(?:company|firm|giant|operator|manufacturer|carrier|publication|outlet|broadcaster|"
    rf"news agency|platform|startup|start-up|holding|subsidiary|conglomerate|producer|developer|"
    rf"retailer|airline|bank|insurer|exchange|website|portal|newspaper|channel|magazine)"
    rf",? ({CAP_RUN})"
)
_COORD_ORG_RE = re.compile(  # 1: the list, 4: words before the head, 5: the head
    r"\b(?<![A-Z][-'’.])(?=[A-Z])((?:[A-Z][a-z]++, (?!and ))*+(?:[A-Z][a-z]++(?:,? and (?P<and>)[A-Z][a-z]++)?)?)"
    r"(?(and)(?P<tail> ((?:[A-Z][a-z]+ )*)(" + "|".join(ORG_PLURAL_HEADS) + r")\b)?)"
)
_LOWER_ORG_RE = re.compile(
    rf"({STARTED_CAP_RUN})(?P<tail> (?:organization|organisation|movement|party|foundation|group|company|"
    rf"corporation|holding|bank|news agency|agency|charity|fund|association|union|network|airline|"
    rf"think tank|consortium|joint venture|venture|enterprise|cooperative)\b)?"
)
_AKA_RE = re.compile(
    r"[“\"]?(?<![A-Z])(?<![A-Z]-)([A-Z][\w-]*+(?: [A-Z][\w-]*+)*+)"
    r"(?P<tail>[,”\"]*+ (?:also known as|aka|a\.k\.a\.) (?:the )?)?"
)
# The capitalised words after a gazetteer org ("OSCE Academy", "UN Security Council"): group 2, the
# last of them, is checked for an org head.
_PREV_WORD_RE = re.compile(r"(?<!\w)([A-Z]\w*+) $")


def _cap_word_before(text: str, i: int) -> str:
    """The capitalised word and single space right before position i, or ""."""
    m = _PREV_WORD_RE.search(text, max(0, i - 30), i)
    return m.group(1) if m else ""


_NEXT_CAP_WORDS_RE = re.compile(r" ((?:[A-Z][\w'’-]+ )*)([A-Z][\w'’-]+)")



def coordinated_orgs(doc: Doc) -> None:
    """Coordinated org names: "the Russian and Tajik Interior Ministries" -> two orgs."""
    for m in doc.find(_COORD_ORG_RE):
        parts = re.split(r",? and |, ", m.group(1))
        if not all(p in doc.g.country_forms for p in parts):
            continue
        mid, head = m.group(4), ORG_PLURAL_HEADS[m.group(5)]
        if doc.mask.free(m.start(), m.end()):
            doc.add_all(m.start(), m.end(), [
                Hit(m.start(), m.end(), "ORG", f"{p} {mid}{head}", None, norm(f"{p} {mid}{head}"),
                     m.start() < doc.tlen)
                for p in parts
            ])


def gazetteer_orgs(doc: Doc) -> None:
    """Orgs of the gazetteer (longest first, case-sensitive), unless a longer name is built on them."""
    text = doc.text
    for m in doc.find(doc.g.org_re):
        canon, cc = doc.g.org_forms[m.group()]
        nxt = _NEXT_CAP_WORDS_RE.match(text[m.end():m.end() + 60])
        if nxt and nxt.group(2) in ORG_HEADS:
            continue  # "OSCE Academy", "UN Security Council": the longer name is built on head words
        if _cap_word_before(text, m.start()) in ORG_HEADS:
            continue  # "State Atomic Energy Corporation Rosatom": likewise
        if doc.mask.free(m.start(), m.end()):
            found = doc.add(m.start(), m.end(), "ORG", m.group(), cc, key=norm(canon))
            if found and canon == "European Union":
                doc.hits.append(Hit(m.start(), m.end(), "PLACE", "European Union", None, "european union",
                                     m.start() < doc.tlen))


def lower_case_orgs(doc: Doc) -> None:
    """Official names written in lower case ("Kazakhstan's ministry of energy"), and court names."""
    for rx in (_LOWER_OFFICIAL_RE, _COURT_RE):
        for m in doc.find(rx):
            doc.add(m.start(), m.end(), "ORG", m.group())


def shaped_and_cued_orgs(doc: Doc) -> None:
    """Media domains (Vlast.kz), mixed-case brand names (TikTok, UzGasTrade, LUKoil) and names after a
    role or a descriptor ("founder of X", "the company X")."""
    g = doc.g
    for m in doc.find(_MEDIA_DOMAIN_RE):
        doc.add(m.start(), m.end(), "ORG", m.group(), weak=True)  # "Vlast.kz", "Kun.uz": outlets, not URLs
    for m in doc.find(_CAMEL_RE):
        w = m.group()
        if is_geo_name(g, w):
            continue
        doc.add(m.start(), m.end(), "ORG", w, key=org_key(g, w), weak=True)
    for rx in (_ROLE_OF_RE, _DESCRIPTOR_RE):
        for m in doc.find(rx):
            name = trim_name(m.group(1))
            if not name or is_geo_name(g, name):
                continue
            if name.split()[0] in g.first_names or name in NON_NAME or name.split()[0] in TITLES:
                continue
            doc.add(m.start(1), m.start(1) + len(name), "ORG", name, weak=True)


def also_known_as_orgs(doc: Doc) -> None:
    """"the “Khorasan Willayat,” also known as the Islamic State of Khorasan Province": one org."""
    for m in doc.find(_AKA_RE):
        target = next((h for h in doc.hits if h.etype == "ORG" and h.start == m.end()), None)
        if target and doc.mask.free(m.start(1), m.end(1)):
            doc.add_all(m.start(1), m.end(1), [
                Hit(m.start(1), m.end(1), "ORG", m.group(1), target.code, target.key, m.start(1) < doc.tlen)
            ])


def org_noun_names(doc: Doc) -> None:
    """"the Tong Jahoni organization", "the Amanat party": a name with a lower-case org noun."""
    g = doc.g
    for m in doc.find(_LOWER_ORG_RE):
        words = m.group(1).split()
        while words and (words[0] in TITLES or words[0] in g.country_forms or words[0] in NON_NAME):
            words.pop(0)
        if not words or any(is_geo_name(g, w) for w in words):
            continue
        base = " ".join(words)
        off = m.start(1) + m.group(1).rfind(base)
        doc.add(off, off + len(base), "ORG", base, weak=True)
