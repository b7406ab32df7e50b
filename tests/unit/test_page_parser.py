"""Page segmentation (spec/EXTRACTION.md section 2) on pages written for each variant the spec names."""

from __future__ import annotations

import datetime as dt

from steppe.parsing import parse_page
from steppe.parsing.articles import (
    ARTICLE_END_RE,
    ARTICLE_END_RES,
    FURNITURE_RE,
    FURNITURE_RES,
    clean_line,
    find_inline_subheadings,
    is_title_case,
)
from tests.conftest import BUNDLED_RAW, CORPUS_PAGES

TICKER = "\n".join(
    f"  • {c}/USD = {r} {p}%"
    for c, r, p in [("KGS", "0.01150", "0"), ("KZT", "0.00190", "-0"), ("TJS", "0.09158", "-0.11"),
                    ("UZS", "0.00008", "0"), ("TMT", "0.28490", "-0.42")]
)


def page(*blocks: str, ticker: str = TICKER, date: str | None = "03 March 2021") -> str:
    head = ["\n".join([ticker] * 3)] if ticker else []  # the ticker repeats on the page
    if date:
        head.append(date)
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n"


def titles(text: str) -> list[str]:
    return [a.title for a in parse_page(text).articles]


def test_header_fields_and_repeated_ticker_folded() -> None:
    parsed = parse_page(page("Viewing results 1 - 2 of 9", "Kyrgyz Parliament Approves New Budget", "Lawmakers voted on Tuesday."))
    assert parsed.page_date == dt.date(2021, 3, 3)
    assert parsed.listing is not None and parsed.listing.total == 9
    assert [(q.currency, q.rate, q.change_pct) for q in parsed.quotes] == [
        ("KGS", "0.01150", "0"), ("KZT", "0.00190", "-0"), ("TJS", "0.09158", "-0.11"),
        ("UZS", "0.00008", "0"), ("TMT", "0.28490", "-0.42"),
    ]
    assert titles(page("Kyrgyz Parliament Approves New Budget", "Lawmakers voted on Tuesday.")) == [
        "Kyrgyz Parliament Approves New Budget"
    ]


def test_four_currency_ticker_and_no_ticker_and_no_date() -> None:
    four = "\n".join(TICKER.splitlines()[:4])
    assert [q.currency for q in parse_page(page("A Title Here Now", "Body.", ticker=four)).quotes] == [
        "KGS", "KZT", "TJS", "UZS"
    ]
    bare = parse_page(page("Uzbekistan Opens New Rail Link", "The line opened.", ticker="", date=None))
    assert bare.quotes == () and bare.page_date is None
    assert [a.title for a in bare.articles] == ["Uzbekistan Opens New Rail Link"]


def test_title_case_titles_split_articles_and_sentences_stay_paragraphs() -> None:
    text = page(
        "Tajikistan Expands Hydropower Exports",
        "Dushanbe will sell more electricity to its neighbours.",
        "A new line opens next year.",  # short, but a sentence: a paragraph
        "Kazakhstan Launches Grain Corridor to Iran",
        "The first train left Almaty on Monday.",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == [
        "Tajikistan Expands Hydropower Exports", "Kazakhstan Launches Grain Corridor to Iran"
    ]
    assert parsed.articles[0].paragraphs == (
        "Dushanbe will sell more electricity to its neighbours.", "A new line opens next year."
    )


def test_own_line_sentence_case_subheading_stays_in_its_article() -> None:
    text = page(
        "Kyrgyzstan Reforms Its Energy Tariffs",
        "The government raised tariffs for households.",
        "What the change means",
        "Families will pay about a fifth more.",
    )
    [article] = parse_page(text).articles
    assert article.subheadings == ("What the change means",)
    assert article.paragraphs == ("The government raised tariffs for households.", "Families will pay about a fifth more.")
    assert article.body == (
        "The government raised tariffs for households.\n\nWhat the change means\n\nFamilies will pay about a fifth more."
    )


def test_sentence_case_titles_of_older_pages_open_with_a_dateline() -> None:
    text = page(
        "Kyrgyzstan to raise electricity tariffs from next year",
        "BISHKEK (TCA) — Kyrgyzstan will raise electricity tariffs, the energy ministry said.",
        "Tariffs have not changed since 2015.",
        "Uzbekistan and Tajikistan agree on water sharing",
        "TASHKENT (TCA) — The two neighbours signed an agreement on Friday.",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == [
        "Kyrgyzstan to raise electricity tariffs from next year",
        "Uzbekistan and Tajikistan agree on water sharing",
    ]
    assert parsed.articles[0].dateline == "BISHKEK (TCA) —"
    assert parsed.articles[0].subheadings == ()


def test_page_furniture_is_never_an_article_nor_body() -> None:
    text = page(
        "Turkmenistan Opens Caspian Port Terminal",
        "Written by Staff Reporter",
        "Image: Ministry of Transport",
        '[caption id="attachment_1" align="alignnone"]A ship in port[/caption]',
        "The terminal will handle containers.",
        "Continue reading",
        "Read more: Turkmenistan Ships Gas to Iran",
        "Register to read more",
        "Kazakh officials discuss the budget deficit",  # sentence case after an article end: a title
        "Officials met on Monday.",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == [
        "Turkmenistan Opens Caspian Port Terminal", "Kazakh officials discuss the budget deficit"
    ]
    first = parsed.articles[0]
    assert first.paragraphs == ("The terminal will handle containers.",)
    for furniture in ("Written by", "Image:", "caption", "Continue reading", "Read more", "Register"):
        assert all(furniture not in a.body for a in parsed.articles)


def test_whitespace_only_lines_including_nbsp_are_blank() -> None:
    text = page("Kazakhstan Plans New Airport", "The airport will open in 2027.\n\u00a0\u00a0\n \t\nIt will serve Turkestan.")
    [article] = parse_page(text).articles
    assert article.paragraphs == ("The airport will open in 2027.", "It will serve Turkestan.")


def test_consecutive_lines_without_blank_count_separately() -> None:
    text = page("Kazakhstan Plans New Airport", "First line of text.\nSecond line of text.")
    [article] = parse_page(text).articles
    assert len(article.paragraphs) == 2


def test_truncation_by_ellipsis_and_by_page_end() -> None:
    parsed = parse_page(page(
        "Uzbekistan Cuts Import Duties",
        "The government cut duties on cars. The economic...",
        "Kyrgyzstan Builds New Roads",
        "Work will start in the spring and",
    ))
    assert [a.is_truncated for a in parsed.articles] == [True, True]
    complete = parse_page(page("Uzbekistan Cuts Import Duties", "It said: “We are ready.”"))
    assert [a.is_truncated for a in complete.articles] == [False]


def test_middle_article_without_final_stop_is_not_truncated() -> None:
    parsed = parse_page(page(
        "Uzbekistan Cuts Import Duties", "The cut applies from May", "Kyrgyzstan Builds New Roads", "Work starts soon."
    ))
    assert [a.is_truncated for a in parsed.articles] == [False, False]


def test_one_line_body_with_flattened_headings() -> None:
    body = (
        "Turkmenistan and Iran agreed to expand trade. Roadmap for Economic Cooperation The plan covers "
        "energy and transport. Priority Sectors The sides named several areas. Strengthening Ties "
        "Iran and Turkmenistan already trade gas."
    )
    [article] = parse_page(page("Turkmenistan and Iran Expand Trade", body)).articles
    assert len(article.paragraphs) == 1 and article.subheadings == ()
    assert article.inline_subheadings == ("Roadmap for Economic Cooperation", "Priority Sectors", "Strengthening Ties")


def test_names_after_a_sentence_are_not_flattened_headings() -> None:
    assert find_inline_subheadings("He spoke. Russian President Vladimir Putin arrived on Monday.") == []
    assert find_inline_subheadings("He spoke. The Year of Kazakhstan Tourism in China attracted media.") == []


def test_first_line_after_the_header_is_the_first_title_even_in_sentence_case() -> None:
    assert titles(page("Tajik migrants return home", "Thousands returned this spring.")) == ["Tajik migrants return home"]


def test_page_without_articles_parses_to_none() -> None:
    parsed = parse_page(page())
    assert parsed.articles == () and parsed.is_recognisable


def test_ticker_lines_never_reach_titles_or_bodies_and_damaged_ones_are_reported() -> None:
    text = page("Kazakhstan Expands Oil Output", "Output rose.", ticker=TICKER + "\n  • KZT/USD = 0.00")
    parsed = parse_page(text)
    assert {i.kind for i in parsed.issues} == {"malformed_quote"}
    assert all("USD =" not in a.body and "USD =" not in a.title for a in parsed.articles)


def test_unknown_currency_and_conflicting_repeat_are_reported_not_kept() -> None:
    text = page("Kazakhstan Expands Oil Output", "Output rose.", ticker=TICKER + "\n• XYZ/USD = 1.0 0%\n• KGS/USD = 0.02 0%")
    parsed = parse_page(text)
    assert {i.kind for i in parsed.issues} == {"unknown_currency", "conflicting_quote"}
    assert [q.rate for q in parsed.quotes if q.currency == "KGS"] == ["0.01150"]


def test_crlf_line_ends_parse_like_lf() -> None:
    text = page("Kazakhstan Plans New Airport", "The airport will open in 2027.", "It will serve Turkestan.")
    assert parse_page(text.replace("\n", "\r\n")) == parse_page(text)


def test_title_case_detection() -> None:
    assert is_title_case("Kazakhstan and Serbia Strengthen Ties Despite Different Paths")
    assert not is_title_case("Kazakhstan to raise electricity tariffs from next year")


def test_article_date_lines_listing_repeats_and_pagination_are_furniture() -> None:
    text = page(
        "Kazakhstan Raises Wheat Export Quota",
        "02 March 2021",  # the article's own date, under its title
        "The quota rises by a tenth.",
        "Kyrgyzstan Opens Border Crossing",
        "March 1, 2021",
        "The crossing reopened on Monday.",
        "Viewing results 1 - 2 of 40",
        "« Previous",
        "1 2 3 Next »",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == ["Kazakhstan Raises Wheat Export Quota", "Kyrgyzstan Opens Border Crossing"]
    assert parsed.articles[1].paragraphs == ("The crossing reopened on Monday.",)
    assert parsed.page_date == dt.date(2021, 3, 3)  # the page date, not an article's


def test_section_label_before_the_first_headline_is_not_a_title() -> None:
    text = page("Latest News", "Tajikistan Signs Power Deal With Pakistan", "The deal covers summer exports.")
    assert titles(text) == ["Tajikistan Signs Power Deal With Pakistan"]


def test_question_headlines_and_quoted_short_paragraphs() -> None:
    text = page(
        "Will Kazakhstan Join BRICS?",
        "Officials gave mixed signals this week.",
        "“We are not in a hurry”",  # a short quotation standing alone: a paragraph, not a subheading
        "The foreign ministry repeated its position.",
        "will uzbekistan devalue the sum?",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == ["Will Kazakhstan Join BRICS?"]
    assert parsed.articles[0].subheadings == ()
    old_style = page(
        "Can Kyrgyzstan pay its debts to China?",
        "BISHKEK (TCA) — The government says it can.",
    )
    assert titles(old_style) == ["Can Kyrgyzstan pay its debts to China?"]


def test_author_page_has_no_articles() -> None:
    text = page(
        "Aigerim Nurlanova",
        "Aigerim Nurlanova is a journalist based in Almaty who covers energy and mining.",
        "Articles by Aigerim Nurlanova",
    )
    parsed = parse_page(text)
    assert parsed.articles == () and parsed.is_recognisable


def test_a_name_like_headline_with_news_text_stays_an_article() -> None:
    text = page("Nursultan Nazarbayev Returns", "The former president returned to Astana on Monday.")
    assert titles(text) == ["Nursultan Nazarbayev Returns"]


def test_agency_tag_makes_a_dateline_in_any_case_and_arrows_in_the_ticker_are_allowed() -> None:
    text = page(
        "Kyrgyzstan to cut red tape for exporters",
        "Bishkek (TCA) — The cabinet approved the plan on Friday.",
        ticker="• KGS/USD = 0.01144 ▼ -0.10%\n• KZT/USD = 0.00196 ▲ 0.05%",
    )
    parsed = parse_page(text)
    assert parsed.articles[0].dateline == "Bishkek (TCA) —"
    assert [(q.currency, q.change_pct) for q in parsed.quotes] == [("KGS", "-0.10"), ("KZT", "0.05")]


def test_the_furniture_alternations_match_where_one_of_their_patterns_does() -> None:
    """One match per line instead of one per pattern: the same lines, on every line of the corpus and seeds."""
    lines = {clean_line(line) for path in [*CORPUS_PAGES.glob("*.txt"), *BUNDLED_RAW.glob("*.txt")]
             for line in path.read_text(encoding="utf-8").splitlines()}
    furniture = {line for line in lines if any(r.match(line) for r in FURNITURE_RES)}
    assert len(furniture) >= 10  # distinct lines: "Continue reading", credits, author boxes, "Articles"
    assert {line for line in lines if FURNITURE_RE.match(line)} == furniture
    ends = {line for line in lines if any(r.match(line) for r in ARTICLE_END_RES)}
    assert ends and {line for line in lines if ARTICLE_END_RE.match(line)} == ends
