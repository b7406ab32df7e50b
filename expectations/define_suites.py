"""Write the GX suites, validation definitions and checkpoints of the file context in expectations/gx.

The suites are data: this script is their readable source. Run `make expectations` after
changing it and commit what it writes: unchanged objects keep their ids, so the diff shows only
what changed. One suite, validation definition and checkpoint per table; suite name = table
name. Expectations are blocking unless meta severity is "warning". Which rows (and columns) each
suite sees is steppe.integrations.quality's business (BATCH_QUERIES, batch_query).
"""

from __future__ import annotations

import json

import great_expectations as gx
import great_expectations.expectations as gxe
import pycountry

from steppe.integrations.quality import BATCH_DEFINITION, BATCH_QUERIES, DATASOURCE, GX_PROJECT_DIR, get_context

WARN = {"severity": "warning"}
ISO_CURRENCIES = sorted(c.alpha_3 for c in pycountry.currencies)
# ISO 3166-1 alpha-2, plus the codes the spec uses that ISO reserves: Kosovo, Soviet Union.
ISO_COUNTRIES = sorted({c.alpha_2 for c in pycountry.countries} | {"XK", "SU"})
QUANTITY_UNITS = ["t", "bcm", "m3", "MW", "kWh", "barrels", "head", "units", "percent", "fold"]
TICKER_LINE = r"[A-Z]{3}\s*/\s*[A-Z]{3}\s*="
NAVIGATION = r"(?i)^(?:viewing results|continue reading|read more|register to read|written by|image:)"
DATE_LINE = r"^\d{1,2} [A-Z][a-z]+ \d{4}$"


def not_null(column: str, **kw: object) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToNotBeNull(column=column, **kw)


def unique(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeUnique(column=column)


SUITES: dict[str, list[gxe.Expectation]] = {
    "raw.dumps": [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=WARN),
        not_null("dump_id"),
        unique("dump_id"),
        unique("sha256"),
        gxe.ExpectColumnValuesToMatchRegex(column="sha256", regex=r"^[0-9a-f]{64}$"),
        gxe.ExpectColumnValuesToBeInSet(column="encoding", value_set=["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
        gxe.ExpectColumnValuesToBeBetween(column="size_bytes", min_value=1),
    ],
    "audit.rejected_dumps": [
        not_null("file_name"),
        not_null("reason"),
        # Refused files are not an error of the pipeline, but someone should look at them.
        gxe.ExpectTableRowCountToEqual(value=0, meta=WARN),
    ],
    "raw.pages": [
        unique("dump_id"),
        not_null("page_date", meta=WARN),
        gxe.ExpectColumnValuesToBeBetween(column="page_year", min_value=2000, max_value=2100),
        gxe.ExpectColumnValuesToBeBetween(column="quote_count", min_value=0, max_value=10),
        # Pages without articles (author pages) are allowed; the report counts them.
        gxe.ExpectColumnValuesToBeBetween(column="article_count", min_value=1, meta=WARN),
    ],
    "raw.fx_quotes": [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["dump_id", "currency"]),
        gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=ISO_CURRENCIES),
        gxe.ExpectColumnValuesToBeInSet(column="quote_currency", value_set=["USD"], meta=WARN),
        gxe.ExpectColumnValuesToMatchRegex(column="rate", regex=r"^\d+(?:\.\d+)?$"),
        gxe.ExpectColumnValuesToMatchRegex(column="change_pct", regex=r"^-?\d+(?:\.\d+)?$"),
    ],
    "raw.parse_issues": [
        gxe.ExpectTableRowCountToEqual(value=0, meta=WARN),
    ],
    "staging.stg_steppe__page_articles": [
        not_null("title"),
        gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=3, max_value=300),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=TICKER_LINE),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=NAVIGATION),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=DATE_LINE),
        # Checked here, once per article, on the parse that produced it, not on the whole mart.
        gxe.ExpectColumnValuesToNotMatchRegex(column="body", regex=TICKER_LINE),
        gxe.ExpectColumnValuesToBeBetween(column="word_count", min_value=1),
    ],
    "marts.articles": [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=WARN),
        not_null("article_id"),
        unique("article_id"),
        unique("title"),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=TICKER_LINE),
        gxe.ExpectColumnValuesToBeBetween(column="dump_count", min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="word_count", min_value=1),
        not_null("first_seen_date", meta=WARN),
        gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(column="first_seen_date", min_value=0.5, meta=WARN),
    ],
    "marts.fx_daily": [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["rate_date", "currency"]),
        not_null("rate_date"),
        gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=ISO_CURRENCIES),
        gxe.ExpectColumnValuesToBeInSet(column="quote_currency", value_set=["USD"]),
        gxe.ExpectColumnValuesToBeBetween(column="rate", min_value=0, strict_min=True),
        gxe.ExpectColumnValuesToBeBetween(column="change_pct", min_value=-50, max_value=50, meta=WARN),
        gxe.ExpectColumnValuesToBeBetween(column="observations", min_value=1),
        # A conflicting day is resolved by the documented rule, and reported.
        gxe.ExpectColumnValuesToBeInSet(column="has_conflict", value_set=[False], meta=WARN),
    ],
    "marts.entities": [
        unique("entity_id"),
        not_null("name"),
        gxe.ExpectColumnValuesToBeInSet(column="entity_type", value_set=["COUNTRY", "PERSON", "ORG", "PLACE"]),
        gxe.ExpectColumnValuesToBeInSet(column="country_code", value_set=ISO_COUNTRIES),
        gxe.ExpectColumnValuesToBeBetween(column="article_count", min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="mention_count", min_value=1),
    ],
    "marts.article_entities": [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["article_id", "entity_id"]),
        gxe.ExpectColumnValuesToBeBetween(column="mention_count", min_value=1),
    ],
    "marts.trade_figures": [
        unique("figure_id"),
        not_null("article_id"),
        gxe.ExpectColumnValuesToBeInSet(column="unit", value_set=ISO_CURRENCIES + QUANTITY_UNITS),
        gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["money", "quantity", "percent", "ratio"]),
        gxe.ExpectColumnValuesToBeInSet(
            column="metric",
            value_set=[
                "exports",
                "imports",
                "trade_turnover",
                "investment",
                "deal",
                "production",
                "capacity",
                "reserves",
                "spending",
                "price",
                "aid",
                "other",
            ],
        ),
        gxe.ExpectColumnValuesToBeInSet(column="reporter_country", value_set=ISO_COUNTRIES),
        gxe.ExpectColumnValuesToBeInSet(column="partner_country", value_set=ISO_COUNTRIES),
        gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="value_usd", min_value=0),
        gxe.ExpectColumnValuesToMatchRegex(
            column="period", regex=r"^(?:\d{4}|XXXX)(?:-\d{2}){0,2}(?:\.\.(?:\d{4}(?:-\d{2}){0,2})?)?$"
        ),
    ],
}


def _config(expectation: gxe.Expectation) -> str:
    """An expectation as written, without its id (its identity across runs of this script)."""
    return json.dumps({**expectation.configuration.to_json_dict(), "id": None}, sort_keys=True)


def main() -> None:
    """Add or update every table's objects, keeping the ids of unchanged ones (a small diff)."""
    if set(SUITES) != set(BATCH_QUERIES):  # an exception, not assert: python -O must not skip it
        raise SystemExit("every validated table needs a suite and a batch query")
    context = get_context()
    sources = context.data_sources
    source = sources.get(DATASOURCE) if DATASOURCE in sources.all() else sources.add_pandas(name=DATASOURCE)
    old_ids = {(s.name, _config(e)): e.id for s in context.suites.all() for e in s.expectations}
    for name, expectations in SUITES.items():
        asset = source.get_asset(name) if name in source.get_asset_names() else source.add_dataframe_asset(name=name)
        batch = next((b for b in asset.batch_definitions if b.name == BATCH_DEFINITION), None)
        batch = batch or asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)
        suite = gx.ExpectationSuite(name=name, expectations=expectations)
        for expectation in suite.expectations:  # an unchanged expectation keeps its id
            expectation.id = old_ids.get((name, _config(expectation)))
        suite = context.suites.add_or_update(suite)
        definition = gx.ValidationDefinition(name=name, data=batch, suite=suite)
        definition = context.validation_definitions.add_or_update(definition)
        checkpoint = gx.Checkpoint(name=name, validation_definitions=[definition], result_format="SUMMARY")
        context.checkpoints.add_or_update(checkpoint)
    # Tables no longer validated: drop their checkpoint, definition, suite and asset.
    for factory in (context.checkpoints, context.validation_definitions, context.suites):
        for stale in [o.name for o in factory.all() if o.name not in SUITES]:
            factory.delete(name=stale)
    for stale in [n for n in source.get_asset_names() if n not in SUITES]:
        source.delete_asset(stale)
    print(f"wrote {len(SUITES)} suites, validation definitions and checkpoints under {GX_PROJECT_DIR / 'gx'}")


if __name__ == "__main__":
    main()
