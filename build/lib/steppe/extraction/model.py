"""Typed records the extraction stage produces for one article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityType = Literal["COUNTRY", "PERSON", "ORG", "PLACE"]
FigureKind = Literal["money", "quantity", "percent", "ratio"]


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One entity as it appears in one article (see spec/EXTRACTION.md sections 3-6)."""

    entity_type: EntityType
    name: str  # canonical: fullest form in the article; for countries the common English name
    country_code: str | None  # ISO 3166-1 alpha-2 for COUNTRY; optional for PLACE and ORG
    aliases: tuple[str, ...]  # other surface forms seen in this article (acronyms, short names, demonyms)
    mention_count: int  # mentions in title + body, >= 1


@dataclass(frozen=True, slots=True)
class TradeFigure:
    """One quantified flow or stock of money or goods (spec/EXTRACTION.md section 7)."""

    figure_text: str  # as written, minus qualifiers: "$1.4 billion", "5.5-fold"
    value: float  # normalised number: money in currency units, "1.4 million tons" -> 1400000
    unit: str  # ISO 4217 for money; t, bcm, m3, MW, kWh, barrels, head, units; percent; fold
    kind: FigureKind
    metric: str  # exports, imports, trade_turnover, investment, deal, production, capacity, ...
    reporter_country: str | None  # ISO alpha-2
    partner_country: str | None  # ISO alpha-2
    commodity: str | None
    period: str | None  # YYYY, YYYY-MM, YYYY-MM-DD, A..B, A.., XXXX-MM
    sentence: str  # the exact sentence (the title for title figures)
    in_title: bool
    note: str | None = None
