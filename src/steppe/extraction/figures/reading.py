"""The figures of one sentence: candidates kept, then metric, reporter and partner, period and
commodity of each, with what the previous sentences set up (an anaphor, a flow, a reporting period)."""

from __future__ import annotations

import re

from steppe.extraction.figures.candidates import find_candidates
from steppe.extraction.figures.commodities import commodity_of
from steppe.extraction.figures.context import Ctx
from steppe.extraction.figures.countries import EU
from steppe.extraction.figures.filters import sizes_a_flow
from steppe.extraction.figures.metric import ANAPHOR, metric_of, refined_metric
from steppe.extraction.figures.parties import Ment, country_mentions, reporter_partner
from steppe.extraction.figures.periods import dated_expressions, figure_period
from steppe.extraction.figures.scans import found_in, sentence_has
from steppe.extraction.figures.spans import Cand, Siblings
from steppe.extraction.model import TradeFigure

CORE_METRICS = frozenset({"exports", "imports", "trade_turnover", "deal"})


_FLOW_CUE = re.compile(r"\b(?:export\w*+|import\w*+|suppl(?:y|ies|ied)|shipments?|deliver\w*+|trade|turnover)\b",
                       re.I)


_ELSEWHERE = re.compile(
    r"\b(?:countries|nations|states|markets|world\w*+|global\w*+|abroad|foreign|international\w*+|region\w*+|"
    r"neighbo\w++|partners|Asia\w*+|Europe\w*+|Africa\w*+|America\w*+|Gulf|CIS|EAEU|Eurasian)\b"
)
_FREIGHT = re.compile(r"\b(?:freight|cargo|transport\w*+|shipments?|transit)\b", re.I)


def _flow_of_pair(metric: str, s: str, ms: list[Ment], reporter: str | None) -> bool:
    """Whether a figure is a flow of the article's pair: a trade flow (or freight) naming no third party."""
    # exports or imports with no destination named are usually the country's totals, so they stay open
    if metric not in ("trade_turnover", "deal") and not (metric == "other" and found_in(_FREIGHT, s, 0, len(s))):
        return False
    return all(m.code == reporter for m in ms if not m.weak) and not found_in(_ELSEWHERE, s, 0, len(s))


# Plans, forecasts and past-tense comparisons are not figures of the article's reporting period.
_NOT_REPORTED = re.compile(
    r"\b(?:will|would|plans?|planned|aims?|expects?|expected|targets?|goal|could|potential\w*+|forecasts?|"
    r"projected|ahead|previously|future|annually|average|past|years|decades?|seeks?)\b",
    re.I,
)
_DATED_YEAR_GROUPS = ("mry", "my", "dy", "dy2", "fy", "hy", "qy", "qsy")


def note_report_year(s: str, ctx: Ctx) -> None:
    """Remember the year of the sentence's last month-qualified date ("January-September 2024")."""
    for m in dated_expressions(s)[0]:
        for name in _DATED_YEAR_GROUPS:
            year = m.group(name)
            if year and year.isdigit():
                ctx.report_year = int(year)


def sentence_figures(
    s: str, in_title: bool, ctx: Ctx, sent_idx: int, prev_text: str
) -> list[TradeFigure]:
    follows = ctx.prev is not None and sent_idx - ctx.prev_sent_idx <= 1 and not in_title
    cands = [c for c in find_candidates(s, ctx.text) if sizes_a_flow(s, c, in_title, follows)]
    if not cands:
        return []
    prev_ms = country_mentions(prev_text) if prev_text else []
    ms = country_mentions(s)
    anaphoric = bool(ANAPHOR.search(s))
    recent = ctx.prev is not None and sent_idx - ctx.prev_sent_idx <= 2 and not in_title
    out: list[TradeFigure] = []
    siblings = Siblings(cands, s)
    for c in cands:
        metric, explicit = metric_of(s, c)
        inherit = recent and ctx.prev is not None and (anaphoric or metric is None)
        # "It reached $540 million": no cue of its own, the previous figure's metric carries over
        if ctx.prev is not None and ((metric is None and inherit) or (anaphoric and recent and not explicit)):
            metric = ctx.prev.metric
        if metric is None:
            if c.kind != "money":
                continue  # quantities/percent/fold need a cue (precision first)
            metric = "other"
        metric = refined_metric(metric, s, c)
        reporter, partner, found = reporter_partner(metric, s, c, ms, ctx.home, siblings)
        if inherit and ctx.prev is not None and (not found or partner is None):
            if ctx.prev.metric == metric or metric in CORE_METRICS:
                reporter = reporter or ctx.prev.reporter_country
                partner = partner if partner is not None else ctx.prev.partner_country
        elif (not found and metric in CORE_METRICS and ctx.prev is not None and ctx.prev.metric == metric
              and sent_idx - ctx.prev_sent_idx <= 3 and ctx.prev.partner_country is not None):
            # no country here: the same flow as the article's last figure ("the first shipment comprises ...")
            reporter, partner = ctx.prev.reporter_country, ctx.prev.partner_country
        elif not found and metric in ("trade_turnover", "deal") and ctx.pair[1] and sentence_has(s, "bilateral"):
            # "the two countries' bilateral trade": the article's pair, its home country first
            reporter, partner = ctx.pair
        elif not found and metric in CORE_METRICS and prev_ms:
            # no country in this sentence: the flow was set up in the previous sentence
            at_end = Cand(len(prev_text), len(prev_text), "", 0.0, c.unit, c.kind)
            r2, p2, f2 = reporter_partner(metric, prev_text, at_end, prev_ms, ctx.home)
            if f2:
                reporter, partner = r2, p2
        if (partner is None and metric in CORE_METRICS and reporter is not None and not inherit
                and prev_ms and _FLOW_CUE.search(prev_text)):
            # the counterpart was named in the previous sentence about the same flow
            # ("X began importing gas from Y. A deal set daily supplies at 9 million m3.")
            others = {m.code for m in prev_ms if not m.weak and m.code not in (reporter, EU)}
            if len(others) == 1 and not any(m.code not in (reporter, EU) for m in ms if not m.weak):
                partner = others.pop()
        if metric in ("trade_turnover", "deal") and partner is None and sentence_has(s, "bilateral"):
            rep0, par0 = ctx.pair
            reporter = reporter or rep0
            partner = par0 if par0 != reporter else rep0
        if reporter is None:
            reporter = ctx.home if ctx.home != partner else None
        if partner is None and ctx.title_pair and reporter in ctx.title_pair and _flow_of_pair(metric, s, ms, reporter):
            # an article about two countries ("Kazakhstan Welcomes Turkish Investors"): a flow of one with no
            # counterpart named nearby is with the other
            partner = ctx.title_pair[1] if reporter == ctx.title_pair[0] else ctx.title_pair[0]
        period, pnote = figure_period(s, c, ctx, siblings)
        if period is None and pnote is None and inherit and ctx.prev is not None:
            period = ctx.prev.period
        elif (period is None and pnote is None and ctx.report_period and not in_title
              and (metric in CORE_METRICS or (metric == "other" and found_in(_FREIGHT, s, 0, len(s))))
              and not found_in(_NOT_REPORTED, s, 0, len(s))):
            # "In January-September 2024, ... Of that amount, 5 million tons were exported": the article's period
            period, pnote = ctx.report_period, "period of the article's reporting range"
        elif period and ".." in period and not period.endswith("..") and not in_title and pnote is None:
            ctx.report_period = period
        commodity = commodity_of(s, c)
        if commodity is None and inherit and ctx.prev is not None:
            commodity = ctx.prev.commodity
        notes = [n for n in (c.note, pnote) if n]
        fig = TradeFigure(
            figure_text=c.text,
            value=c.value,
            unit=c.unit,
            kind=c.kind,
            metric=metric,
            reporter_country=reporter,
            partner_country=partner,
            commodity=commodity,
            period=period,
            sentence=s,
            in_title=in_title,
            note="; ".join(notes) or None,
        )
        out.append(fig)
        if not in_title:
            ctx.prev = fig
            ctx.prev_sent_idx = sent_idx
    return out
