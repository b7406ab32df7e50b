"""One test per variant of the site's real pages (data/corpus describes them), on pages written here."""

from __future__ import annotations

import datetime as dt

from steppe.parsing import Article, parse_page
from steppe.parsing.articles import is_caption, names_a_country, split_trailing_link

TICKER = "\n".join(
    f"  • {c}/USD = {r} {p}%"
    for c, r, p in [("KGS", "0.01150", "0"), ("KZT", "0.00190", "-0"), ("TJS", "0.09158", "-0.11"),
                    ("UZS", "0.00008", "0"), ("TMT", "0.28490", "-0.42")]
)
LONG = (
    "The ministry said the new rules would apply from the first of the month and cover every region of "
    "the country, including the capital and the border districts."
)


def blocks(*parts: str) -> str:
    return "\n\n".join(parts) + "\n"


def only(text: str) -> Article:
    [article] = parse_page(text).articles
    return article


def titles(text: str) -> list[str]:
    return [a.title for a in parse_page(text).articles]


def test_listing_page_excerpts_each_open_with_their_headline() -> None:
    text = TICKER + "\n\n" + blocks(
        "Viewing results 7 - 12 of 124",
        "Mining Output Grows in Tajikistan",
        "Mining output in Tajikistan has grown by more than a fifth over the past year.",
        "Water Talks Resume",  # short, Title Case, names no country: still a headline on a listing
        "Delegates met in Almaty on Tuesday to discuss the spring quotas and",
    )
    parsed = parse_page(text)
    assert parsed.listing is not None and (parsed.listing.first, parsed.listing.total) == (7, 124)
    assert [a.title for a in parsed.articles] == ["Mining Output Grows in Tajikistan", "Water Talks Resume"]
    assert [a.is_truncated for a in parsed.articles] == [False, True]


def test_odd_listing_headers_are_read_as_printed() -> None:
    above = parse_page(blocks("Viewing results 2335 - 2340 of 803", "Kazakhstan Holds Elections", "Voters went out."))
    assert above.listing is not None and (above.listing.first, above.listing.last, above.listing.total) == (
        2335, 2340, 803
    )
    no_total = parse_page(blocks("Viewing results 1 - 6 of", "Tajik Blogger Speaks Out", "She spoke on Monday."))
    assert no_total.listing is not None and no_total.listing.total is None
    assert [a.title for a in no_total.articles] == ["Tajik Blogger Speaks Out"]


def test_date_line_glued_to_the_ticker_is_the_page_date() -> None:
    text = TICKER + "\n10 December 2025\n\nKazakh Grain Exports Rise\n\nExports rose by a tenth.\n"
    parsed = parse_page(text)
    assert parsed.page_date == dt.date(2025, 12, 10)
    assert titles(text) == ["Kazakh Grain Exports Rise"]


def test_title_with_trailing_spaces_is_trimmed() -> None:
    assert titles(blocks("Uzbekistan Opens Rail Link   \u00a0", "The line opened.")) == ["Uzbekistan Opens Rail Link"]


def test_joomla_page_spam_line_byline_and_register_link_are_furniture() -> None:
    text = blocks(
        "astropay bozdurma paysafe bozdurma kart bozdurma",
        "Dwindling oil revenue may help boost manufacturing",
        "  • Written by Jane Smith, TCA publisher",
        "ALMATY (TCA) — The president is warning that it is time to tighten the belt.",
        "Register to read more ...",
        "Combating corruption needs a change of mentality",
        "  • Written by John Doe",
        "LONDON (TCA) — Authorities have stepped up legal action. Much remains uncle",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == [
        "Dwindling oil revenue may help boost manufacturing", "Combating corruption needs a change of mentality"
    ]
    first, last = parsed.articles
    assert first.paragraphs == ("ALMATY (TCA) — The president is warning that it is time to tighten the belt.",)
    assert not first.is_truncated and last.is_truncated
    assert all("Written by" not in a.body and "Register" not in a.body for a in parsed.articles)


def test_read_more_link_and_site_name_lines_close_an_old_teaser() -> None:
    text = blocks(
        "Kyrgyzstan looks to new energy sources",
        "BISHKEK (TCA) — Hydropower can provide electricity to many people, the minister said",
        "Read more: Kyrgyzstan looks to new energy sources",
        "Times of Central Asia",
        "Germany gives grants to Kyrgyzstan",
        "BISHKEK (TCA) — Agreements were signed in Bishkek on March 24.",
        "Continue reading",
        "Times of Central Asia",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == ["Kyrgyzstan looks to new energy sources",
                                                 "Germany gives grants to Kyrgyzstan"]
    # The teaser ends by design where the link stands: not truncated, though it has no final stop.
    assert [a.is_truncated for a in parsed.articles] == [False, False]
    assert all("Times of Central Asia" not in a.body for a in parsed.articles)


def test_continue_reading_at_a_paragraph_end_is_not_body() -> None:
    text = blocks(
        "ODIHR opens mission for elections in Uzbekistan",
        "TASHKENT (TCA) — The office opened a mission, it said.   Continue reading",
        "Uzbekistan prepares to elect a new parliament",
        "TASHKENT (TCA) — Read the following article, written by Fozil Mashrab: Continue reading",
        "Afghanistan",  # a following headline cut off by the dump end: no article
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == ["ODIHR opens mission for elections in Uzbekistan",
                                                 "Uzbekistan prepares to elect a new parliament"]
    assert parsed.articles[0].body == "TASHKENT (TCA) — The office opened a mission, it said."
    assert parsed.articles[1].body.endswith("Fozil Mashrab:")
    assert not parsed.articles[1].is_truncated  # something follows it: it does not break off at the dump end
    assert split_trailing_link("It said. READ MORE:") == ("It said.", True)
    assert split_trailing_link("He kept reading") == ("He kept reading", False)


def test_photo_captions_and_image_credits_are_neither_titles_nor_body() -> None:
    text = blocks(
        "Minister Kojoshev and Ambassador Scholz sign agreements on cooperation (Economy Ministry photo)",
        "Germany Gives Grants to Kyrgyzstan",
        "The agreements were signed in Bishkek.",
        "Timur Statue; image: TCA, Stephen M. Bland",
        "Image: Ilyas Otan",
        "UNESCO declared it a world heritage site.",
    )
    article = only(text)
    assert article.title == "Germany Gives Grants to Kyrgyzstan"
    assert article.paragraphs == ("The agreements were signed in Bishkek.", "UNESCO declared it a world heritage site.")
    assert is_caption("Flooded streets in Ashgabat (Photo: turkmenportal.com)")
    assert is_caption("Flooded streets in Ashgabat https://example.org/photo.jpg")
    assert is_caption("President Tokayev meets delegates in Astana; akorda.kz")
    assert is_caption("Delegates in Tashkent. Photo: president.uz")
    assert not is_caption("The photo was taken in Ashgabat.")
    assert not is_caption("The figures were published on stat.gov.kz.")  # a sentence, not a credit
    assert not is_caption("Relations With the U.S")
    assert not is_caption("Uzbekistan Welcomes Kaspi.kz")


def test_caption_codes_are_dropped_anywhere_in_a_line() -> None:
    text = blocks(
        "Kazakhstan Opens New Airport",
        '[caption id="attachment_9" align="alignnone" width="300"]The terminal[/caption] The airport opened.',
        "[caption id=\"x\"]Unclosed caption code at the start of a paragraph.",
    )
    article = only(text)
    assert article.paragraphs == ("The airport opened.", "Unclosed caption code at the start of a paragraph.")


def test_divider_tokens_alone_or_inline_are_dropped() -> None:
    text = blocks(
        "Kazakhstan Opens New Airport",
        "The airport opened on Monday. divider It serves the capital.",
        "---",
        "Flights start in May. --- Tickets are on sale.",
        "divider",
        "The road divider was repaired.",
    )
    article = only(text)
    assert article.paragraphs == (
        "The airport opened on Monday. It serves the capital.",
        "Flights start in May. Tickets are on sale.",
        "The road divider was repaired.",
    )


def test_author_box_under_an_article_is_not_body() -> None:
    text = blocks(
        "Kazakhstan and China Begin Talks on Rivers",
        "The two countries set up a working group of experts.",
        "Aliya Kenzhebayeva",
        "Aliya Kenzhebayeva",
        "Aliya Kenzhebayeva has worked for the paper as a journalist since 2001.\ndivider\nShe studied in Almaty.",
        "View more articles fromAliya Kenzhebayeva",
    )
    article = only(text)
    assert article.paragraphs == ("The two countries set up a working group of experts.",)
    assert not article.is_truncated


def test_author_page_bio_is_no_article_but_its_list_of_articles_is() -> None:
    text = TICKER + "\n19 February 2026\n\n" + blocks(
        "Our People > Aliya Kenzhebayeva",
        "Aliya Kenzhebayeva's Avatar",
        "Aliya Kenzhebayeva",
        "Senior Editor",
        "Aliya Kenzhebayeva has worked in the Eurasia region since 2007.",
        "With a passion for Central Asia, she has covered the region for many papers.",
        "Articles",
        "Tokayev Backs Azerbaijan to Join Summit",
        "Kazakhstan’s President has said he would welcome Azerbaijan’s participation in the upcoming C",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == ["Tokayev Backs Azerbaijan to Join Summit"]
    assert parsed.articles[0].is_truncated
    bare = blocks("Our People > Times of Central Asia", "Times of Central Asia's Avatar", "Articles",
                  "Small Businesses in Kyrgyzstan Struggle", "Entrepreneurs face high borrowing costs.")
    assert titles(bare) == ["Small Businesses in Kyrgyzstan Struggle"]


def test_author_page_cut_inside_the_bio_has_no_article() -> None:
    text = blocks("Our People > Aliya Kenzhebayeva", "Aliya Kenzhebayeva", "Journalist",
                  "Aliya Kenzhebayeva has worked for the paper since 1999. Prior to this, she")
    assert parse_page(text).articles == ()


def test_title_case_subheading_of_an_article_page_stays_in_its_article() -> None:
    text = TICKER + "\n09 December 2025\n\n" + blocks(
        "Naryn Becomes Latest Kyrgyz City to Dismantle Trolleybus System",
        "A year after trolleybus lines were damaged, authorities decided to abandon them.",
        "The city council has now voted to dismantle the system.",
        "Financial and Logistical Challenges",
        "Most of the fleet was transferred to Osh, while six trolleybuses were sent to Naryn.",
        "Tajikistan and Kyrgyzstan Agree to Further Border Protocol",  # names countries: the next story
        "From 12 – 17 Mar",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == [
        "Naryn Becomes Latest Kyrgyz City to Dismantle Trolleybus System",
        "Tajikistan and Kyrgyzstan Agree to Further Border Protocol",
    ]
    first = parsed.articles[0]
    assert first.subheadings == ("Financial and Logistical Challenges",)
    assert len(first.paragraphs) == 3 and not first.is_truncated
    assert parsed.articles[1].is_truncated
    assert names_a_country("Kazakh Grain Exports Rise") and names_a_country("U.S.-Uzbek Talks")
    assert not names_a_country("Medical Masks Exempt")


def test_digest_items_with_standfirsts_are_separate_stories() -> None:
    text = blocks(
        "Weekly Digest of Central Asia",
        "  • Written by TCA",
        "BISHKEK (TCA) — The publisher’s note: this digest compiles what other media reported.",
        "How Many Humps on a Camel? In Kazakhstan, It’s Complicated",
        "To diversify its economy away from oil, the government has been financing herders who crossbreed camels",
        "Sep 1 — “In most of the world, camels come in two types.” READ MORE:",
        "Kazakhstan’s new president vows to pursue democratisation",
        "The new president of Kazakhstan presented his vision of the country’s development",
        "Sep 3 — “Kazakhstan’s new president delivered on Mond",
    )
    parsed = parse_page(text)
    assert [a.title for a in parsed.articles] == [
        "Weekly Digest of Central Asia",
        "How Many Humps on a Camel? In Kazakhstan, It’s Complicated",
        "Kazakhstan’s new president vows to pursue democratisation",
    ]
    camel = parsed.articles[1]
    assert camel.paragraphs[0].startswith("To diversify") and camel.subheadings == ()
    assert camel.body.endswith("two types.”") and not camel.is_truncated
    assert parsed.articles[2].is_truncated


def test_sentence_case_digest_item_after_a_paragraph_opens_a_story() -> None:
    text = blocks(
        "Weekly Digest of Central Asia",
        "BISHKEK (TCA) — The publisher’s note: this digest compiles what other media reported.",
        "Kazakhstan: Activist punished for being rude about ruling party",
        "Although the president promised new political freedoms, there are still many red lines that "
        "politically minded people are unable to cross in the country today and in the years to come",
        "June 22 — “An activist has received a sentence of three years of limited freedom.”",
    )
    assert titles(text)[1] == "Kazakhstan: Activist punished for being rude about ruling party"


def test_slug_article_page_with_its_own_date_below_the_title() -> None:
    text = TICKER + "\n04 April 2024\n\n" + blocks(
        "Uzbekistan and Pakistan Strengthen Ties in Trade",
        "8 August 2017",
        "With bilateral trade rising sharply, the ambassador believes more can be done.",
    )
    parsed = parse_page(text)
    assert parsed.page_date == dt.date(2024, 4, 4)
    assert only(text).paragraphs == ("With bilateral trade rising sharply, the ambassador believes more can be done.",)


def test_title_with_a_stray_full_stop_opens_the_page() -> None:
    text = blocks("Development Association Allocates $25 million to Kyrgyz Universities.", LONG, LONG)
    assert titles(text) == ["Development Association Allocates $25 million to Kyrgyz Universities."]
    assert titles(blocks("Bukhara, Samarkand, Khiva.", LONG)) == []


def test_truncated_only_by_ellipsis_or_a_break_at_the_dump_end() -> None:
    ends = parse_page(blocks("Kazakh Exports Grow", "Exports grew to", "Tajik Imports Fall", "Imports fell."))
    assert [a.is_truncated for a in ends.articles] == [False, False]
    cut = parse_page(blocks("Kazakh Exports Grow", "Exports grew.", "Tajik Imports Fall", "Imports fell to 3 mil"))
    assert [a.is_truncated for a in cut.articles] == [False, True]
    dots = parse_page(blocks("Kazakh Exports Grow", "The economic...", "Tajik Imports Fall", "Imports fell."))
    assert [a.is_truncated for a in dots.articles] == [True, False]


def test_lines_of_punctuation_alone_parse_without_error() -> None:
    """Found by tests/hostile: a lone "." once made the title-with-full-stop rule index an empty string."""
    assert parse_page(".\n\n:").articles == ()
    assert titles(blocks(".", "…", "Kazakh Exports Grow", "Exports grew.")) == ["Kazakh Exports Grow"]


def test_a_photo_caption_belongs_to_the_story_below_it_not_to_its_body() -> None:
    page = parse_page(
        "Ministers meet in Dushanbe\n\nDUSHANBE (TCA) — The ministers met on Monday.\n\nContinue reading\n\n"
        "Finance Minister Jane Roe and Ambassador John Doe sign a loan agreement (Finance Ministry photo)\n\n"
        "Bank lends 20 million euros to Tajikistan\n\nDUSHANBE (TCA) — The loan was signed on Friday.\n"
    )
    first, second = page.articles
    assert first.captions == ()
    assert second.title == "Bank lends 20 million euros to Tajikistan"
    assert second.captions == (
        "Finance Minister Jane Roe and Ambassador John Doe sign a loan agreement (Finance Ministry photo)",
    )
    assert "Jane Roe" not in second.body and "Jane Roe" not in first.body
