"""Integrations with the tools around the library: dbt, Great Expectations."""
