"""The figures of one sentence: candidates kept, then metric, reporter and partner, period and
commodity of each, with what the previous sentences set up (an anaphor, a flow, a reporting period)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    """The figures of sentence s (the headline when in_title); ctx carries the article's last figure."""
    follows = ctx.prev is not None and sent_idx - ctx.prev_sent_idx <= 1 and not in_title
    cands = [c for c in find_candidates(s, ctx.text) if sizes_a_flow(s, c, in_title, follows)]
    if not cands:
        return []
    sent = _Sentence(
        s, in_title, sent_idx, prev_text,
        prev_ms=country_mentions(prev_text) if prev_text else [],
        ms=country_mentions(s),
        anaphoric=bool(ANAPHOR.search(s)),
        recent=ctx.prev is not None and sent_idx - ctx.prev_sent_idx <= 2 and not in_title,
        siblings=Siblings(cands, s),
    )
    out: list[TradeFigure] = []
    for c in cands:
        fig = _figure(sent, c, ctx)
        if fig is None:
            continue
        out.append(fig)
        if not in_title:
            ctx.prev = fig
            ctx.prev_sent_idx = sent_idx
    return out


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence being read, and what all its figures share."""

    s: str
    in_title: bool
    idx: int  # its index in the body
    prev_text: str  # the sentence before it ("" for none)
    prev_ms: list[Ment]  # the countries of the sentence before
    ms: list[Ment]  # its countries
    anaphoric: bool  # "It reached ...", "this figure": it goes on about the previous figure
    recent: bool  # the article's last figure is at most two sentences back
    siblings: Siblings


def _figure(sent: _Sentence, c: Cand, ctx: Ctx) -> TradeFigure | None:
    """Candidate c as a trade figure; None for a quantity, percent or ratio that nothing says the metric of."""
    s = sent.s
    metric, explicit = metric_of(s, c)
    inherit = sent.recent and ctx.prev is not None and (sent.anaphoric or metric is None)
    # "It reached $540 million": no cue of its own, the previous figure's metric carries over
    if ctx.prev is not None and ((metric is None and inherit) or (sent.anaphoric and sent.recent and not explicit)):
        metric = ctx.prev.metric
    if metric is None:
        if c.kind != "money":
            return None  # quantities/percent/fold need a cue (precision first)
        metric = "other"
    metric = refined_metric(metric, s, c)
    reporter, partner = _sides(sent, c, ctx, metric, inherit)
    period, pnote = _period_in_article(sent, c, ctx, metric, inherit)
    commodity = commodity_of(s, c)
    if commodity is None and inherit and ctx.prev is not None:
        commodity = ctx.prev.commodity
    notes = [n for n in (c.note, pnote) if n]
    return TradeFigure(
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
        in_title=sent.in_title,
        note="; ".join(notes) or None,
    )


def _sides(sent: _Sentence, c: Cand, ctx: Ctx, metric: str, inherit: bool) -> tuple[str | None, str | None]:
    """Reporter and partner from the sentence, else from the figure it continues or the flow set up before."""
    reporter, partner, found = reporter_partner(metric, sent.s, c, sent.ms, ctx.home, sent.siblings)
    if inherit and ctx.prev is not None and (not found or partner is None):
        if ctx.prev.metric == metric or metric in CORE_METRICS:
            reporter = reporter or ctx.prev.reporter_country
            partner = partner if partner is not None else ctx.prev.partner_country
    elif not found:
        reporter, partner = _sides_set_up_before(sent, c, ctx, metric, reporter, partner)
    return _sides_completed(sent, ctx, metric, inherit, reporter, partner)


def _sides_set_up_before(
    sent: _Sentence, c: Cand, ctx: Ctx, metric: str, reporter: str | None, partner: str | None
) -> tuple[str | None, str | None]:
    """A sentence naming no country: the sides of the article's last flow, of its pair, or of the
    previous sentence."""
    prev = ctx.prev
    if (metric in CORE_METRICS and prev is not None and prev.metric == metric
            and sent.idx - ctx.prev_sent_idx <= 3 and prev.partner_country is not None):
        # no country here: the same flow as the article's last figure ("the first shipment comprises ...")
        return prev.reporter_country, prev.partner_country
    if metric in ("trade_turnover", "deal") and ctx.pair[1] and sentence_has(sent.s, "bilateral"):
        # "the two countries' bilateral trade": the article's pair, its home country first
        return ctx.pair
    if metric in CORE_METRICS and sent.prev_ms:
        # no country in this sentence: the flow was set up in the previous sentence
        at_end = Cand(len(sent.prev_text), len(sent.prev_text), "", 0.0, c.unit, c.kind)
        r2, p2, f2 = reporter_partner(metric, sent.prev_text, at_end, sent.prev_ms, ctx.home)
        if f2:
            return r2, p2
    return reporter, partner


def _sides_completed(
    sent: _Sentence, ctx: Ctx, metric: str, inherit: bool, reporter: str | None, partner: str | None
) -> tuple[str | None, str | None]:
    """A missing partner from the previous sentence, the bilateral pair or the headline's two countries;
    a missing reporter is the article's home country."""
    s, prev_ms = sent.s, sent.prev_ms
    if (partner is None and metric in CORE_METRICS and reporter is not None and not inherit
            and prev_ms and _FLOW_CUE.search(sent.prev_text)):
        # the counterpart was named in the previous sentence about the same flow
        # ("X began importing gas from Y. A deal set daily supplies at 9 million m3.")
        others = {m.code for m in prev_ms if not m.weak and m.code not in (reporter, EU)}
        if len(others) == 1 and not any(m.code not in (reporter, EU) for m in sent.ms if not m.weak):
            partner = others.pop()
    if metric in ("trade_turnover", "deal") and partner is None and sentence_has(s, "bilateral"):
        rep0, par0 = ctx.pair
        reporter = reporter or rep0
        partner = par0 if par0 != reporter else rep0
    if reporter is None:
        reporter = ctx.home if ctx.home != partner else None
    if (partner is None and ctx.title_pair and reporter in ctx.title_pair
            and _flow_of_pair(metric, s, sent.ms, reporter)):
        # an article about two countries ("Kazakhstan Welcomes Turkish Investors"): a flow of one with no
        # counterpart named nearby is with the other
        partner = ctx.title_pair[1] if reporter == ctx.title_pair[0] else ctx.title_pair[0]
    return reporter, partner


def _period_in_article(
    sent: _Sentence, c: Cand, ctx: Ctx, metric: str, inherit: bool
) -> tuple[str | None, str | None]:
    """(period, note): the sentence's own date, else the continued figure's, else the article's reporting
    range; a range of the sentence's own becomes the article's reporting range."""
    s = sent.s
    period, pnote = figure_period(s, c, ctx, sent.siblings)
    if period is None and pnote is None and inherit and ctx.prev is not None:
        period = ctx.prev.period
    elif (period is None and pnote is None and ctx.report_period and not sent.in_title
          and (metric in CORE_METRICS or (metric == "other" and found_in(_FREIGHT, s, 0, len(s))))
          and not found_in(_NOT_REPORTED, s, 0, len(s))):
        # "In January-September 2024, ... Of that amount, 5 million tons were exported": the article's period
        period, pnote = ctx.report_period, "period of the article's reporting range"
    elif period and ".." in period and not period.endswith("..") and not sent.in_title and pnote is None:
        ctx.report_period = period
    return period, pnote
