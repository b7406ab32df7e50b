"""Word lists for figure extraction: currencies, units, metric cues, exclusion cues, commodities.

Kept apart from the control flow in figures.py so that rules stay readable and testable.
Every list is general English news vocabulary, not tuned to particular articles.
"""

from __future__ import annotations

import functools
import re

# --- currencies -------------------------------------------------------------------------------

# Prefix symbols -> ISO 4217 ("¥" is resolved by context: yen near Japan, yuan otherwise).
SYMBOLS: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "US $": "USD", "HK$": "HKD", "C$": "CAD", "A$": "AUD", "S$": "SGD",
    "$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₸": "KZT", "₽": "RUB", "₺": "TRY", "₹": "INR",
}
# ISO codes written as such; "RMB" is the usual press spelling of CNY.
CODES: dict[str, str] = {
    c: c for c in (
        "USD EUR GBP CNY JPY KZT UZS KGS TJS TMT RUB CHF TRY AED INR PKR IRR AFN AZN GEL AMD BYN UAH "
        "KRW SAR QAR CAD AUD KWD MNT"
    ).split()
} | {"RMB": "CNY"}
# Currency names after a number ("500 million tenge"). Value: code, or "?som"/"?manat"/... for
# names shared by two countries, resolved from the sentence/article (see figures._resolve_currency).
NAMES: dict[str, str] = {
    "dollars": "USD", "dollar": "USD", "US dollars": "USD", "U.S. dollars": "USD", "USD": "USD",
    "American dollars": "USD", "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP",
    "British pounds": "GBP", "sterling": "GBP", "yuan": "CNY", "Chinese yuan": "CNY", "renminbi": "CNY",
    "yen": "JPY", "Japanese yen": "JPY", "rubles": "RUB", "ruble": "RUB", "roubles": "RUB",
    "rouble": "RUB", "Russian rubles": "RUB", "tenge": "KZT", "Kazakh tenge": "KZT",
    "soms": "?som", "som": "?som", "Kyrgyz soms": "KGS", "Kyrgyz som": "KGS",
    "sums": "UZS", "sum": "UZS", "soums": "UZS", "soum": "UZS", "so'm": "UZS", "so’m": "UZS",
    "Uzbek soums": "UZS", "Uzbek sums": "UZS", "Uzbek som": "UZS",
    "manats": "?manat", "manat": "?manat", "Turkmen manats": "TMT", "Azerbaijani manats": "AZN",
    "somoni": "TJS", "somonis": "TJS", "Tajik somoni": "TJS", "Swiss francs": "CHF", "francs": "CHF",
    "lira": "TRY", "liras": "TRY", "Turkish lira": "TRY", "rupees": "?rupee", "dirhams": "AED",
    "riyals": "SAR", "rials": "IRR", "afghanis": "AFN", "lari": "GEL", "drams": "AMD",
    "hryvnias": "UAH", "hryvnia": "UAH", "won": "KRW", "tugriks": "MNT",
}
# Scale words before a currency name that must appear for the name to count ("won" is a verb).
NEEDS_SCALE = {"won", "sum", "som"}


@functools.cache
def valid_iso4217() -> frozenset[str]:
    """ISO 4217 codes known to pycountry (loaded lazily)."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


# --- units ------------------------------------------------------------------------------------

# regex -> (unit, multiplier). Gas volumes: "billion cubic meters" is handled in figures.py so
# that the scale word becomes the bcm unit rather than a multiplier (spec: bcm kept, 2.8).
UNITS: list[tuple[str, str, float]] = [
    (r"metric\s++tons|metric\s++tonnes|tonnes|tons|tonne|ton", "t", 1.0),
    (r"kilograms|kilogrammes|kg", "t", 0.001),
    (r"bcm|bcm/y", "bcm", 1.0),
    (r"tcm", "bcm", 1000.0),
    (r"mcm", "m3", 1e6),
    (r"cubic\s++met(?:er|re)s?|m3|m³|cu\.?\s?m", "m3", 1.0),
    (r"megawatts?|MW", "MW", 1.0),
    (r"gigawatts?|GW", "MW", 1000.0),
    (r"kilowatt[-\s]hours?|kWh|kwh", "kWh", 1.0),
    (r"megawatt[-\s]hours?|MWh", "kWh", 1e3),
    (r"gigawatt[-\s]hours?|GWh", "kWh", 1e6),
    (r"terawatt[-\s]hours?|TWh", "kWh", 1e9),
    (r"barrels|bbl", "barrels", 1.0),
    (r"litres|liters|litre|liter", "L", 1.0),
    (r"hectolitres|hectoliters", "L", 100.0),
    (r"hectares|hectare|ha", "ha", 1.0),
    # containers counted in twenty-foot equivalents, before the generic "units" below
    (r"TEUs|TEU|twenty-foot\s++equivalent\s++units", "TEU", 1.0),
    (r"head(?=\s++of\s++(?:cattle|livestock|sheep|horses|goats|camels|pigs|animals|small\s++cattle))",
     "head", 1.0),
    # goods counted in containers or loads ("16 truckloads of marble"); figures.py requires "of" and a flow verb
    (r"units|truckloads|carloads|wagonloads|shiploads|containers|boxes|bags|sacks|cartons|pallets|crates|"
     r"consignments|batches", "units", 1.0),
]

# --- metric cues ------------------------------------------------------------------------------

# (regex, metric). Matched case-insensitively over a sentence; the cue nearest the figure wins
# (figures.py). Ordered only for readability.
METRIC_CUES: list[tuple[str, str]] = [
    (r"export(?:s|ed|ing|ers?)?|re-export\w*+|suppl(?:y|ies|ied|ying)|shipp?(?:ed|ing|ments?)|"
     r"deliver(?:y|ies|ed|ing)|sold|sells?|sales\s++abroad|transfer(?:s|red)?|outflows?", "exports"),
    (r"import(?:s|ed|ing|ers?)?|receiv(?:e|es|ed|ing)|purchas(?:e|es|ed|ing)|bought|buy(?:s|ing)?|"
     r"procure(?:s|d|ment)?", "imports"),
    (r"trade\s++(?:deficit|surplus|balance|gap)|consum\w*+|demand|deficits?|shortfalls?|shortages?|"
     r"(?:be|fall|falls|fell|run|runs|ran)\s++short", "other"),
    (r"turnover|trade(?!\s++(?:deficit|surplus|balance|gap|minist\w*+|representative|mission|partners?|routes?|corridors?|"
     r"organi[sz]ation|union|war|zone|policy|agreement|fair|house|centers?|hub|office|barriers?))"
     r"|trading\s++volume|commerce", "trade_turnover"),
    (r"invest(?:s|ed|ing|ments?|ors?)?|FDI|capital\s++injection", "investment"),
    (r"deals?|contracts?|agreements?|accords?|memorand(?:um|a)|lease[sd]?|leasing|orders?|"
     r"tenders?|transactions?", "deal"),
    (r"produc(?:e|es|ed|ing|tion|er|ers)|output|harvest(?:s|ed|ing)?|manufactur\w*+|mined|mining|"
     r"extract(?:ed|ion)|generat(?:e|ed|es|ion)|GDP|gross\s++domestic\s++product|economy\s++grew|"
     r"economic\s++growth|smelt\w*+|yields?", "production"),
    (r"capacity|capacities|throughput|(?:will|can|could|designed\s++to|able\s++to)\s++carry|"
     r"power\s++plants?|power\s++stations?", "capacity"),
    (r"reserves?|holdings|stockpiles?|stocks|deposits?|assets", "reserves"),
    (r"budgets?|spend(?:s|ing)?|spent|expenditures?|allocat(?:e|es|ed|ing|ion)|earmark(?:ed)?|"
     r"funded|funding|financ(?:e|ed|ing)|subsid(?:y|ies|ised|ized)|cost(?:s|ing)?|"
     r"will\s++cost|worth\s++of\s++construction", "spending"),
    (r"prices?|priced|tariffs?|interest\s++rates?|(?:base|policy|refinancing|key|lending|mortgage)\s++"
     r"rates?|inflation|per\s++(?:ton|tonne|hectare|barrel|kilogram|kg|kilowatt|kwh|cubic|liter|litre|"
     r"square|unit|head|month|sq)|for\s++each|a\s++(?:ton|tonne|barrel|kilogram|liter|litre)\b|"
     r"salar(?:y|ies)|wages?|fees?|rent", "price"),
    (r"aid|humanitarian|grants?|granted|donat(?:e|ed|es|ion|ions)|assistance|relief", "aid"),
    (r"loans?|credits?|lending|borrow\w*+|debt|remittances?|profits?|market\s++capitali[sz]ation|"
     r"purchased\s++gold|sold\s++gold|revenues?|income|market\s++value|valuation|transport(?:ed|s)|"
     r"carried|handled|pumped|transit\s++(?:cargo|freight|traffic)|sent\s++home|remitted|cargo\s++transit|"
     r"freight", "other"),
    # weak cue (trailing "?"): only used when the sentence has no other cue ("growth of the economy")
    (r"econom(?:y|ies)", "production?"),
]


@functools.cache
def metric_cue_regex() -> re.Pattern[str]:
    parts = [f"(?P<m{i}>{rx})" for i, (rx, _) in enumerate(METRIC_CUES)]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def cue_metric(m: re.Match[str]) -> str:
    return METRIC_CUES[int(str(m.lastgroup)[1:])][1]


# --- exclusion cues ---------------------------------------------------------------------------

# Crime, seizures and penalties: money or goods here are not economic flows (spec: seized items).
CRIME = re.compile(
    r"\b(?:fined?|fines|bribes?|brib(?:ed|ery)|embezzl\w*+|launder\w*+|stole|stolen|theft|thefts|"
    r"fraud\w*+|ransom|extort\w*+|seiz\w*+|confiscat\w*+|smuggl\w*+|contraband|narcotics?|drugs?|heroin|"
    r"hashish|opium|cocaine|methamphetamine|bail|penalt(?:y|ies)|damages|misappropriat\w*+|"
    r"kickbacks?|looted|damage|mansions?|villas?|yachts?|luxury|illegally\s++obtained|net\s++worth|fortune|richest)\b",
    re.IGNORECASE,
)
TOURISM = re.compile(
    r"\b(?:touris\w*+|visitors?|travel(?:l?ers)?|passengers?|arrivals|flights?|hotel\w*+)\b", re.IGNORECASE
)
# Demographic and opinion shares: "35% of residents", "turnout was 65%", "unemployment at 5%".
DEMOGRAPHIC_AFTER = re.compile(
    r"(?<!\s)\s*+(?:of\s++(?:the\s++|all\s++|its\s++|their\s++|[\w’'-]+\s++){0,3})"
    r"(?:population|residents|respondents|people|persons|citizens|voters?|votes?|ballots?|students|"
    r"children|pupils|women|men|households|families|employees|workers|migrants|patients|cases|"
    r"graduates|youth|seats|speakers|believers|Muslims|adults|teenagers|inhabitants|participants|"
    r"detainees|prisoners|victims|those\s++surveyed|Kazakhs|Uzbeks|Kyrgyz|Tajiks|Turkmens|Russians|"
    r"schools|doctors|teachers|the\s++electorate)\b",
    re.IGNORECASE,
)
DEMOGRAPHIC = re.compile(
    r"\b(?:population|respondents|voters?|vot(?:es|ed|ing)|turnout|survey\w*+|poll(?:s|ed|ing)?|"
    r"unemploy\w*+|poverty|literacy|approval|births?|mortality|deaths?|crimes?|obesity|enrol?lment|"
    r"vaccinat\w*+|infected|ballots?|electorate|elections?|referendum)\b",
    re.IGNORECASE,
)
ENVIRONMENT = re.compile(
    r"\b(?:recycl\w*+|waste|emissions?|CO2|carbon|greenhouse|pollut\w*+|garbage|landfills?|"
    r"deforest\w*+|forest\s++cover|glaciers?|rainfall|precipitation|sewage|trash|plastic\s++bags?)\b",
    re.IGNORECASE,
)
SOCIAL = re.compile(r"\b(?:views|viewers|users|followers|subscribers|likes|downloads)\b", re.IGNORECASE)
# Shares of ownership, taxes and completion levels: not flows of money or goods.
PERCENT_NOT_FLOW = re.compile(
    r"\b(?:stakes?|shares|shareholding|equity|ownership|owns|owned|tax(?:es|ed)?|VAT|complete[ds]?|completion|"
    r"probability|chance|likely|accuracy|efficiency|humidity|alcohol|organic|fat|wear|"
    r"occupancy|discount|literate|support(?:ed|s)?)\b",
    re.IGNORECASE,
)
# An economic word near a percentage or N-fold is required before it counts (precision first).
ECON = re.compile(
    r"\b(?:export\w*+|import\w*+|trade|turnover|suppl(?:y|ies|ied)|shipments?|shipped|deliver\w*+|"
    r"produc\w*+|output|harvest\w*+|invest\w*+|prices?|cost\w*+|tariffs?|interest|rates?|inflation|"
    r"reserves?|budget\w*+|spending|expenditure\w*+|GDP|econom\w*+|revenues?|sales|sold|cargo|freight|"
    r"volumes?|demand|consumption|needs|capacity|generation|loans?|lending|credit\w*+|deposits?|"
    r"remittances?|profits?|market|manufactur\w*+|industr\w*+|oil|gas|grain|wheat|cotton|coal|"
    r"electricity|mining|minerals?|metals?|gold|uranium|copper|goods|commodit\w*+|agricultur\w*+|"
    r"food|meat|fertili[sz]ers?|transit|funding|financ\w*+|aid|grants?|debt|fuel|gasoline|petrol|"
    r"diesel|livestock|flour|fruits?|vegetables?|yields?|mortgage)\b",
    re.IGNORECASE,
)

# --- commodities ------------------------------------------------------------------------------

# Multiword first; label normalised to a short lower-case form.
COMMODITIES: list[tuple[str, str]] = [
    (r"agricultural\s++(?:products|goods|produce|exports|imports|trade)|agri-food|agrifood|"
     r"agricultural", "agricultural products"),
    (r"natural\s++gas|LNG|liquefied\s++natural\s++gas|gas", "natural gas"),
    (r"crude\s++oil|oil\s++products|petroleum\s++products|petroleum|oil", "oil"),
    (r"electricity|electric\s++power|power", "electricity"),
    (r"grain|wheat|barley|flour|rice|corn|maize", "grain"),
    (r"cotton|textiles?", "cotton"),
    (r"coal", "coal"), (r"uranium", "uranium"), (r"gold", "gold"), (r"copper", "copper"),
    (r"silver", "silver"), (r"zinc", "zinc"), (r"alumin(?:i)?um", "aluminium"), (r"steel", "steel"),
    (r"ferroalloys?", "ferroalloys"), (r"metals?", "metals"),
    (r"poultry(?:\s++products)?", "poultry products"), (r"beef|lamb|mutton|meat(?:\s++products)?", "meat"),
    (r"dairy(?:\s++products)?|milk", "dairy products"), (r"fruits?\s++and\s++vegetables", "fruits and vegetables"),
    (r"vegetables", "vegetables"), (r"fruits?", "fruit"), (r"oilseeds|sunflower\s++oil|vegetable\s++oil",
                                                            "oilseeds and vegetable oil"),
    (r"fertili[sz]ers?", "fertilizers"), (r"cement", "cement"), (r"sugar", "sugar"), (r"fish", "fish"),
    (r"water", "water"), (r"weapons|arms|ammunition", "weapons"), (r"cars|vehicles|automobiles", "cars"),
    (r"machinery|equipment", "machinery"), (r"medicines|pharmaceuticals?|drugs", "pharmaceuticals"),
    (r"fuel|gasoline|diesel|petrol", "fuel"), (r"cargo|freight", "cargo"), (r"livestock|cattle", "livestock"),
    (r"food(?:stuffs?)?", "food"), (r"goods", "goods"),
]


@functools.cache
def commodity_regex() -> re.Pattern[str]:
    parts = [f"(?P<c{i}>{rx})" for i, (rx, _) in enumerate(COMMODITIES)]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def commodity_label(m: re.Match[str]) -> str:
    return COMMODITIES[int(str(m.lastgroup)[1:])][1]
