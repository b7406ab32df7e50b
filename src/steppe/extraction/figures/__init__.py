"""Trade-figure extraction (spec/EXTRACTION.md section 7).

Rule-based on purpose: regexes find money, quantity, percent and N-fold spans; word cues in the
sentence decide whether the span sizes an economic flow (precision first) and which metric it is;
country mentions with their prepositions give reporter and partner. No model is loaded, so the
extractor runs at thousands of articles per second.

Page text is untrusted, so the work is linear in it: every pattern is free of nested or overlapping
quantifiers (white-space runs are possessive, a digit run is entered once), a sentence is at most
MAX_SENTENCE_CHARS long, and what a sentence's figures all need (cues, dates, clause cuts, word-list
hits) is scanned once per sentence and then looked up by bisection (tests/unit/test_figures_linear.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from steppe.extraction.figures.context import Ctx, article_context
from steppe.extraction.figures.reading import CORE_METRICS, note_report_year, sentence_figures
from steppe.extraction.figures.sentences import cap_spans, split_sentences
from steppe.extraction.model import TradeFigure

__all__ = ["CORE_METRICS", "extract_trade_figures"]


def extract_trade_figures(title: str, body: str, page_date: dt.date | None) -> list[TradeFigure]:
    """Trade figures of one article, title figures first, then body order."""
    ctx = article_context(title, body, page_date)
    title_figs = _title_figures(title.strip(), ctx)
    body_figs = _body_figures(body, ctx)
    first_of: dict[tuple[str, float], TradeFigure] = {}
    for bf in body_figs:
        first_of.setdefault((bf.unit, bf.value), bf)
    return [_completed(tf, first_of.get((tf.unit, tf.value))) for tf in title_figs] + body_figs


def _title_figures(title: str, ctx: Ctx) -> list[TradeFigure]:
    """A title is one sentence; an endless one is cut like one."""
    out: list[TradeFigure] = []
    for a, b in cap_spans(title, 0, len(title)):
        out.extend(sentence_figures(title[a:b], True, ctx, -100, ""))
    return out


def _body_figures(body: str, ctx: Ctx) -> list[TradeFigure]:
    """Every line is a paragraph (spec 2: consecutive text lines count separately); sentences never
    cross a line break, but the previous sentence does: an article sets up a flow, then details it."""
    out: list[TradeFigure] = []
    sent_idx = 0
    prev_text = ""
    for para in (ln for ln in body.split("\n") if ln.strip()):
        for s0, s1 in split_sentences(para):
            s = para[s0:s1]
            out.extend(sentence_figures(s, False, ctx, sent_idx, prev_text))
            note_report_year(s, ctx)
            prev_text = s
            sent_idx += 1
    return out


def _completed(tf: TradeFigure, twin: TradeFigure | None) -> TradeFigure:
    """A title figure usually restates a body figure: the first body figure of the same value (its twin)
    fills what the headline leaves open; the headline's own wording wins."""
    if twin is None:
        return tf
    return replace(
        tf,
        metric=tf.metric if tf.metric != "other" else twin.metric,
        reporter_country=tf.reporter_country or twin.reporter_country,
        partner_country=tf.partner_country or twin.partner_country,
        commodity=tf.commodity or twin.commodity,
        period=tf.period or twin.period,
    )
