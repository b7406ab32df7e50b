"""Light country detection for trade-figure attribution (names, short names, demonyms).

The figure extractor only needs "which country is named where in this sentence", not the full
entity rules of spec section 3, so it matches the shared gazetteer's country forms (plus the EU and
capital-city metonyms) directly instead of importing the entities package.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Pseudo-code for the EU: a mention blocks other attribution but is reported as null (spec 7).
EU = "EU"

# Country names and demonyms come from the shared gazetteer (pycountry + data/countries.tsv).
# Capitals used as metonyms ("Astana and Beijing signed..."); weaker evidence than names.
_CAPITALS: dict[str, str] = {
    "Moscow": "RU", "Beijing": "CN", "Astana": "KZ", "Nur-Sultan": "KZ", "Tashkent": "UZ",
    "Bishkek": "KG", "Dushanbe": "TJ", "Ashgabat": "TM", "Ankara": "TR", "Kabul": "AF",
    "Tehran": "IR", "Baku": "AZ", "Islamabad": "PK", "New Delhi": "IN", "Minsk": "BY", "Kyiv": "UA",
    "Kiev": "UA", "Tbilisi": "GE", "Yerevan": "AM", "Washington": "US", "Brussels": EU,
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
    """Surface-form regex and table (code, weak, demonym); built once, lazily."""
    from steppe.extraction.gazetteer import country_tables, trie_regex

    forms, _ = country_tables()
    table: dict[str, tuple[str, bool, bool]] = {form: (code, False, demonym) for form, (code, demonym) in forms.items()}
    table.update({"European Union": (EU, False, False), "EU": (EU, False, False)})
    for k, v in _CAPITALS.items():
        table.setdefault(k, (v, True, False))
    # Case-sensitive: country names and demonyms are capitalised in English copy, so only forms that
    # open with a capital are sought. The trie regex prefers the longest form; it opens with their
    # first letters (the "(?<!\w)" test after each), which the engine skips to at once.
    capitalised = [form for form in table if re.match(r"[A-Z\u00c0-\u024f]", form)]
    forms_rx = trie_regex(capitalised, not_after=r"\w")
    pattern = re.compile(rf"(?:{forms_rx})(?!\w)")
    return pattern, table


# "US$", "Chinese yuan", "Kazakh tenge": a currency adjective, not a country mention.
_CURRENCY_AFTER = re.compile(
    r"(?<!\s)(?:\s*+\$|\s++(?:dollars?|yuan|renminbi|rubles?|roubles?|tenge|soms?|sums?|soums?|manats?|somonis?|"
    r"francs?|pounds?|lira|liras|rupees?|yen|won|euros?|dirhams?|rials?|afghanis?)\b)"
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
