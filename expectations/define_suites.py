"""Write the GX suites, validation definitions and checkpoints of the file context in expectations/gx.

The suites are data: this script is their readable source. Run `make expectations` after
changing it and commit what it writes: unchanged objects keep their ids, so the diff shows only
what changed. One suite, validation definition and checkpoint per table; suite name = table
name. Each expectation's meta names its action: "warn" or "fail" (blocking). Which rows (and columns) each
suite sees is steppe.integrations.quality's business (batch_queries, batch_query).
"""

from __future__ import annotations

import json

import great_expectations as gx
import great_expectations.expectations as gxe

from steppe.integrations.quality import BATCH_DEFINITION, DATASOURCE, GX_PROJECT_DIR, batch_queries, get_context

# Every expectation declares its action, as Delta Live Tables expectations do: "warn" reports a
# failure and keeps the rows (expect); "fail" stops the run before publishing (expect_or_fail).
# Dropping rows (expect_or_drop) is dbt's business: the row checks of the int_*__checked models,
# on the contract in dbt_project.yml, quarantine failing rows into audit.quarantined_rows. Keys,
# not-nulls, relationships and value sets are dbt's tests; GX keeps the content checks dbt cannot
# express cheaply (text patterns, shares, counts of a batch), so nothing is asserted twice.
WARN = {"action": "warn"}
FAIL = {"action": "fail"}
TICKER_LINE = r"[A-Z]{3}\s*/\s*[A-Z]{3}\s*="
NAVIGATION = r"(?i)^(?:viewing results|continue reading|read more|register to read|written by|image:)"
DATE_LINE = r"^\d{1,2} [A-Z][a-z]+ \d{4}$"


SUITES: dict[str, list[gxe.Expectation]] = {
    "raw.dumps": [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=WARN),
        # Landing's own bookkeeping: wrong here, every dump id derived from it is wrong.
        # (Its keys and encodings are dbt's tests of stg_steppe__dumps.)
        gxe.ExpectColumnValuesToMatchRegex(column="sha256", regex=r"^[0-9a-f]{64}$", meta=FAIL),
        gxe.ExpectColumnValuesToBeBetween(column="size_bytes", min_value=1, meta=FAIL),
    ],
    "audit.rejected_dumps": [
        # Refused files are not an error of the pipeline, but someone should look at them.
        gxe.ExpectTableRowCountToEqual(value=0, meta=WARN),
    ],
    "raw.pages": [
        gxe.ExpectColumnValuesToNotBeNull(column="page_date", meta=WARN),
        gxe.ExpectColumnValuesToBeBetween(column="page_year", min_value=2000, max_value=2100, meta=WARN),
        gxe.ExpectColumnValuesToBeBetween(column="quote_count", min_value=0, max_value=10, meta=WARN),
        # Pages without articles (author pages) are allowed; the report counts them.
        gxe.ExpectColumnValuesToBeBetween(column="article_count", min_value=1, meta=WARN),
    ],
    "raw.parse_issues": [
        gxe.ExpectTableRowCountToEqual(value=0, meta=WARN),
    ],
    "staging.stg_steppe__page_articles": [
        # A parser slip on one page is reported; the article still publishes. Checked here, once per
        # article content, on the parse that produced it, not on the whole mart.
        gxe.ExpectColumnValueLengthsToBeBetween(column="title", min_value=3, max_value=300, meta=WARN),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=TICKER_LINE, meta=WARN),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=NAVIGATION, meta=WARN),
        gxe.ExpectColumnValuesToNotMatchRegex(column="title", regex=DATE_LINE, meta=WARN),
        gxe.ExpectColumnValuesToNotMatchRegex(column="body", regex=TICKER_LINE, meta=WARN),
        gxe.ExpectColumnValuesToBeBetween(column="word_count", min_value=1, meta=WARN),
        # A parser that leaks the ticker into many bodies is broken, not unlucky: at most 10 % of a batch.
        gxe.ExpectColumnValuesToNotMatchRegex(column="body", regex=TICKER_LINE, mostly=0.9, meta=FAIL),
    ],
    "marts.articles": [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, meta=WARN),
        gxe.ExpectColumnValuesToBeUnique(column="title", meta=WARN),
        gxe.ExpectColumnValuesToNotBeNull(column="first_seen_date", meta=WARN),
        gxe.ExpectColumnProportionOfNonNullValuesToBeBetween(column="first_seen_date", min_value=0.5, meta=WARN),
    ],
    "marts.fx_daily": [
        gxe.ExpectColumnValuesToBeBetween(column="change_pct", min_value=-50, max_value=50, meta=WARN),
        # A conflicting day is resolved by the documented rule, and reported.
        gxe.ExpectColumnValuesToBeInSet(column="has_conflict", value_set=[False], meta=WARN),
    ],
}


def _config(expectation: gxe.Expectation) -> str:
    """An expectation as written, without its id (its identity across runs of this script)."""
    return json.dumps({**expectation.configuration.to_json_dict(), "id": None}, sort_keys=True)


def main() -> None:
    """Add or update every table's objects, keeping the ids of unchanged ones (a small diff)."""
    if set(SUITES) != set(batch_queries()):  # an exception, not assert: python -O must not skip it
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
