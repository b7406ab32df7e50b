"""Unit tests for the trade-figure extractor (spec/EXTRACTION.md section 7).

Sentences are written for these tests (not copied from the seed dumps), one rule per test, plus
a regression floor over the three seed dumps scored like `make eval` (tools/matching.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from steppe.extraction.figures import extract_trade_figures
from steppe.extraction.figures.countries import country_from_word, find_countries
from steppe.extraction.figures.numbers import parse_number
from steppe.extraction.figures.sentences import split_sentences
from steppe.extraction.model import TradeFigure
from tests.conftest import load_tool

DAY = dt.date(2024, 12, 1)


def figs(body: str, title: str = "No Figures Here", page_date: dt.date | None = DAY) -> list[TradeFigure]:
    return extract_trade_figures(title, body, page_date)


def one(body: str, **kw: object) -> TradeFigure:
    out = figs(body)
    assert len(out) == 1, out
    f = out[0]
    for k, v in kw.items():
        assert getattr(f, k) == v, (k, getattr(f, k), v)
    return f


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,400.5", 1400.5), ("twenty-five", 25), ("half a", 0.5), ("one hundred", 100),
     ("two and a half", 2.5), ("a", 1.0), ("Seven", 7)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_money_digits_and_scale_words() -> None:
    values = [f.value for f in figs("Bilateral trade reached $3.2 billion, and exports hit $740m, "
                                    "while imports stood at US$1.1bn.")]
    assert values == [3.2e9, 740e6, 1.1e9]


def test_money_number_words() -> None:
    f = one("The government will invest half a billion dollars in new grain terminals.",
            unit="USD", kind="money", metric="investment")
    assert f.value == 5e8
    assert f.figure_text == "half a billion dollars"


def test_title_case_units_and_currency_names() -> None:
    out = extract_trade_figures("Kyrgyzstan Imports 300,000 Tons of Wheat Worth 9 Billion Soms", "", DAY)
    assert [(f.value, f.unit) for f in out] == [(3e5, "t"), (9e9, "KGS")]


def test_title_case_scale_word() -> None:
    out = extract_trade_figures("Tashkent Signs $2 Billion in Export Contracts with Seoul", "", DAY)
    assert [(f.value, f.in_title, f.metric) for f in out] == [(2e9, True, "deal")]


@pytest.mark.parametrize(
    ("body", "unit", "value"),
    [
        ("Kyrgyzstan exported 800 million soms worth of dried fruit to Russia.", "KGS", 8e8),
        ("The Uzbek budget allocated 4 trillion soums to road construction.", "UZS", 4e12),
        ("Turkmen cotton exports brought in 2.1 billion manats.", "TMT", 2.1e9),
        ("Tajik aluminium exports earned 900 million somoni.", "TJS", 9e8),
        ("Chinese investors spent 3 billion yuan on the plant.", "CNY", 3e9),
        ("Kazakh exporters received 45 billion tenge from sales to Russia.", "KZT", 45e9),
        ("The bank earmarked €40 million for the project.", "EUR", 40e6),
        ("Imports from Russia cost 12 bln rubles.", "RUB", 12e9),
        ("The deal was worth KZT 15 billion.", "KZT", 15e9),
        ("A Swiss fund invested 50 million Swiss francs in the mine.", "CHF", 50e6),
    ],
)
def test_currencies(body: str, unit: str, value: float) -> None:
    f = one(body, unit=unit, kind="money")
    assert f.value == pytest.approx(value)


def test_currency_tables_are_iso4217() -> None:
    from steppe.extraction.figures import lexicon as lex

    codes = {*lex.SYMBOLS.values(), *lex.CODES.values(), *(v for v in lex.NAMES.values() if "?" not in v)}
    assert codes <= lex.valid_iso4217()


@pytest.mark.parametrize(
    ("body", "unit", "value"),
    [
        ("Kazakhstan exported 2.4 million tonnes of wheat to Iran.", "t", 2.4e6),
        ("Uzbekistan imported 20 thousand tons of sugar.", "t", 2e4),
        ("Russia will supply 6 billion cubic meters of gas to Kyrgyzstan.", "bcm", 6.0),
        ("Gazprom shipped 7.5 bcm of gas to Uzbekistan.", "bcm", 7.5),
        ("The utility imported 40 million cubic meters of gas per day.", "m3", 4e7),
        ("The hydropower plant has a capacity of 1.2 GW.", "MW", 1200.0),
        ("Tajikistan exported 1.8 billion kWh of electricity to Afghanistan.", "kWh", 1.8e9),
        ("The field produced 300,000 barrels of oil a day.", "barrels", 3e5),
        ("Kyrgyz farmers exported 15,000 head of cattle to Uzbekistan.", "head", 1.5e4),
        ("Kazakhstan exported 12 million litres of sunflower oil to China.", "L", 1.2e7),
        ("Georgia imported 4,000 hectolitres of wine from Uzbekistan.", "L", 4e5),
        ("Uzbekistan will produce cotton on 1 million hectares in 2025.", "ha", 1e6),
        ("The port of Aktau handled 45,000 TEU of containers bound for China.", "TEU", 4.5e4),
        ("Kazakhstan shipped 30,000 twenty-foot equivalent units through the corridor.", "TEU", 3e4),
    ],
)
def test_quantity_units(body: str, unit: str, value: float) -> None:
    f = one(body, unit=unit, kind="quantity")
    assert f.value == pytest.approx(value)


def test_fold_and_percent() -> None:
    out = figs("Cotton exports grew 3.4-fold, and fertilizer imports rose by 12.5% over the period.")
    assert [(f.value, f.unit, f.kind) for f in out] == [(3.4, "fold", "ratio"), (12.5, "percent", "percent")]


def test_fold_words_and_times() -> None:
    out = figs("Exports of melons increased twofold, and flour shipments grew 2.5 times.")
    assert [(f.value, f.unit) for f in out] == [(2.0, "fold"), (2.5, "fold")]


def test_change_verbs_without_number_are_not_figures() -> None:
    assert figs("Exports of apricots tripled and imports of cars nearly doubled.") == []


def test_range_gives_both_ends() -> None:
    out = figs("Investment in the refinery is estimated at $2-3 billion.")
    assert [f.value for f in out] == [2e9, 3e9]
    assert all(f.metric == "investment" for f in out)


def test_hyphenated_unit_and_not_a_range() -> None:
    out = figs("The 1,350-megawatt plant will export power. Exports of melons reached $1.2 billion to 60 countries.")
    assert [(f.value, f.unit) for f in out] == [(1350.0, "MW"), (1.2e9, "USD")]


# --- exclusions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "More than 1,200 trucks queued at the border and 45 companies stopped exports.",
        "About 35% of residents said prices were the main concern in the survey.",
        "The number of Chinese tourists visiting the country grew by 40%.",
        "The video about the new export hub gathered 2 million views.",
        "Customs officers seized 15 kg of heroin and $20,000 in cash.",
        "The official was convicted of embezzling $4 million from the state budget.",
        "Almost 60% of industrial waste is now recycled.",
        "The company holds a 49% stake in the trade venture.",
        "He was sentenced to eight years and fined 2 million tenge.",
        "The exchange rate was $1 = 505 tenge on Monday.",
        "The oil terminal is 120 km from the border and employs 300 people.",
    ],
)
def test_exclusions(body: str) -> None:
    assert figs(body) == []


def test_percent_needs_an_economic_word() -> None:
    assert figs("The team won 75% of its matches this season.") == []
    assert len(figs("Gas output rose by 7% in the first quarter.")) == 1


# --- metric -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "metric"),
    [
        ("Kyrgyzstan's exports of gold reached $1.9 billion.", "exports"),
        ("Tajikistan imported $600 million worth of fuel.", "imports"),
        ("Mutual trade between Tajikistan and Uzbekistan hit $600 million.", "trade_turnover"),
        ("Korean firms have invested $7 billion in the economy.", "investment"),
        ("The two firms signed a $300 million contract for wagons.", "deal"),
        ("The smelter produced 180,000 tons of copper.", "production"),
        ("Total gold and currency reserves stood at $36 billion.", "reserves"),
        ("The ministry will spend $90 million on irrigation canals.", "spending"),
        ("Wheat sold at $210 per ton on the exchange.", "price"),
        ("The central bank kept its base rate at 16.5%.", "price"),
        ("Japan provided $3 million in humanitarian aid.", "aid"),
        ("A $120 million investment contract was signed.", "deal"),
    ],
)
def test_metric_cues(body: str, metric: str) -> None:
    one(body, metric=metric)


def test_transit_cargo_is_other() -> None:
    one("Transit cargo through the port reached 4 million tons.", metric="other")


def test_anaphoric_sentence_inherits_metric_and_partner() -> None:
    out = figs("Bilateral trade between Kazakhstan and Turkey grew by 9%. It reached $6.1 billion.")
    assert [(f.metric, f.reporter_country, f.partner_country) for f in out] == [
        ("trade_turnover", "KZ", "TR"),
        ("trade_turnover", "KZ", "TR"),
    ]


# --- reporter / partner -----------------------------------------------------------------------


def test_exports_supplier_to_receiver() -> None:
    one("Russian gas deliveries to Uzbekistan reached 6 bcm.", metric="exports",
        reporter_country="RU", partner_country="UZ")


def test_imports_receiver_view() -> None:
    one("Kyrgyzstan hopes to receive 2 bcm of gas from Turkmenistan.", metric="imports",
        reporter_country="KG", partner_country="TM")


def test_supply_verb_object_is_partner() -> None:
    one("Belarus has supplied Tajikistan with $40 million worth of tractors.",
        metric="exports", reporter_country="BY", partner_country="TJ")


def test_turnover_first_named_is_reporter() -> None:
    one("Trade between Turkmenistan and Iran amounted to $1.3 billion.",
        reporter_country="TM", partner_country="IR")


def test_eu_and_world_give_null() -> None:
    one("Exports to the European Union rose to €2 billion.", partner_country=None)


def test_clause_scoped_partner() -> None:
    out = figs("Imports from China fell to $3 billion, while exports to Iran grew to $1 billion.")
    assert [(f.metric, f.partner_country) for f in out] == [("imports", "CN"), ("exports", "IR")]


def test_share_holder_is_the_partner() -> None:
    one("Iran's share of Turkmen imports fell to 12%.", metric="imports",
        reporter_country="TM", partner_country="IR")


def test_demonym_actor_vs_origin() -> None:
    one("Korean companies bought 90,000 tonnes of Kazakh barley.", metric="imports",
        reporter_country="KR", partner_country="KZ")


def test_later_destination_belongs_to_later_figure() -> None:
    out = figs("Kazakhstan exported 9 million tons of wheat, including 2 million tons to Tajikistan.")
    assert [f.partner_country for f in out] == [None, "TJ"]


def test_price_rise_not_taken_for_demographic_share() -> None:
    out = figs("The tariff for electricity for households will rise by 25% next year.")
    assert [(f.value, f.metric) for f in out] == [(25.0, "price")]


def test_country_lookup() -> None:
    assert country_from_word("Kyrgyz") == "KG"
    assert [m.code for m in find_countries("Kyrgyz-Kazakh border and the U.S. and Türkiye")] == [
        "KG", "KZ", "US", "TR"]
    # "US$" and "Kazakh tenge" are currencies, not country mentions
    assert find_countries("US$5 million and 3 billion Kazakh tenge") == []


# --- period -----------------------------------------------------------------------------------


def test_period_year_and_month_range() -> None:
    out = figs("In 2022, exports of barley reached 1.1 million tons. "
               "From January to May 2023, barley exports totaled 400,000 tons.")
    assert [f.period for f in out] == ["2022", "2023-01..2023-05"]


def test_period_this_year_follows_last_full_year_cited() -> None:
    body = ("Exports of beef reached $90 million in 2022. "
            "In the first three months of this year, beef exports rose by 11%.")
    out = figs(body, page_date=dt.date(2024, 6, 1))
    assert out[1].period == "2023-01..2023-03"


def test_period_null_for_current_and_horizons() -> None:
    out = figs("Gas supplies will grow from the current 2 bcm to 5 bcm by 2027.")
    assert [f.period for f in out] == [None, "2027"]
    one("Exports are expected to reach $2 billion within the next five years.", period=None)


def test_period_comparison_base_is_not_the_period() -> None:
    one("Uzbekistan produced 3.1 million tons of cotton, more than in 2019.", period=None)


def test_month_without_year() -> None:
    one("Imports of petrol rose by 6% in March.", period="XXXX-03")


# --- sentences and layout ---------------------------------------------------------------------


def test_sentence_splitting_keeps_abbreviations() -> None:
    p = "Dr. Aliyev met U.S. officials on Monday. Exports rose to $2 billion. Jan. 5 was quiet."
    assert [p[a:b] for a, b in split_sentences(p)] == [
        "Dr. Aliyev met U.S. officials on Monday.", "Exports rose to $2 billion.", "Jan. 5 was quiet."]


def test_sentence_is_exact_and_nbsp_kept() -> None:
    body = "The Uzbek side said so. Exports of grapes reached $45\u00a0million in 2023."
    f = one(body)
    assert f.sentence == "Exports of grapes reached $45\u00a0million in 2023."
    assert f.value == 45e6


def test_title_first_then_body_order_and_repeats() -> None:
    out = extract_trade_figures(
        "Tajikistan Signs $500 Million Deal with China",
        "Tajikistan and China signed a $500 million deal.\n\nThe $500 million deal covers two mines.",
        DAY,
    )
    assert [(f.in_title, f.value) for f in out] == [(True, 5e8), (False, 5e8), (False, 5e8)]
    assert out[0].sentence == "Tajikistan Signs $500 Million Deal with China"
    assert (out[0].reporter_country, out[0].partner_country) == ("TJ", "CN")


def test_empty_and_deterministic() -> None:
    assert extract_trade_figures("", "", None) == []
    body = "Kazakhstan exported 3 million tons of coal to China in 2023."
    assert figs(body) == figs(body)


# --- regression floor over the seed dumps -----------------------------------------------------


def test_seed_regression_floor() -> None:
    m = load_tool("score_figures").score(("seeds",))
    assert m["precision"] >= 0.93
    assert m["core_recall"] >= 0.95
    assert m["all_recall"] >= 0.93
    assert m["core_attr_acc"] >= 0.90


def test_range_with_both_ends_written_whole_keeps_each_text() -> None:
    out = figs("Kyrgyzstan and Kazakhstan plan to lift bilateral trade from $1.5 billion to $3 billion.")
    assert [(f.figure_text, f.value) for f in out] == [("$1.5 billion", 1.5e9), ("$3 billion", 3e9)]


def test_range_of_hyphenated_number_words_is_cut_at_the_separator() -> None:
    out = figs("Grain exports to China will grow from twenty-five million to thirty million tons.")
    assert [(f.figure_text, f.value) for f in out] == [("twenty-five million", 25e6), ("thirty million tons", 30e6)]


def test_both_ends_of_a_range_share_the_partner_named_after_it() -> None:
    out = figs("Tajikistan expects to export 1.2 to 1.5 million tons of cement to Afghanistan in 2026.")
    assert [(f.value, f.reporter_country, f.partner_country) for f in out] == [
        (1.2e6, "TJ", "AF"), (1.5e6, "TJ", "AF")
    ]


# --- rules for real-text patterns (sentences written for these tests) -------------------------


def test_hyphenated_scale_word() -> None:
    out = figs("The state fund will grow by 40-million somoni (US$3.7-million) next year.")
    assert [(f.value, f.unit) for f in out] == [(4e7, "TJS"), (3.7e6, "USD")]


def test_bracketed_figures_take_the_country_before_them() -> None:
    out = figs("Uzbekistan exported cotton mainly to Central Asian states (80,000 tons), Russia (50,000 tons), "
               "and Iran (12,000 tons).")
    assert [(f.value, f.reporter_country, f.partner_country) for f in out] == [
        (8e4, "UZ", None), (5e4, "UZ", "RU"), (1.2e4, "UZ", "IR")]


def test_country_bracketed_with_one_figure_is_not_the_next_ones() -> None:
    out = figs("Uzbekistan resumed cotton supplies to Iran (20,000 tons), and 90,000 tons of cotton were "
               "exported to Poland, Latvia, and Germany.")
    assert [(f.value, f.metric, f.partner_country) for f in out] == [(2e4, "exports", "IR"), (9e4, "exports", None)]


def test_shared_destinations_give_no_partner() -> None:
    one("Kyrgyzstan exported 30,000 tons of beans to Turkey and Bulgaria.", partner_country=None)


def test_opening_phrase_is_its_own_clause() -> None:
    one("With trade between Georgia and Armenia growing fast, officials believe Armenia’s Shirak region alone "
        "could hold $200 million in trade with Georgia.", metric="trade_turnover",
        reporter_country="AM", partner_country="GE")


def test_passive_verb_after_the_figures_is_their_metric() -> None:
    out = figs("The railway carried 8 million tons of cargo in 2023. Of that amount, 3 million tons of coal "
               "and 1 million tons of ore were exported.")
    assert [(f.value, f.metric) for f in out] == [(8e6, "other"), (3e6, "exports"), (1e6, "exports")]


def test_goods_counted_in_loads_and_boxes_are_units() -> None:
    out = figs("Iran has delivered 12 truckloads of granite to Turkmenistan. The second shipment holds 200 boxes "
               "of tiles.")
    assert [(f.value, f.unit, f.metric, f.partner_country) for f in out] == [
        (12.0, "units", "exports", "TM"), (200.0, "units", "exports", "TM")]
    assert figs("Some 300 boxes were stacked at the warehouse.") == []


def test_last_number_of_a_list_shares_its_unit() -> None:
    out = figs("In 2023, 210,000 tons of rice were exported to Tajikistan, 150,000 tons to Russia, and 90,000 to Iran.")
    assert [(f.value, f.unit, f.partner_country) for f in out] == [
        (2.1e5, "t", "TJ"), (1.5e5, "t", "RU"), (9e4, "t", "IR")]
    # a lone figure before a bare number, or a year, gives nothing
    assert [f.value for f in figs("Exports reached 210,000 tons of rice, and 2,500 in another count.")] == [2.1e5]


def test_bilateral_trade_without_names_is_the_article_pair_home_first() -> None:
    out = extract_trade_figures(
        "Uzbekistan Hosts Korean Business Delegation",
        "Korea and Uzbekistan held talks in Tashkent.\n\nThe two countries aim to keep bilateral trade worth $3 billion.",
        DAY,
    )
    assert [(f.metric, f.reporter_country, f.partner_country) for f in out] == [("trade_turnover", "UZ", "KR")]


def test_freight_of_a_two_country_article_is_with_the_other_country() -> None:
    out = extract_trade_figures(
        "Kyrgyzstan and China Expand Rail Links",
        "Officials met in Bishkek.\n\nLast year, freight carried by rail grew by 25%. "
        "Kyrgyzstan and China now aim for a further twofold increase.",
        DAY,
    )
    assert [(f.value, f.metric, f.reporter_country, f.partner_country) for f in out] == [
        (25.0, "other", "KG", "CN"), (2.0, "other", "KG", "CN")]


def test_totals_of_a_two_country_article_stay_open() -> None:
    out = extract_trade_figures("Kazakhstan and China Sign Grain Deal", "Its grain exports reached $2 billion.", DAY)
    assert [(f.metric, f.partner_country) for f in out] == [("exports", None)]


def test_change_without_a_preceding_flow_needs_an_economic_word() -> None:
    assert figs("The team hopes for a further threefold increase in fans.") == []


def test_own_destination_that_is_no_country_gives_no_partner() -> None:
    out = figs("Kazakhstan exported 300,000 tons of flour to Afghanistan and 200,000 tons to Central Asian markets.")
    assert [(f.value, f.partner_country) for f in out] == [(3e5, "AF"), (2e5, None)]
    out = figs("Kazakhstan’s grain exports to China surged 3.5-fold to 2 million tons.")
    assert [(f.value, f.partner_country) for f in out] == [(3.5, "CN"), (2e6, "CN")]


def test_a_later_figure_of_the_same_flow_keeps_its_countries() -> None:
    out = figs("Iran has shipped 20 truckloads of cement to Turkmenistan. The cement arrived by road. "
               "Officials from the two sides met. The first shipment comprises 500 bags of cement.")
    assert [(f.value, f.reporter_country, f.partner_country) for f in out] == [(20.0, "IR", "TM"), (500.0, "IR", "TM")]


def test_energy_shortfall_is_other() -> None:
    out = figs("Officials said Uzbekistan would be short some 3.1 billion kilowatt hours of electricity in 2026, "
               "a 20% increase in the country’s power deficit compared to 2025.")
    assert [(f.value, f.unit, f.metric, f.period) for f in out] == [
        (3.1e9, "kWh", "other", "2026"), (20.0, "percent", "other", "2026")]


def test_listed_destinations_keep_the_list_preposition() -> None:
    out = figs("Uzbekistan shipped cotton to Latvia, Poland, and Germany. In total, 50,000 tons were exported.")
    assert [(f.value, f.reporter_country, f.partner_country) for f in out] == [(5e4, "UZ", None)]


def test_spaced_hyphen_is_a_dash_not_a_range() -> None:
    out = figs("The average wheat price in Tajikistan was $242 per ton - 1.5 times higher than in Kazakhstan.")
    assert [(f.value, f.unit) for f in out] == [(242.0, "USD"), (1.5, "fold")]


# --- periods from real-text patterns ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "period"),
    [
        ("In the second quarter of 2023, cotton exports reached $120 million.", "2023-04..2023-06"),
        ("Cotton exports reached $120 million in Q4 2022.", "2022-10..2022-12"),
        ("In the first three quarters of 2024, wheat exports reached 2 million tons.", "2024-01..2024-09"),
        ("Since 2019, Tajikistan has attracted $2 billion in investment.", "2019.."),
        ("Between mid-2020 and early 2021, exports of copper reached $400 million.", "2020..2021"),
        ("Copper exports reached $400 million in July-August.", "XXXX-07..XXXX-08"),
    ],
)
def test_period_forms(body: str, period: str) -> None:
    one(body, period=period)


def test_month_range_without_year_takes_the_reporting_year() -> None:
    body = ("In January-June 2022, the railway carried 3 million tons of grain. From January to June, "
            "700,000 tons of flour were exported to China.")
    out = figs(body, page_date=dt.date(2023, 3, 1))
    assert [f.period for f in out] == ["2022-01..2022-06", "2022-01..2022-06"]


def test_undated_flow_after_a_reporting_range_shares_it_but_plans_do_not() -> None:
    body = ("In January-March 2023, Tajikistan exported 90,000 tons of aluminium. "
            "Tajikistan exported 20,000 tons of it to Turkey. "
            "Tajikistan plans to export 50,000 tons more to Iran.")
    out = figs(body)
    assert [f.period for f in out] == ["2023-01..2023-03", "2023-01..2023-03", None]


def test_usual_level_has_no_period_but_the_next_figure_does() -> None:
    out = figs("Gas consumption had previously grown by 2% a year, but in 2021 consumption surged by 7%.")
    assert [f.period for f in out] == [None, "2021"]


def test_each_figure_of_a_yearly_list_takes_its_own_year() -> None:
    out = figs("The fund’s budget grew from 300 million somoni in 2020 and 350 million somoni in 2021.")
    assert [f.period for f in out] == ["2020", "2021"]


def test_next_year_counts_from_years_reported_not_targets() -> None:
    body = ("The fund held 400 million somoni in 2022. It will receive 50 million somoni more next year, "
            "bringing the total held by 2024 to 450 million somoni.")
    out = figs(body, page_date=dt.date(2025, 6, 1))
    assert [f.period for f in out] == ["2022", "2024", "2024"]


def test_money_received_is_not_imports() -> None:
    one("The university will receive $4 million for new laboratories.", metric="other")
    one("Tajikistan received $40 million worth of wheat from Kazakhstan.", metric="imports", partner_country="KZ")


def test_demonym_before_an_acting_firm_is_the_reporter() -> None:
    one("The Uzbek airline plans to purchase 10 aircraft worth $1.2 billion.", metric="imports", reporter_country="UZ",
        partner_country=None)


def test_reporting_range_is_not_carried_to_shares_of_gdp() -> None:
    body = ("Remittances to Kyrgyzstan fell by 20% in the first quarter of 2024. "
            "Remittances account for 25% of the country's GDP.")
    assert [f.period for f in figs(body)] == ["2024-01..2024-03", None]


def test_reporter_of_a_later_clause_is_the_sentence_subject() -> None:
    out = figs("Mongolia’s imports from Kazakhstan reached $300 million, while exports to Kazakhstan were $40 million.")
    assert [(f.metric, f.reporter_country, f.partner_country) for f in out] == [
        ("imports", "MN", "KZ"), ("exports", "MN", "KZ")]


def test_main_buyer_is_the_export_partner() -> None:
    one("China remains the largest buyer of Kyrgyz gold, purchasing 60% of all exports.", metric="exports",
        reporter_country="KG", partner_country="CN")


def test_goods_and_their_value_share_the_destination() -> None:
    out = figs("Turkmenistan exported 100,000 tonnes of polypropylene worth $100 million to Turkey.")
    assert [(f.value, f.partner_country) for f in out] == [(1e5, "TR"), (1e8, "TR")]


def test_a_country_listed_with_a_region_shares_the_figure() -> None:
    one("Uzbekistan exported 40,000 tons of apricots to Russia and Europe.", partner_country=None)
    one("Uzbekistan exported 40,000 tons of apricots to Europe and Russia.", partner_country=None)


def test_water_flow_and_climate_shares_are_not_figures() -> None:
    assert figs("Because of climate change, the volume of water flowing into the reservoir could drop by 25% "
                "and hurt supplies of water for wheat production.") == []
