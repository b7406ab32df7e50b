"""Persons: runs of capitalised words left over by the org and place passes, stripped of titles and
roles, kept on evidence (a title, a role noun, a given name, a speech verb, an age, a surname shape);
then headline mentions and lone surnames resolved to the body's full names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from steppe.extraction.entities.doc import Doc, Hit
from steppe.extraction.entities.lexicon import (
    HEADS,
    KIN_NOUNS,
    LOWER_FUNCTION,
    NATURE_WORDS,
    NON_NAME,
    ROLE_NOUNS,
    SPEECH_VERBS,
    STRONG_TITLES,
    TITLE_MODIFIERS,
    TITLES,
)
from steppe.extraction.entities.person_words import (
    english_lead_end,
    given_name_first,
    given_name_like,
    is_descriptor,
    job_title_end,
    lone_name,
    surname_like,
    title_of_before,
)
from steppe.extraction.entities.tokens import Tok, gap_ok, span_text

_INITIAL_RE = re.compile(r"(?:[A-Z]\.)+")
# Context around a person candidate.
_CUED_AFTER_RE = re.compile(r"[’']?s?,? (?:who|whose|said|says|told|added|noted|stressed|explained)\b")
_WORDISH_RE = re.compile(r"[\w-]+")
_NEXT_AFTER_NAME_RE = re.compile(r"[’']?s?,? ?(?:\((\d+)\)|([a-z]+))?")  # group 1: "(45)", group 2: a word
_AGE_AFTER_RE = re.compile(r", \d{2},")
# "a girl named Yakujan", "her son, nicknamed Bobo": a lone given name introduced as a person's
_NAMED_RE = re.compile(r"\b(?:man|woman|boy|girl|child|baby|person|son|daughter|wife|husband|brother|sister|"
                       r"mother|father|resident|student|teacher|farmer|worker|migrant|herder|shepherd|driver),? "
                       r"(?:(?:was|is) )?(?:named|called|nicknamed) $")
# An author or maker named after the work: "written by Fozil Mashrab", "photographed by ..."
_BYLINE_RE = re.compile(r"\b(?:written|authored|co-authored|compiled|edited|translated|photographed|filmed|"
                        r"narrated|directed|composed|painted|illustrated|interviewed) by $")
_APPOS_AFTER_RE = re.compile(r", (?:the|a|an|who|head|chief|senior|former|deputy|director|founder)\b")
_BRACKET_BEFORE_RE = re.compile(r"(?<!\w)[A-Z]\w++ \($")
_PATRONYMICS = frozenset("kyzy uulu uly qizi ugli kizi".split())
_PARTICLES = frozenset("von van der den de da du di del della la le al el bin ibn ben ul y".split())


def persons(doc: Doc) -> set[str]:
    """Adds the article's persons and claims their characters; returns the words of their names."""
    found = _persons(doc, _short_forms(doc.hits))
    for p in found:
        doc.hits.append(p)
        doc.mask.claim(p.start, p.end, 2)
    return {w for p in found for w in p.name.split()}


def _short_forms(hits: list[Hit]) -> set[str]:
    """Org and place names without their head words: "Tigrovaya Balka" of "Tigrovaya Balka Nature Reserve"."""
    out: set[str] = set()
    for h in hits:
        words = h.name.split()
        if h.etype in ("ORG", "PLACE") and words and words[-1] in HEADS:
            while words and (words[-1] in HEADS or words[-1] in NATURE_WORDS):
                words.pop()
            if len(words) >= 2:
                out.add(" ".join(words))
    return out


def _persons(doc: Doc, short_forms: set[str]) -> list[Hit]:
    runs = _capitalised_runs(doc)
    cued = _cued_words(doc, runs)
    out: list[Hit] = []
    full: list[Hit] = []
    for run in runs:
        if doc.toks[run[0]].start < doc.tlen:
            continue  # title-case headlines are matched to body persons afterwards
        found = _run_person(doc, run, cued, short_forms)
        if found is not None:
            out.append(found[0])
            if found[1]:
                full.append(found[0])
    by_word = _title_mentions(doc, full, out)
    _headline_full_names(doc, out, by_word)
    _stage_names(doc.text, out, full)
    return _resolved(out, by_word)


def _capitalised_runs(doc: Doc) -> list[list[int]]:
    """Token indexes of the runs of free capitalised words, with initials, particles and patronymics."""
    text, toks, mask = doc.text, doc.toks, doc.mask
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, t in enumerate(toks):
        ok = t.cap and t.text[:1].isalpha() and mask.free(t.start, t.end) and not t.text.isupper()
        ok = ok or (t.text in ("MP", "MPs", "CEO") and mask.free(t.start, t.end))
        ok = ok or bool(_INITIAL_RE.fullmatch(t.text)) and bool(cur)  # "Donald J. Trump", "J.D. Vance"
        # particles inside a name: "Ursula von der Leyen", "Abu Bakr al-Baghdadi"
        ok = ok or (t.text in _PARTICLES and bool(cur) and i + 1 < len(toks) and (toks[i + 1].cap or
                    toks[i + 1].text in _PARTICLES) and gap_ok(text, t, toks[i + 1]))
        # a Kyrgyz/Kazakh patronymic closes a name: "Makhabat Tazhibek kyzy", "Nurlan Ermek uulu"
        ok = ok or (t.text in _PATRONYMICS and bool(cur) and gap_ok(text, toks[cur[-1]], t))
        if ok and cur and not gap_ok(text, toks[cur[-1]], t):
            runs.append(cur)
            cur = []
        if ok:
            cur.append(i)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    return runs


def _cued_words(doc: Doc, runs: list[list[int]]) -> set[str]:
    """Single capitalised words used like a person elsewhere ("Surayo, who performs", "Rahmon said")."""
    toks = doc.toks
    return {
        toks[r[0]].text for r in runs
        if len(r) == 1 and _CUED_AFTER_RE.match(doc.text[toks[r[0]].end:toks[r[0]].end + 12])
    }


@dataclass(slots=True)
class _Candidate:
    """The words of a run left once titles and roles are stripped, and what the stripping told."""

    words: list[Tok]
    titled: bool  # a title or role stood before the name
    strong: bool  # that title alone makes a lone word a person ("President Tokayev")


def _run_person(doc: Doc, run: list[int], cued: set[str], short_forms: set[str]) -> tuple[Hit, bool] | None:
    """The person a run names, if the evidence holds, and whether it is a full name (two words or more)."""
    cand = _stripped(doc, run)
    if cand is None:
        return None
    around = _Around.of(doc.text, cand.words[0].start, cand.words[-1].end)
    if len(cand.words) >= 2:
        hit = _full_name(doc, cand, around, cued, short_forms)
        return (hit, True) if hit else None
    hit = _lone_word(doc, cand, around)
    return (hit, False) if hit else None


def _stripped(doc: Doc, run: list[int]) -> _Candidate | None:
    """The run without leading titles, roles and English words and trailing non-name words; None when
    what is left is too long or holds a word that is no name."""
    text, toks, g = doc.text, doc.toks, doc.g
    words = [toks[i] for i in run]
    # "Minister of Transport Azim Ibrohim": the run opens inside a title
    titled = title_of_before(text, words[0].start) and words[0].text in TITLE_MODIFIERS
    strong = False
    while words and (words[0].text in TITLES or words[0].text in g.country_forms or words[0].text in
                     g.org_forms or words[0].text in NON_NAME or words[0].text.rstrip(".") in TITLES
                     or is_descriptor(words[0].text, g)) and not given_name_first(words, g):
        titled = titled or (words[0].text in TITLES and words[0].text not in TITLE_MODIFIERS)
        strong = strong or words[0].text in STRONG_TITLES or words[0].text.rstrip(".") in STRONG_TITLES
        words.pop(0)
    words = words[english_lead_end(words, g):]
    # a job title of several words: "Managing Director Bauyrzhan Urynbasarov", "Chief Executive Officer X"
    cut = job_title_end(words, g)
    if cut:
        titled = True
        strong = strong or any(w.text in STRONG_TITLES for w in words[:cut])
        words = words[cut:]
    titled = titled or any("-" in w.text and any(p.capitalize() in TITLES for p in w.text.split("-"))
                           for w in [toks[i] for i in run][: len(run) - len(words)])
    while words and (words[-1].text in NON_NAME or words[-1].text in g.country_forms
                     or words[-1].text in TITLES):
        words.pop()
    if not words or len(words) > (6 if any(w.text in _PARTICLES for w in words) else 4):
        return None
    if any((w.text in NON_NAME and not (k == 0 and given_name_first(words, g))) or w.text in g.country_forms
           or w.text in g.org_forms or w.text in g.place_forms or w.text in HEADS for k, w in enumerate(words)):
        return None
    return _Candidate(words, titled, strong)


@dataclass(slots=True)
class _Around:
    """The text around a candidate name and the cues it holds."""

    before: str
    after: str
    prev_word: str
    role_before: bool  # "activist Hamida Babajanova"
    verb_after: bool  # "Rahmon said"
    age_after: bool  # "Vucic, 54," / "Vucic (54)"
    appos_after: bool  # "Vucic, the president"

    @classmethod
    def of(cls, text: str, start: int, end: int) -> _Around:
        before = text[max(0, start - 40):start]
        prev_word = (_WORDISH_RE.findall(before)[-1:] or [""])[0]
        after = text[end:end + 40]
        nxt = _NEXT_AFTER_NAME_RE.match(after)
        return cls(
            before, after, prev_word, prev_word in ROLE_NOUNS,
            verb_after=bool(nxt and nxt.group(2) in SPEECH_VERBS),
            age_after=bool(nxt and nxt.group(1)) or bool(_AGE_AFTER_RE.match(after)),
            appos_after=bool(_APPOS_AFTER_RE.match(after)),
        )


def _full_name(doc: Doc, cand: _Candidate, around: _Around, cued: set[str], short_forms: set[str]) -> Hit | None:
    """A name of two words or more, on strong evidence, or on a name-like shape that no city or English
    word contradicts."""
    text, g, words = doc.text, doc.g, cand.words
    start, end = words[0].start, words[-1].end
    first, last = words[0].text, words[-1].text
    before, after = around.before, around.after
    # "Assol (Asel Sabyrzhankyzy)": a full name in brackets right after a capitalised name
    in_brackets = before.endswith("(") and after.startswith(")") and bool(_BRACKET_BEFORE_RE.search(before))
    according = before.endswith(("according to ", "According to ")) or bool(_BYLINE_RE.search(before))
    strong_ev = (cand.titled or around.role_before or around.age_after or around.appos_after or in_brackets
                 or according or first in g.first_names)
    # a name-like ending or a following "said" is weak evidence: "Berlin Wall", "Golden Horde"
    # also end in "-in"/"-de"; require then that no word is a city or an English word
    weak_ev = (around.verb_after or last in cued or surname_like(last) or surname_like(first)) and not any(
        w.text in g.cities or w.text.lower() in g.nouns or w.text.lower() in g.common_words
        for w in words
    )
    if span_text(text, start, end) in short_forms:
        return None  # the short form of an org or place named in the article
    if words[0].sent_start and first.lower() in LOWER_FUNCTION:
        return None
    if not (strong_ev or weak_ev):
        return None
    if last in g.cities and not (first in g.first_names or cand.titled or around.role_before or according):
        return None
    return Hit(start, end, "PERSON", span_text(text, start, end), None, "", False)


def _lone_word(doc: Doc, cand: _Candidate, around: _Around) -> Hit | None:
    """A single word: a person after a strong title, a kin noun or a role; a name-like word before a
    speech verb or an age; any other word only if it resolves to a full name later (key "?")."""
    g, w = doc.g, cand.words[0]
    kin = around.prev_word in KIN_NOUNS and around.before.rstrip().endswith(",") or bool(
        _NAMED_RE.search(around.before))
    if (cand.strong or kin or (around.role_before and not w.sent_start)) and w.text not in g.cities:
        return Hit(w.start, w.end, "PERSON", w.text, None, "", False)
    if (around.verb_after or around.age_after or around.appos_after) and lone_name(w, g):
        return Hit(w.start, w.end, "PERSON", w.text, None, "", False)  # "Yakujan said", "Vucic, 54,"
    if around.verb_after or around.age_after or w.poss:
        return Hit(w.start, w.end, "PERSON", w.text, None, "?", False)  # only if it resolves
    return None


def _title_mentions(doc: Doc, full: list[Hit], out: list[Hit]) -> dict[str, Hit]:
    """Headline words of the body's full names become mentions of them; returns the full names by word."""
    text, toks, tlen = doc.text, doc.toks, doc.tlen
    by_word: dict[str, Hit] = {}
    for h in full:
        for word in h.name.split():
            by_word.setdefault(word, h)
    i = 0
    while i < len(toks) and toks[i].start < tlen:
        t = toks[i]
        if t.cap and t.text in by_word and doc.mask.free(t.start, t.end):
            j = i  # "Samat Abish" in a headline is one mention, not two
            while (j + 1 < len(toks) and toks[j + 1].start < tlen and by_word.get(toks[j + 1].text) is by_word[t.text]
                   and gap_ok(text, toks[j], toks[j + 1])):
                j += 1
            out.append(Hit(t.start, toks[j].end, "PERSON", span_text(text, t.start, toks[j].end), None, "", True))
            i = j + 1
            continue
        i += 1
    return by_word


def _headline_full_names(doc: Doc, out: list[Hit], by_word: dict[str, Hit]) -> None:
    """A name the body gives alone ("Saidov said") and the headline in full ("Bakhtiyor Saidov Visits Riga")."""
    text, toks, g = doc.text, doc.toks, doc.g
    lone = {h.name for h in out if not h.in_title and " " not in h.name}
    for i in range(1, len(toks)):
        t, p = toks[i], toks[i - 1]
        if t.start >= doc.tlen:
            break
        if (t.text in lone and t.text not in by_word and p.cap and gap_ok(text, p, t) and given_name_like(p.text, g)
                and doc.mask.free(p.start, t.end)):
            out.append(Hit(p.start, t.end, "PERSON", f"{p.text} {t.text}", None, "", True))
            by_word.setdefault(t.text, out[-1])


def _stage_names(text: str, out: list[Hit], full: list[Hit]) -> None:
    """A stage name followed by the real one, "artist Assol (Asel Sabyrzhankyzy)": one person."""
    starts = {h.start: h for h in full}
    for h in out:
        if len(h.name.split()) == 1 and text.startswith(" (", h.end) and h.end + 2 in starts:
            h.aliases.append(h.name)
            h.name = starts[h.end + 2].name


def _resolved(out: list[Hit], by_word: dict[str, Hit]) -> list[Hit]:
    """The persons found, without the lone words that resolved to no full name."""
    kept: list[Hit] = []
    for h in out:
        if h.key == "?" and h.name not in by_word:
            continue
        h.key = ""
        kept.append(h)
    return kept
