"""Light country detection for trade-figure attribution (names, short names, demonyms).

The figure extractor only needs "which country is named where in this sentence", not the full
entity rules of spec section 3, so it keeps its own small lookup instead of importing entities.py.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Pseudo-code for the EU: a mention blocks other attribution but is reported as null (spec 7).
EU = "EU"

# Surface forms that pycountry does not give us: demonyms/adjectives and usual short names.
_EXTRA: dict[str, str] = {
    # Central Asia and neighbours, which dominate this site
    "Kazakh": "KZ", "Kazakhstani": "KZ", "Kazakhs": "KZ", "Qazaqstan": "KZ",
    "Uzbek": "UZ", "Uzbekistani": "UZ", "Uzbeks": "UZ",
    "Kyrgyz": "KG", "Kyrgyzstani": "KG", "Kirghiz": "KG", "Kyrgyz Republic": "KG",
    "Tajik": "TJ", "Tajikistani": "TJ", "Tajiks": "TJ",
    "Turkmen": "TM", "Turkmens": "TM", "Turkmenistani": "TM",
    "Afghan": "AF", "Afghans": "AF",
    "Russia": "RU", "Russian": "RU", "Russians": "RU", "Russian Federation": "RU",
    "China": "CN", "Chinese": "CN", "PRC": "CN", "People's Republic of China": "CN",
    "Turkey": "TR", "Türkiye": "TR", "Turkiye": "TR", "Turkish": "TR",
    "Iran": "IR", "Iranian": "IR", "Iranians": "IR",
    "Pakistan": "PK", "Pakistani": "PK", "India": "IN", "Indian": "IN",
    "United States": "US", "U.S.": "US", "US": "US", "USA": "US", "U.S.A.": "US", "America": "US",
    "American": "US", "Americans": "US",
    "United Kingdom": "GB", "UK": "GB", "U.K.": "GB", "Britain": "GB", "Great Britain": "GB",
    "British": "GB", "England": "GB", "English": "GB",
    "German": "DE", "Germans": "DE", "French": "FR", "Italian": "IT", "Spanish": "ES",
    "Japanese": "JP", "South Korea": "KR", "Korea": "KR", "Korean": "KR", "South Korean": "KR",
    "Republic of Korea": "KR", "North Korea": "KP", "North Korean": "KP",
    "Azerbaijani": "AZ", "Azeri": "AZ", "Georgian": "GE", "Armenian": "AM", "Belarusian": "BY",
    "Belarus": "BY", "Ukrainian": "UA", "Ukraine": "UA", "Serbian": "RS",
    "Polish": "PL", "Hungarian": "HU", "Czech": "CZ", "Czech Republic": "CZ", "Dutch": "NL",
    "Netherlands": "NL", "Holland": "NL", "Belgian": "BE", "Swiss": "CH", "Austrian": "AT",
    "Swedish": "SE", "Norwegian": "NO", "Finnish": "FI", "Danish": "DK", "Irish": "IE",
    "Portuguese": "PT", "Greek": "GR", "Romanian": "RO", "Bulgarian": "BG", "Moldovan": "MD",
    "Moldova": "MD", "Latvian": "LV", "Lithuanian": "LT", "Estonian": "EE", "Slovak": "SK",
    "Croatian": "HR", "Slovenian": "SI",
    "Emirati": "AE", "UAE": "AE", "United Arab Emirates": "AE", "Saudi": "SA", "Saudi Arabia": "SA",
    "Qatari": "QA", "Kuwaiti": "KW", "Omani": "OM", "Bahraini": "BH", "Israeli": "IL", "Egyptian": "EG",
    "Iraqi": "IQ", "Syrian": "SY", "Syria": "SY", "Lebanese": "LB", "Jordanian": "JO",
    "Mongolian": "MN", "Indonesian": "ID", "Malaysian": "MY", "Vietnamese": "VN", "Vietnam": "VN",
    "Thai": "TH", "Singaporean": "SG", "Filipino": "PH", "Philippine": "PH", "Bangladeshi": "BD",
    "Sri Lankan": "LK", "Nepalese": "NP", "Canadian": "CA", "Australian": "AU", "Brazilian": "BR",
    "Mexican": "MX", "Argentine": "AR", "Argentinian": "AR", "Nigerian": "NG", "South African": "ZA",
    "Taiwanese": "TW", "Taiwan": "TW", "Laos": "LA", "Kosovo": "XK", "Bolivia": "BO", "Venezuela": "VE",
    "Tanzania": "TZ", "Czechia": "CZ", "Macedonia": "MK", "North Macedonia": "MK",
    "European Union": EU, "EU": EU,
}

# Capitals used as metonyms ("Astana and Beijing signed..."); weaker evidence than names.
_CAPITALS: dict[str, str] = {
    "Moscow": "RU", "Beijing": "CN", "Astana": "KZ", "Nur-Sultan": "KZ", "Tashkent": "UZ",
    "Bishkek": "KG", "Dushanbe": "TJ", "Ashgabat": "TM", "Ankara": "TR", "Kabul": "AF",
    "Tehran": "IR", "Baku": "AZ", "Islamabad": "PK", "New Delhi": "IN", "Minsk": "BY", "Kyiv": "UA",
    "Kiev": "UA", "Tbilisi": "GE", "Yerevan": "AM", "Washington": "US", "Brussels": EU,
}

# Names that are words or people too often to count as countries here.
_SKIP = {"Chad", "Jordan", "Georgia", "Niger", "Guinea", "Turkey", "Mali", "Oman", "Peru", "Cuba"}


# Keys of _EXTRA that are names, not adjectives: a name before a verb is a subject, an
# adjective before a noun modifies it ("Russian gas" = gas from Russia).
_EXTRA_NAMES = {
    "Qazaqstan", "Kyrgyz Republic", "Russia", "Russian Federation", "China", "PRC",
    "People's Republic of China", "Turkey", "Türkiye", "Turkiye", "Iran", "Pakistan", "India",
    "United States", "U.S.", "US", "USA", "U.S.A.", "America", "United Kingdom", "UK", "U.K.", "Britain",
    "Great Britain", "England", "South Korea", "Korea", "Republic of Korea", "North Korea", "Belarus",
    "Ukraine", "Sebia", "Czech Republic", "Netherlands", "Holland", "Moldova", "UAE",
    "United Arab Emirates", "Saudi Arabia", "Syria", "Vietnam", "Taiwan", "Laos", "Kosovo", "Bolivia",
    "Venezuela", "Tanzania", "Czechia", "Macedonia", "North Macedonia", "European Union", "EU",
}


@dataclass(frozen=True, slots=True)
class CountryMention:
    start: int
    end: int
    code: str
    surface: str
    weak: bool  # capital-city metonym
    demonym: bool = False  # "Russian", "Kazakh": an adjective or people, not a name


@functools.cache
def _lookup() -> tuple[re.Pattern[str], dict[str, tuple[str, bool, bool]]]:
    """Surface-form regex and table; built once, lazily (pycountry loads JSON)."""
    import pycountry

    table: dict[str, tuple[str, bool, bool]] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            name = getattr(c, attr, None)
            if name and "," not in name and name not in _SKIP:
                table[name] = (c.alpha_2, False, False)
    for k, v in _EXTRA.items():
        table[k] = (v, False, k not in _EXTRA_NAMES and k not in table)
    # "Turkey" and "Georgia" are countries in this news domain, not a bird or a US state.
    table["Turkey"] = ("TR", False, False)
    table["Georgia"] = ("GE", False, False)
    for k, v in _CAPITALS.items():
        table.setdefault(k, (v, True, False))
    alts = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    # Case-sensitive: country names and demonyms are capitalised in English copy.
    # the lookahead lets the engine skip lower-case positions without trying every alternative
    pattern = re.compile(rf"(?<!\w)(?=[A-Z\u00c0-\u024f])(?:{alts})(?!\w)")
    return pattern, table


# "US$", "Chinese yuan", "Kazakh tenge": a currency adjective, not a country mention.
_CURRENCY_AFTER = re.compile(
    r"\s*\$|\s+(?:dollars?|yuan|renminbi|rubles?|roubles?|tenge|soms?|sums?|soums?|manats?|somonis?|"
    r"francs?|pounds?|lira|liras|rupees?|yen|won|euros?|dirhams?|rials?|afghanis?)\b"
)


def find_countries(text: str) -> list[CountryMention]:
    """Country mentions in order; compounds like "Tajik-led" or "Kyrgyz-Kazakh" are included."""
    pattern, table = _lookup()
    out: list[CountryMention] = []
    for m in re.finditer(pattern, text):
        surface = m.group(0)
        if _CURRENCY_AFTER.match(text, m.end()):
            continue
        code, weak, demonym = table[surface]
        out.append(CountryMention(m.start(), m.end(), code, surface, weak, demonym))
    return out


def country_from_word(word: str) -> str | None:
    """Code for one surface form (used by tests and simple look-ups)."""
    _, table = _lookup()
    hit = table.get(word)
    return hit[0] if hit else None
